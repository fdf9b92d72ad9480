import Link from "next/link";
import { PackagePreview } from "@/components/preview/package-preview";
import { notFound } from "next/navigation";
import { getFormatter, getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { getVersion } from "@/lib/services/versions";
import { Card, PageHeader } from "@/components/ui/layout";
import { InspectionReport } from "@/components/mini-programs/inspection-report";
import { ReviewHistory } from "@/components/reviews/review-history";
import { VersionStatusBadge } from "@/components/mini-programs/status-badge";
import { formatBytes } from "@/components/mini-programs/format";
import { orNotFound } from "../../../page-helpers";
import { VersionActions } from "./version-actions";
import { ScopedAnalytics } from "@/components/analytics/scoped-analytics";
import { ErrorGroupsLink } from "@/components/analytics/error-groups-link";
import { RevokeControl } from "@/components/versions/revoke-control";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";

export default async function VersionPage({ params }: { params: Promise<{ org: string; appId: string; versionId: string }> }) {
  const { org, appId, versionId } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("miniPrograms");
  const tc = await getTranslations("common");
  const format = await getFormatter();
  const v = await orNotFound(getVersion(ctx, versionId));
  // The version decides which mini-program it belongs to; a mismatched URL is a missing page.
  if (v.appId !== appId) notFound();
  const canWrite = can(ctx, "miniPrograms.write");
  const canRevoke = can(ctx, "versions.revoke") && v.status === "approved";
  const tr = await getTranslations("reviews.page");
  const when = (iso: string | null) => (iso ? format.dateTime(new Date(iso), "dateTime") : "—");
  const list = (items: string[], empty: string) =>
    items.length === 0 ? (
      <span className="text-muted-fg">{empty}</span>
    ) : (
      <span className="flex flex-wrap gap-1">
        {items.map((p) => (
          <code key={p} className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs break-all">
            {p}
          </code>
        ))}
      </span>
    );
  const note =
    v.status === "draft"
      ? t("detail.draftNote")
      : v.status === "in_review"
        ? t("detail.inReviewNote", { since: v.submittedAt ? format.relativeTime(new Date(v.submittedAt)) : "—" })
        : v.status === "approved"
          ? t("detail.approvedNote")
          : v.status === "rejected"
            ? t("detail.rejectedNote")
            : t("detail.revokedNote", { at: v.revokedAt ? format.relativeTime(new Date(v.revokedAt)) : "" });
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/mini-programs/${v.appId}`} className="text-muted-fg hover:text-fg hover:underline">
          ← {v.miniProgramName}
        </Link>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {v.miniProgramName} <span className="font-mono">{v.version}</span>
            <VersionStatusBadge status={v.status} />
          </span>
        }
        description={<code className="font-mono text-xs">{v.appId}</code>}
        actions={canWrite ? <VersionActions org={org} versionId={v.id} version={v.version} status={v.status} /> : undefined}
      />
      <div className="space-y-6">
        <div
          className={`rounded-md border px-3 py-2 text-sm ${v.status === "rejected" || v.status === "revoked" ? "border-danger/40 bg-danger-bg text-danger" : "border-border bg-card text-muted-fg"}`}
          data-testid="status-note"
        >
          {note}
          {v.status === "revoked" && v.revokeReason && <span className="mt-1 block">{t("detail.revokeReason", { reason: v.revokeReason })}</span>}
        </div>

        {canRevoke && (
          <Card title={tr("revokeTitle")}>
            <RevokeControl org={org} versionId={v.id} names={{ app: v.miniProgramName, version: v.version }} />
          </Card>
        )}

        <div className="grid gap-6 lg:grid-cols-2">
          <Card title={t("detail.summary")}>
            <dl className="grid grid-cols-2 gap-3 text-sm">
              <div>
                <dt className="text-xs font-medium text-muted-fg">{t("uploadedBy")}</dt>
                <dd>{v.uploadedBy ?? t("detail.unknownUser")}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-muted-fg">{t("uploadedAt")}</dt>
                <dd>{when(v.createdAt)}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-muted-fg">{t("submittedAt")}</dt>
                <dd>{when(v.submittedAt)}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-muted-fg">{t("decidedAt")}</dt>
                <dd>{when(v.decidedAt)}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-muted-fg">{t("detail.size")}</dt>
                <dd>{formatBytes(v.size)}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-muted-fg">{t("detail.minSdkVersion")}</dt>
                <dd>{v.minSdkVersion ? <code className="font-mono text-xs">{v.minSdkVersion}</code> : <span className="text-muted-fg">{tc("none")}</span>}</dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs font-medium text-muted-fg">{t("detail.permissions")}</dt>
                <dd className="mt-0.5">{list(v.permissions, tc("none"))}</dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs font-medium text-muted-fg">{t("detail.domains")}</dt>
                <dd className="mt-0.5">{list(v.domains, t("detail.anyDomain"))}</dd>
              </div>
            </dl>
          </Card>

          <Card title={t("detail.reviewHistory")}>
            <ReviewHistory reviews={v.reviews} emptyText={t("detail.noReviews")} />
          </Card>
        </div>

        {(v.status === "approved" || v.status === "revoked") && can(ctx, "analytics.view") && (
          <ErrorGroupsLink org={org} appId={v.appId} version={v.version} />
        )}
        {(v.status === "approved" || v.status === "revoked") && <ScopedAnalytics org={org} appId={v.appId} version={v.version} />}

        {v.inspection.ok && <PackagePreview org={org} versionId={v.id} />}

        <p className="text-sm">
          <Link href={`/o/${org}/mini-programs/${v.appId}/versions/${v.id}/files`} className="font-medium text-primary hover:underline" data-testid="browse-files">
            {(await getTranslations("files"))("browse")} →
          </Link>
        </p>

        <Card>
          <InspectionReport inspection={v.inspection} copyLabel={tc("copy")} copiedLabel={tc("copied")} />
        </Card>
      </div>
    </>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; versionId: string }> }): Promise<Metadata> {
  const { org, versionId } = await params;
  return titledObject(async () => {
    const v = await getVersion(await getPageContext(org), versionId);
    return (await getTranslations("meta"))("version", { name: v.appId, version: v.version });
  }, { namespace: "nav", key: "miniPrograms" });
}
