import Link from "next/link";
import { cookies } from "next/headers";
import { getTranslations } from "next-intl/server";
import { getPageContext } from "@/lib/auth/session";
import { can } from "@/lib/authz/context";
import { Card, PageHeader } from "@/components/ui/layout";
import { LanguageSwitch, ThemeSwitch } from "@/components/preferences";
import { THEME_COOKIE, THEMES, type Theme } from "@/lib/i18n/config";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";
import { RequireTwoFactorForm } from "@/components/settings/require-two-factor";
import { twoFactorRequired } from "@/lib/services/two-factor";
import { ManifestKeyList } from "@/components/trust/manifest-keys";
import { listSigningKeys } from "@/lib/services/manifest-keys";
import { RotateManifestKey } from "./rotate-manifest-key";
import { ChangeSlugForm, DeleteOrganizationForm, RenameOrganizationForm, TransferOwnershipForm } from "@/components/organizations/settings";
import { transferCandidates } from "@/lib/services/organizations";

export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  const t = await getTranslations("settings");
  const tw = await getTranslations("webhooks");
  const ts = await getTranslations("sso");
  const tsess = await getTranslations("sessions");
  const t2 = await getTranslations("twoFactor");
  const tk = await getTranslations("trust.keys");
  const to = await getTranslations("organizations");
  const keys = await listSigningKeys(ctx);
  const themeCookie = (await cookies()).get(THEME_COOKIE)?.value ?? "system";
  const theme = ((THEMES as readonly string[]).includes(themeCookie) ? themeCookie : "system") as Theme;
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={t("preferences")}>
          <div className="space-y-3">
            <LanguageSwitch />
            <ThemeSwitch current={theme} />
          </div>
        </Card>
        <Card title={t("organization")}>
          <div className="space-y-4" id="organization">
            {can(ctx, "organization.rename") ? (
              <RenameOrganizationForm org={ctx.org.slug} name={ctx.org.name} />
            ) : (
              <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
                <dt className="text-muted-fg">{t("orgName")}</dt>
                <dd data-testid="org-name">{ctx.org.name}</dd>
              </dl>
            )}
            {can(ctx, "organization.manage") ? (
              <ChangeSlugForm org={ctx.org.slug} />
            ) : (
              <>
                <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
                  <dt className="text-muted-fg">{t("orgSlug")}</dt>
                  <dd className="font-mono" data-testid="org-slug">{ctx.org.slug}</dd>
                </dl>
                <p className="text-xs text-muted-fg">{to("ownerOnly")}</p>
              </>
            )}
          </div>
        </Card>
        <Card title={tsess("title")}>
          <Link href={`/o/${ctx.org.slug}/settings/sessions`} className="font-medium text-primary hover:underline" data-testid="sessions-link">
            {tsess("settingsLink")} →
          </Link>
          <p className="mt-1 text-sm text-muted-fg">{tsess("settingsLinkHint")}</p>
        </Card>
        <Card title={t2("title")}>
          <Link href={`/o/${ctx.org.slug}/settings/security`} className="font-medium text-primary hover:underline" data-testid="security-link">
            {t2("settingsLink")} →
          </Link>
          <p className="mt-1 text-sm text-muted-fg">{t2("settingsLinkHint")}</p>
        </Card>
        {can(ctx, "settings.manage") && (
          <Card title={t2("orgCard")}>
            <RequireTwoFactorForm org={ctx.org.slug} required={await twoFactorRequired(ctx)} />
          </Card>
        )}
        <Card title={tk("title")}>
          <div className="space-y-3" id="manifest-keys">
            <p className="text-sm text-muted-fg">{tk("description")}</p>
            <ManifestKeyList keys={keys} />
            {can(ctx, "settings.manage") ? <RotateManifestKey org={ctx.org.slug} /> : <p className="text-xs text-muted-fg">{tk("managersOnly")}</p>}
          </div>
        </Card>
        {can(ctx, "settings.manage") && (
          <Card title={tw("settingsCard")}>
            <Link href={`/o/${ctx.org.slug}/settings/webhooks`} className="font-medium text-primary hover:underline" data-testid="webhooks-link">
              {tw("settingsLink")} →
            </Link>
            <p className="mt-1 text-sm text-muted-fg">{tw("settingsLinkHint")}</p>
          </Card>
        )}
        {can(ctx, "settings.manage") && (
          <Card title={ts("title")}>
            <Link href={`/o/${ctx.org.slug}/settings/sso`} className="font-medium text-primary hover:underline" data-testid="sso-link">
              {ts("settingsLink")} →
            </Link>
            <p className="mt-1 text-sm text-muted-fg">{ts("settingsLinkHint")}</p>
          </Card>
        )}
        {can(ctx, "organization.manage") && (
          <Card title={to("transferTitle")}>
            <div id="transfer-ownership">
              <TransferOwnershipForm org={ctx.org.slug} candidates={await transferCandidates(ctx)} />
            </div>
          </Card>
        )}
        {can(ctx, "organization.manage") && (
          <Card title={to("deleteTitle")}>
            <div id="delete-organization">
              <DeleteOrganizationForm org={ctx.org.slug} />
            </div>
          </Card>
        )}
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("nav", "settings");
