import { getFormatter, getTranslations } from "next-intl/server";
import { Card } from "@/components/ui/layout";
import { HostStatusBadge } from "@/components/hosts/platform-badges";
import { EditHostDetailsForm } from "../host-forms";
import { loadHostPage } from "./data";
import { HostStatusControl } from "./status-control";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";

export default async function HostOverviewPage({ params }: { params: Promise<{ org: string; hostId: string }> }) {
  const { org, hostId } = await params;
  const { host, canManage } = await loadHostPage(org, hostId);
  const t = await getTranslations("hosts");
  const format = await getFormatter();
  const when = (iso: string) => format.dateTime(new Date(iso), "dateTime");
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Card title={canManage ? t("overview.edit") : t("overview.details")}>
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
      <div className="space-y-6">
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
  );
}

type HostParams = { params: Promise<{ org: string; hostId: string }> };
export async function generateMetadata({ params }: HostParams): Promise<Metadata> {
  const { org, hostId } = await params;
  return titledObject(async () => (await loadHostPage(org, hostId)).host.name, { namespace: "nav", key: "hosts" });
}
