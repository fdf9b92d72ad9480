import Link from "next/link";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import type { Metadata } from "next";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { getSsoSettings, SSO_DEFAULT_ROLES } from "@/lib/services/sso";
import { ssoRedirectUri } from "@/lib/sso/urls";
import { Badge, Card, PageHeader } from "@/components/ui/layout";
import { CopyButton } from "@/components/ui/copy-button";
import { SsoSettingsForm, TurnOffSso } from "@/components/settings/sso-form";
import { titled } from "@/lib/i18n/metadata";

export default async function SsoSettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "settings.manage");
  const t = await getTranslations("sso");
  const tc = await getTranslations("common");
  const settings = await getSsoSettings(ctx, ssoRedirectUri(await headers()));
  return (
    <>
      <nav className="mb-2 text-sm">
        <Link href={`/o/${org}/settings`} className="text-muted-fg hover:text-fg hover:underline">
          ← {t("back")}
        </Link>
      </nav>
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={<Badge tone={settings.enabled ? "success" : "neutral"}>{settings.enabled ? (settings.enforced ? t("statusEnforced") : t("statusOn")) : t("statusOff")}</Badge>}
      />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card title={t("settingsCard")}>
          <SsoSettingsForm org={org} settings={settings} roles={SSO_DEFAULT_ROLES} />
        </Card>
        <div className="space-y-6">
          <Card title={t("registerCard")}>
            <div className="space-y-3 text-sm">
              <p className="text-muted-fg">{t("registerIntro")}</p>
              <div>
                <div className="mb-1 text-xs font-medium text-muted-fg">{t("redirectUri")}</div>
                <div className="flex items-center gap-2">
                  <code className="min-w-0 flex-1 break-all rounded bg-muted px-2 py-1.5 font-mono text-xs" data-testid="sso-redirect-uri">
                    {settings.redirectUri}
                  </code>
                  <CopyButton value={settings.redirectUri} label={tc("copy")} copiedLabel={tc("copied")} />
                </div>
              </div>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-xs">
                <dt className="text-muted-fg">{t("grantType")}</dt>
                <dd>{t("grantTypeValue")}</dd>
                <dt className="text-muted-fg">{t("scopes")}</dt>
                <dd className="font-mono">openid email profile</dd>
                <dt className="text-muted-fg">{t("clientAuth")}</dt>
                <dd>{t("clientAuthValue")}</dd>
              </dl>
              <p className="text-xs text-muted-fg">{t("registerHint")}</p>
            </div>
          </Card>
          <Card title={t("howCard")}>
            <ul className="list-disc space-y-1.5 pl-5 text-sm text-muted-fg">
              <li>{t("how1")}</li>
              <li>{t("how2")}</li>
              <li>{t("how3")}</li>
              <li>{t("how4")}</li>
            </ul>
          </Card>
          {settings.enabled && (
            <Card title={t("turnOffCard")}>
              <p className="mb-3 text-sm text-muted-fg">{t("turnOffHint")}</p>
              <TurnOffSso org={org} />
            </Card>
          )}
        </div>
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "sso");
