import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { DateTime } from "@/components/ui/datetime";
import { getPageContext } from "@/lib/auth/session";
import { can, type OrgContext } from "@/lib/authz/context";
import { getMiniProgram, listCollaboratorCandidates, listCollaborators, MINI_PROGRAM_CATEGORIES } from "@/lib/services/mini-programs";
import { listVersions, MAX_PACKAGE_BYTES } from "@/lib/services/versions";
import { ButtonLink } from "@/components/ui/button";
import { Badge, Card, EmptyState, PageHeader, Table } from "@/components/ui/layout";
import { VersionStatusBadge } from "@/components/mini-programs/status-badge";
import { orNotFound } from "../page-helpers";
import { CollaboratorsPanel, EditMiniProgram, UploadPanel } from "./detail-client";
import { WhereItRuns } from "@/components/assignments/where-it-runs";
import { SkeletonLines } from "@/components/ui/skeleton";
import { StreamedCard } from "@/components/ui/streamed-card";
import { ScopedAnalytics } from "@/components/analytics/scoped-analytics";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";
import { ListingPanel } from "./listing-panel";
import { LifecycleActions } from "./lifecycle-actions";
import { Button } from "@/components/ui/button";
import { getListing, LISTING_LIMITS } from "@/lib/services/listing";
import { PERMISSIONS } from "@/lib/packages/catalog";

