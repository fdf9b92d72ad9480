import { getTranslations } from "next-intl/server";
import { Badge, Card } from "@/components/ui/layout";
import { loadHostPage } from "../data";
import { PolicyForm } from "./policy-form";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";

export default async function HostPolicyPage({ params }: { params: Promise<{ org: string; hostId: string }> }) {
  const { org, hostId } = await params;
  const { host, canManage } = await loadHostPage(org, hostId);
  const t = await getTranslations("hosts");
  const { policy } = host;
  return (
    <Card title={t("policy.title")}>
      <p className="mb-5 text-sm text-muted-fg">{t("policy.description")}</p>
      {canManage ? (
        <PolicyForm org={org} hostId={host.id} policy={policy} />
      ) : (
        <>
          <dl className="space-y-5 text-sm">
            <div>
              <dt className="font-medium">{t("policy.permissions")}</dt>
              <dd className="mt-1.5 flex flex-wrap gap-1">
                {policy.allowedPermissions.length === 0 ? (
                  <span className="text-muted-fg">{t("policy.nonePermissions")}</span>
                ) : (
                  policy.allowedPermissions.map((p) => <Badge key={p}>{t(`permission.${p}`)}</Badge>)
                )}
              </dd>
            </div>
            <div>
              <dt className="font-medium">{t("policy.domains")}</dt>
              <dd className="mt-1.5">
                {policy.allowedDomains === null ? (
                  t("policy.anyDomain")
                ) : policy.allowedDomains.length === 0 ? (
                  <span className="text-muted-fg">{t("policy.noDomains")}</span>
                ) : (
                  <ul className="space-y-0.5 font-mono text-xs">
                    {policy.allowedDomains.map((d) => (
                      <li key={d} className="break-all">
                        {d}
                      </li>
                    ))}
                  </ul>
                )}
              </dd>
            </div>
            <div>
              <dt className="font-medium">{t("policy.minSdkVersion")}</dt>
              <dd className="mt-1.5 font-mono">{policy.minSdkVersion ?? <span className="font-sans text-muted-fg">{t("policy.noMinimum")}</span>}</dd>
            </div>
          </dl>
          <p className="mt-5 text-xs text-muted-fg">{t("readOnly")}</p>
        </>
      )}
    </Card>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; hostId: string }> }): Promise<Metadata> {
  const { org, hostId } = await params;
  const section = (await getTranslations("hosts.tabs"))("policy");
  return titledObject(async () => (await getTranslations("meta"))("hostSection", { section, host: (await loadHostPage(org, hostId)).host.name }), { namespace: "hosts.tabs", key: "policy" });
}
