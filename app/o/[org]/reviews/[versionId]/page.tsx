import Link from "next/link";
import { PackagePreview } from "@/components/preview/package-preview";
import { getFormatter, getLocale, getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { getReviewDetail, REJECTION_REASONS } from "@/lib/services/reviews";
import { AgeBadge, RiskBadge } from "@/components/reviews/badges";
import { FileChanges, ManifestDiff, TextDiffs } from "@/components/reviews/diff-view";
import { durationParts } from "@/components/reviews/format";
import { Findings } from "@/components/reviews/findings";
import { ReviewHistory } from "@/components/reviews/review-history";
import { RiskPanel } from "@/components/reviews/risk-panel";
import { VersionStatusBadge } from "@/components/mini-programs/status-badge";
import { formatBytes } from "@/components/mini-programs/format";
import { Card, PageHeader } from "@/components/ui/layout";
import { orNotFound } from "@/app/o/[org]/mini-programs/page-helpers";
import { ClaimControl } from "../claim-control";
import { RevokeControl } from "@/components/versions/revoke-control";
import { DecisionPanel } from "./decision-panel";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";
import { getVersion } from "@/lib/services/versions";
import { ReleaseNotes } from "@/components/trust/release-notes";
import { ListingReview } from "@/components/mini-programs/listing-review";
import { getReviewListing } from "@/lib/services/listing";
import { getMiniProgram } from "@/lib/services/mini-programs";
import { can } from "@/lib/authz/context";
import { ErrorGroupsLink } from "@/components/analytics/error-groups-link";

export default async function ReviewPage({ params }: { params: Promise<{ org: string; versionId: string }> }) {
  const { org, versionId } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "review.decide");
  const t = await getTranslations("reviews");
  const tp = await getTranslations("reviews.page");
  const tn = await getTranslations("trust.notes");
  const ts = await getTranslations("miniPrograms.status");
  const format = await getFormatter();
  const locale = await getLocale();
  const d = await orNotFound(getReviewDetail(ctx, versionId));
  const v = d.version;
  const declared = v.inspection.manifest?.permissions ?? [];
  const mp = await getMiniProgram(ctx, v.appId);
  const listing = await getReviewListing(ctx, mp.id, declared);
  const tl = await getTranslations("listing");
  const when = (iso: string | null) => (iso ? format.dateTime(new Date(iso), "dateTime") : "—");
  const age = (ms: number) => {
    const p = durationParts(ms);
    return t(`age.${p.unit}`, { days: p.days, hours: p.hours, minutes: p.minutes });
  };
  const names = { app: v.miniProgramName, version: v.version };
  const holder = v.claim ? (v.claim.name ?? v.claim.email ?? t("unknownUser")) : null;
  const mayReleaseOthers = ctx.role === "owner" || ctx.role === "admin";

  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/reviews`} className="text-muted-fg hover:text-fg hover:underline">
          ← {tp("back")}
        </Link>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {v.miniProgramName} <span className="font-mono">{v.version}</span>
            <VersionStatusBadge status={v.status} />
            <RiskBadge level={d.risk.level} score={d.risk.score} />
          </span>
        }
        description={
          <span className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <code className="font-mono text-xs">{v.appId}</code>
            <span>{t("uploadedBy", { email: v.uploadedBy ?? t("unknownUser") })}</span>
            {d.waiting && (
              <span className="flex items-center gap-2">
                {tp("inReviewFor", { age: age(d.waiting.ms) })}
                <AgeBadge mark={d.waiting.mark} />
              </span>
            )}
          </span>
        }
        actions={
          <span className="flex flex-wrap items-center gap-3">
            <Link href={`/o/${org}/mini-programs/${v.appId}/versions/${v.id}`} className="text-sm text-muted-fg hover:text-fg hover:underline">
              {tp("versionPage")} →
            </Link>
            {/* What went wrong in the version this one would replace (issue 18). */}
            {d.baseline && can(ctx, "analytics.view") && <ErrorGroupsLink org={org} appId={v.appId} version={d.baseline.version} previous />}
          </span>
        }
      />

      <div className="space-y-3">
        {d.viewer.isUploader && v.status === "in_review" && (
          <div role="note" className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning" data-testid="own-upload">
            {tp("ownUpload")}
          </div>
        )}
        {v.status === "in_review" && !d.viewer.isUploader && (
          <div className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-border bg-card px-3 py-2">
            <ClaimControl org={org} versionId={v.id} holder={holder} mine={d.viewer.holdsClaim} canRelease={mayReleaseOthers} />
            {v.claim && !d.viewer.holdsClaim && <p className="text-xs text-muted-fg">{tp("claimedByOther", { name: holder ?? "" })}</p>}
          </div>
        )}
        {v.status === "revoked" && (
          <div className="rounded-md border border-danger/40 bg-danger-bg px-3 py-2 text-sm text-danger">
            {tp("revokedNote", { when: when(v.revokedAt), reason: v.revokeReason ?? "—" })}
          </div>
        )}
        {d.missingPackages.length > 0 && (
          <div role="note" className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning">
            {tp("missingPackages", { versions: d.missingPackages.join(", ") })}
          </div>
        )}
      </div>

      <div className="mt-6 grid items-start gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-6 lg:col-start-1 lg:row-start-1">
          <Card title={tn("title")}>
            <ReleaseNotes notes={v.notes} />
          </Card>

          <Card title={tl("reviewTitle")}>
            <ListingReview org={org} appId={v.appId} name={v.miniProgramName} listing={listing} declared={declared} />
          </Card>

          <Card title={tp("riskTitle")}>
            <RiskPanel risk={d.risk} />
          </Card>

          <Card title={d.baseline ? tp("diffTitle", { version: d.baseline.version }) : d.hasEarlierVersion ? tp("diffTitleNoApproved") : tp("diffTitleFirst")}>
            <div className="space-y-6">
              <p className="text-xs text-muted-fg" data-testid="diff-baseline">
                {d.baseline ? tp("diffBaselineNote", { version: d.baseline.version, when: when(d.baseline.decidedAt) }) : d.hasEarlierVersion ? tp("diffNoApprovedNote") : tp("diffFirstNote")}
              </p>
              {v.notes.trim() && <ReleaseNotes notes={v.notes} compact />}
              <ManifestDiff diff={d.diff} locale={locale} />
              <div className="space-y-2">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h3 className="text-sm font-semibold">{tp("files")}</h3>
                  <Link href={`/o/${org}/mini-programs/${v.appId}/versions/${v.id}/files`} className="text-sm font-medium text-primary hover:underline" data-testid="browse-files">
                    {(await getTranslations("files"))("browse")} →
                  </Link>
                </div>
                <FileChanges diff={d.diff} locale={locale} />
              </div>
              {d.baseline && (
                <div className="space-y-2">
                  <h3 className="text-sm font-semibold">{tp("codeChanges")}</h3>
                  <TextDiffs diffs={d.diff.textDiffs} />
                </div>
              )}
            </div>
          </Card>

          {v.inspection.ok && <PackagePreview org={org} versionId={v.id} />}
        </div>

        {/* On a phone the decision follows the diff, before the long inspection report. */}
        <aside className="min-w-0 space-y-6 lg:col-start-2 lg:row-span-2 lg:row-start-1" aria-label={tp("decision")}>
          {v.status === "in_review" && (
            <Card title={tp("decision")}>
              {d.viewer.canDecide ? (
                <DecisionPanel org={org} versionId={v.id} names={names} reasons={REJECTION_REASONS} />
              ) : (
                <p className="text-sm text-muted-fg" data-testid="cannot-decide">
                  {tp("ownUpload")}
                </p>
              )}
            </Card>
          )}
          {v.status !== "in_review" && (
            <p className="rounded-md border border-border bg-card px-3 py-2 text-sm text-muted-fg" data-testid="status-note">
              {tp("statusNote", { status: ts(v.status) })}
            </p>
          )}
          {d.viewer.canRevoke && (
            <Card title={tp("revokeTitle")}>
              <RevokeControl org={org} versionId={v.id} names={names} />
            </Card>
          )}

          <Card title={tp("summary")}>
            <dl className="grid grid-cols-2 gap-3 text-sm">
              <div className="col-span-2 min-w-0">
                <dt className="text-xs font-medium text-muted-fg">{tp("uploadedBy")}</dt>
                <dd className="break-all">{v.uploadedBy ?? t("unknownUser")}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-muted-fg">{tp("submittedAt")}</dt>
                <dd>{when(v.submittedAt)}</dd>
              </div>
              <div>
                <dt className="text-xs font-medium text-muted-fg">{tp("size")}</dt>
                <dd>{formatBytes(v.size, locale)}</dd>
              </div>
            </dl>
          </Card>

          <Card title={tp("history")}>
            <ReviewHistory reviews={v.reviews} emptyText={tp("noHistory")} />
          </Card>
        </aside>

        <Card title={tp("findings")} className="min-w-0 lg:col-start-1 lg:row-start-2">
          <Findings inspection={v.inspection} />
        </Card>
      </div>
    </>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; versionId: string }> }): Promise<Metadata> {
  const { org, versionId } = await params;
  return titledObject(async () => {
    const v = await getVersion(await getPageContext(org), versionId);
    return (await getTranslations("meta"))("review", { name: v.appId, version: v.version });
  }, { namespace: "nav", key: "reviews" });
}
