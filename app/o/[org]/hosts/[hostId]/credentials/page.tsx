import { getFormatter, getTranslations } from "next-intl/server";
import { CopyButton } from "@/components/ui/copy-button";
import { Card } from "@/components/ui/layout";
import { loadHostPage } from "../data";
import { RotateSecret } from "./rotate-secret";
import type { Metadata } from "next";
import { titledObject } from "@/lib/i18n/metadata";
import Link from "next/link";
import { ManifestKeyList } from "@/components/trust/manifest-keys";
import { getPageContext } from "@/lib/auth/session";
import { listSigningKeys } from "@/lib/services/manifest-keys";

export default async function HostCredentialsPage({ params }: { params: Promise<{ org: string; hostId: string }> }) {
  const { org, hostId } = await params;
  const { host, canManage } = await loadHostPage(org, hostId);
  const t = await getTranslations("hosts");
  const tc = await getTranslations("common");
  const format = await getFormatter();
  const tk = await getTranslations("trust.keys");
  const keys = await listSigningKeys(await getPageContext(org));
  const when = (iso: string) => format.dateTime(new Date(iso), "dateTimeZone");
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
      <Card title={t("credentials.title")}>
        <div className="space-y-6">
          <div className="space-y-1">
            <div className="text-sm font-medium">{t("sdkKey")}</div>
            <div className="flex items-center gap-2">
              <code className="min-w-0 flex-1 break-all rounded bg-muted px-2 py-1.5 font-mono text-sm" data-testid="sdk-key">
                {host.sdkKey}
              </code>
              <CopyButton value={host.sdkKey} label={tc("copy")} copiedLabel={tc("copied")} />
            </div>
            <p className="text-xs text-muted-fg">{t("credentials.keyHint")}</p>
          </div>
          <div className="space-y-2">
            <div className="text-sm font-medium">{t("credentials.secret")}</div>
            <div className="rounded bg-muted px-2 py-1.5 font-mono text-sm tracking-widest text-muted-fg" aria-hidden="true">
              sk_••••••••••••••••
            </div>
            <p className="text-xs text-muted-fg">{t("credentials.secretHidden")}</p>
            <p className="text-sm">
              {host.secretRotatedAt ? (
                <time dateTime={host.secretRotatedAt}>{t("credentials.lastRotated", { when: when(host.secretRotatedAt) })}</time>
              ) : (
                t("credentials.neverRotated")
              )}
            </p>
            {host.previousSecretExpiresAt && (
              <p className="rounded-md border border-warning/50 bg-warning-bg px-3 py-2 text-sm text-warning" data-testid="previous-secret-expiry">
                <time dateTime={host.previousSecretExpiresAt}>{t("credentials.previousValid", { when: when(host.previousSecretExpiresAt) })}</time>
              </p>
            )}
          </div>
          {canManage ? (
            <RotateSecret org={org} host={host} />
          ) : (
            <p className="text-xs text-muted-fg">{t("credentials.managersOnly")}</p>
          )}
        </div>
      </Card>
      <div className="space-y-6">
        <Card title={t("credentials.signingTitle")}>
          <p className="text-sm text-muted-fg">{t("credentials.signingBody")}</p>
          <pre className="mt-3 overflow-x-auto rounded bg-muted p-2 font-mono text-xs">
            {"X-MP-Key: " + host.sdkKey + "\nX-MP-Timestamp: <unix seconds>\nX-MP-Signature: <hex HMAC-SHA256>"}
          </pre>
        </Card>
        <Card title={tk("title")}>
          <div className="space-y-3">
            <p className="text-sm text-muted-fg">{tk("description")}</p>
            <ManifestKeyList keys={keys} />
            {canManage && (
              <Link href={`/o/${org}/settings#manifest-keys`} className="text-sm font-medium text-primary hover:underline">
                {tk("settingsLink")} →
              </Link>
            )}
          </div>
        </Card>
      </div>
    </div>
  );
}

export async function generateMetadata({ params }: { params: Promise<{ org: string; hostId: string }> }): Promise<Metadata> {
  const { org, hostId } = await params;
  const section = (await getTranslations("hosts.tabs"))("credentials");
  return titledObject(async () => (await getTranslations("meta"))("hostSection", { section, host: (await loadHostPage(org, hostId)).host.name }), { namespace: "hosts.tabs", key: "credentials" });
}