export default async function MiniProgramPage({ params, searchParams }: { params: Promise<{ org: string; appId: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const { org, appId } = await params;
  const editing = (await searchParams).edit === "1";
  const ctx = await getPageContext(org);
  const t = await getTranslations("miniPrograms");
  const mp = await orNotFound(getMiniProgram(ctx, appId));
  const canWrite = can(ctx, "miniPrograms.write");
  const canManage = can(ctx, "collaborators.manage");
  const canLifecycle = can(ctx, "miniPrograms.lifecycle");
  // Archived (issue 20): read-only until restored; the services refuse changes too (409), this only says so first.
  const archived = mp.status === "archived";
  const versions = await listVersions(ctx, mp.appId, { limit: 200 });
  const tl = await getTranslations("listing");
  const ta = await getTranslations("assignments");
  const base = `/o/${org}/mini-programs/${mp.appId}`;
  const categoryLabel = t.has(`categories.${mp.category}`) ? t(`categories.${mp.category}`) : mp.category;
  // Only a mini-program that never had an approved version can be deleted (the service checks it again).
  const deletable = !versions.items.some((v) => v.status === "approved" || v.status === "revoked");
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/mini-programs`} className="text-muted-fg hover:text-fg hover:underline">
          ← {t("back")}
        </Link>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-2">
            {mp.name}
            <Badge>{categoryLabel}</Badge>
            {archived && (
              <span data-testid="archived-badge">
                <Badge tone="warning">{t("lifecycle.archived")}</Badge>
              </span>
            )}
          </span>
        }
        description={
          <>
            <code className="font-mono text-xs" data-testid="app-id">
              {mp.appId}
            </code>
            {mp.description && <span className="mt-1 block">{mp.description}</span>}
          </>
        }
        actions={
          (canWrite && !editing && !archived) || canLifecycle ? (
            <div className="flex flex-wrap items-start justify-end gap-2">
              {canWrite && !editing && !archived && (
                <ButtonLink href={`${base}?edit=1`} scroll={false}>
                  {t("edit")}
                </ButtonLink>
              )}
              {canLifecycle && <LifecycleActions org={org} appId={mp.appId} name={mp.name} archived={archived} deletable={deletable} />}
            </div>
          ) : undefined
        }
      />
      <div className="space-y-6">
        {archived && (
          <div role="status" className="rounded-md border border-warning/40 bg-warning-bg px-3 py-2 text-sm text-warning" data-testid="archived-notice">
            {t("lifecycle.archivedNotice")} {mp.archivedAt && <DateTime value={mp.archivedAt} preset="relative" />}
          </div>
        )}
        {canWrite && editing && !archived && (
          <EditMiniProgram
            org={org}
            appId={mp.appId}
            initial={{ name: mp.name, category: mp.category, description: mp.description }}
            categories={MINI_PROGRAM_CATEGORIES.map((c) => ({ value: c, label: t(`categories.${c}`) }))}
          />
        )}
        {canWrite && (
          <Card title={t("upload.title")}>
            {archived ? (
              <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
                <Button disabled aria-describedby="upload-closed" data-testid="upload-disabled">
                  {t("upload.choose")}
                </Button>
                <p id="upload-closed" className="text-sm text-muted-fg">
                  {t("lifecycle.uploadClosed")}
                </p>
              </div>
            ) : (
              <UploadPanel org={org} appId={mp.appId} maxBytes={MAX_PACKAGE_BYTES} />
            )}
          </Card>
        )}

        {/* The listing's and the collaborators' reads and forms, and where it runs, stream in behind the header, the
            upload and the versions: on PGlite, where statements run one at a time on the server's thread, they were
            half of the page's statements before its first byte (docs/benchmarks.md). */}
        {canWrite && !archived && (
          <StreamedCard title={tl("title")} testId="listing-loading" skeleton={<SkeletonLines lines={22} className="h-[512px] lg:h-[424px]" />}>
            <Listing ctx={ctx} org={org} appId={mp.appId} name={mp.name} />
          </StreamedCard>
        )}

        <section aria-labelledby="versions-heading" className="space-y-3">
          <h2 id="versions-heading" className="text-base font-semibold">
            {t("versions")}
          </h2>
          {versions.items.length === 0 ? (
            <EmptyState title={canWrite ? t("versionsEmpty") : t("versionsEmptyReadOnly")} />
          ) : (
            // One table, rendered once: a table from lg up, one card per version below it.
            <Table caption={t("versions")} stacked>
              <thead>
                <tr>
                  <th scope="col">{t("version")}</th>
                  <th scope="col">{t("detail.status")}</th>
                  <th scope="col">{t("uploadedBy")}</th>
                  <th scope="col">{t("uploadedAt")}</th>
                  <th scope="col">{t("submittedAt")}</th>
                  <th scope="col">{t("report.warnings")}</th>
                </tr>
              </thead>
              <tbody>
                {versions.items.map((v) => (
                  <tr key={v.id} data-testid={`version-${v.version}`}>
                    <td>
                      <Link href={`${base}/versions/${v.id}`} className="font-mono font-medium text-primary hover:underline">
                        {v.version}
                      </Link>
                    </td>
                    <td className="max-lg:text-right">
                      <VersionStatusBadge status={v.status} />
                    </td>
                    <td className="text-xs max-lg:text-muted-fg">{v.uploadedBy ?? t("detail.unknownUser")}</td>
                    <td className="text-xs text-muted-fg max-lg:text-right">
                      <DateTime value={v.createdAt} preset="relative" />
                    </td>
                    <td className="text-xs text-muted-fg max-lg:hidden">{v.submittedAt ? <DateTime value={v.submittedAt} preset="relative" /> : "—"}</td>
                    <td className={`text-xs max-lg:col-span-2 ${v.warningCount > 0 ? "" : "max-lg:hidden"}`}>
                      {v.warningCount > 0 ? <Badge tone="warning">{t("warningsCount", { count: v.warningCount })}</Badge> : <span className="text-muted-fg">—</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </section>

        <StreamedCard title={t("collaborators.title")} testId="collaborators-loading" skeleton={<SkeletonLines lines={12} className="h-[274px] lg:h-[170px]" />}>
          <Collaborators ctx={ctx} org={org} appId={mp.appId} canManage={canManage} />
        </StreamedCard>

        <StreamedCard title={ta("whereItRuns.title")} testId="where-it-runs-loading" skeleton={<SkeletonLines lines={24} className="h-[553px] lg:h-[390px]" />}>
          <WhereItRuns ctx={ctx} org={org} appId={mp.appId} />
        </StreamedCard>

        <ScopedAnalytics org={org} appId={mp.appId} />
      </div>
    </>
  );
}

async function Listing({ ctx, org, appId, name }: { ctx: OrgContext; org: string; appId: string; name: string }) {
  const tl = await getTranslations("listing");
  const th = await getTranslations("hosts.permission");
  const listing = await getListing(ctx, appId);
  return (
    <Card title={tl("title")}>
      <ListingPanel
        org={org}
        appId={appId}
        name={name}
        listing={listing}
        permissions={PERMISSIONS.map((p) => ({ value: p, label: th.has(p) ? th(p) : p }))}
        maxScreenshots={LISTING_LIMITS.maxScreenshots}
      />
    </Card>
  );
}

async function Collaborators({ ctx, org, appId, canManage }: { ctx: OrgContext; org: string; appId: string; canManage: boolean }) {
  const t = await getTranslations("miniPrograms");
  const [collaborators, candidates] = await Promise.all([listCollaborators(ctx, appId), canManage ? listCollaboratorCandidates(ctx, appId) : Promise.resolve([])]);
  return (
    <Card title={t("collaborators.title")}>
      <CollaboratorsPanel org={org} appId={appId} canManage={canManage} collaborators={collaborators} candidates={candidates.map((c) => ({ email: c.email, name: c.name }))} />
    </Card>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; appId: string }> }): Promise<Metadata> {
  const { org, appId } = await params;
  return titledObject(async () => (await getMiniProgram(await getPageContext(org), appId)).name, { namespace: "nav", key: "miniPrograms" });
}
