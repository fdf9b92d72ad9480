import { getFormatter, getTranslations } from "next-intl/server";
import { SkeletonLines } from "@/components/ui/skeleton";
import { StreamedCard } from "@/components/ui/streamed-card";
import { Card } from "@/components/ui/layout";
import { HostStatusBadge } from "@/components/hosts/platform-badges";
import { EditHostDetailsForm } from "../host-forms";
import { loadHostPage } from "./data";
import { HostStatusControl } from "./status-control";
import { RecommendationList } from "@/components/insights/recommendations";
import { can, type OrgContext } from "@/lib/authz/context";
import { getRecommendations } from "@/lib/insights/recommendations";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";
import { listHostRequests } from "@/lib/services/permission-requests";
import { PendingRequests } from "@/components/permission-requests/pending-requests";
import { RequestsTable } from "@/components/permission-requests/requests-table";

export default async function HostOverviewPage({ params }: { params: Promise<{ org: string; hostId: string }> }) {
  const { org, hostId } = await params;
  const { ctx, host, canManage } = await loadHostPage(org, hostId);
  const t = await getTranslations("hosts");
  const trec = await getTranslations("insights.recommendations");
  const showRecommendations = can(ctx, "analytics.view");
  const format = await getFormatter();
  const when = (iso: string) => format.dateTime(new Date(iso), "dateTime");
  const tr = await getTranslations("permissionRequests");
  const { items: requests } = await listHostRequests(ctx, host.id, { limit: 30 });
  const pendingRequests = requests.filter((r) => r.status === "pending");
  // Owners and admins decide the pending ones here; everyone who reads the host sees where requests stand.
  const shownRequests = canManage ? requests.filter((r) => r.status !== "pending") : requests;
  return (
    <div className="space-y-6">
    {(canManage || requests.length > 0) && (
      <section id="requests" aria-labelledby="requests-title" className="rounded-lg border border-border bg-card" data-testid="host-requests">
        <div className="border-b border-border px-4 py-3">
          <h2 id="requests-title" className="text-sm font-semibold">
            {tr("title")}
          </h2>
        </div>
        <div className="space-y-4 p-4">
          {canManage && (
            <div className="space-y-3">
              <p className="text-sm text-muted-fg">{tr("pendingIntro")}</p>
              <PendingRequests org={org} items={pendingRequests} />
            </div>
          )}
          {shownRequests.length > 0 && (
            <div className="space-y-2">
              {canManage && <h3 className="text-sm font-semibold">{tr("decided")}</h3>}
              <RequestsTable items={shownRequests} subject="miniProgram" org={org} />
            </div>
          )}
        </div>
      </section>
    )}
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Card title={canManage ? t("overview.edit") : t("overview.details")} className="lg:col-start-1 lg:row-start-1">
        {canManage ? (
          <EditHostDetailsForm org={org} host={host} />
        ) : (
          <dl className="space-y-4 text-sm">
            <div>
              <dt className="text-xs font-medium text-muted-fg">{t("name")}</dt>
              <dd className="mt-0.5">{host.name}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-muted-fg">{t("fieldDescription")}</dt>
              <dd className="mt-0.5 whitespace-pre-line">{host.description || <span className="text-muted-fg">{t("overview.noDescription")}</span>}</dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-muted-fg">{t("urlScheme")}</dt>
              <dd className="mt-0.5" data-testid="host-url-scheme">
                {host.urlScheme ? <code className="font-mono text-xs">{host.urlScheme}</code> : <span className="text-muted-fg">{t("overview.noUrlScheme")}</span>}
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-muted-fg">{t("platforms")}</dt>
              <dd className="mt-1">
                <ul className="divide-y divide-border rounded-md border border-border">
                  {host.platforms.map((p) => (
                    <li key={p.platform} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-3 py-2">
                      <span className="font-medium">{t(`platformName.${p.platform}`)}</span>
                      <code className="break-all font-mono text-xs">{p.identifier}</code>
                    </li>
                  ))}
                </ul>
              </dd>
            </div>
          </dl>
        )}
        {!canManage && <p className="mt-4 text-xs text-muted-fg">{t("readOnly")}</p>}
      </Card>
      {showRecommendations && (
        <div className="lg:col-span-2 lg:col-start-1 lg:row-start-2" data-testid="host-recommendations">
          {/* Read from the analytics rollups (the page's slowest reads): streamed in behind the rest of the page. */}
          <StreamedCard title={trec("title")} testId="host-recommendations-loading" skeleton={<SkeletonLines lines={13} className="h-[297px] lg:h-[169px]" />}>
            <Recommendations ctx={ctx} org={org} hostId={host.id} />
          </StreamedCard>
        </div>
      )}
      <div className="space-y-6 lg:col-start-2 lg:row-start-1">
        <Card title={t("overview.statusTitle")}>
          <div className="space-y-3 text-sm">
            <HostStatusBadge status={host.status} />
            <p className="text-muted-fg">{host.status === "active" ? t("overview.activeBody") : t("overview.disabledBody")}</p>
            {canManage && <HostStatusControl org={org} host={host} />}
          </div>
        </Card>
        <Card>
          <dl className="space-y-3 text-sm">
            <div>
              <dt className="text-xs font-medium text-muted-fg">{t("created")}</dt>
              <dd>
                <time dateTime={host.createdAt}>{when(host.createdAt)}</time>
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-muted-fg">{t("updated")}</dt>
              <dd>
                <time dateTime={host.updatedAt}>{when(host.updatedAt)}</time>
              </dd>
            </div>
            <div>
              <dt className="text-xs font-medium text-muted-fg">{t("hostId")}</dt>
              <dd className="break-all font-mono text-xs">{host.id}</dd>
            </div>
          </dl>
        </Card>
      </div>
    </div>
    </div>
  );
}

async function Recommendations({ ctx, org, hostId }: { ctx: OrgContext; org: string; hostId: string }) {
  const trec = await getTranslations("insights.recommendations");
  const { items } = await getRecommendations(ctx, hostId);
  const canAssign = can(ctx, "assignments.manage");
  return (
    <Card title={trec("title")}>
      <p className="mb-3 text-xs text-muted-fg">{trec("description")}</p>
      <RecommendationList
        items={items}
        assignHref={canAssign ? (r) => `/o/${org}/hosts/${hostId}/assignments?appId=${encodeURIComponent(r.appId)}&versionId=${encodeURIComponent(r.versionId)}#assign` : null}
      />
    </Card>
  );
}

type HostParams = { params: Promise<{ org: string; hostId: string }> };
export async function generateMetadata({ params }: HostParams): Promise<Metadata> {
  const { org, hostId } = await params;
  return titledObject(async () => (await loadHostPage(org, hostId)).host.name, { namespace: "nav", key: "hosts" });
}
