import Link from "next/link";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { getPageContext, requirePagePermission } from "@/lib/auth/session";
import { getProfile } from "@/lib/services/accounts";
import { passwordRefusedBy } from "@/lib/sso/lookup";
import { Card, PageHeader } from "@/components/ui/layout";
import { PasswordForm, ProfileForm } from "@/components/account/account-forms";
import { titled } from "@/lib/i18n/metadata";

// The person's own account (issue 20 item 2), under an organization so the sidebar and its user menu stay in place;
// what it changes is the person's, the same in every organization.
export default async function AccountPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await getPageContext(org);
  requirePagePermission(ctx, "account.manage");
  const t = await getTranslations("account");
  const profile = await getProfile(ctx);
  const ssoOrg = profile.passwordUsable ? null : await passwordRefusedBy(ctx.db, profile.id);
  return (
    <>
      <PageHeader title={t("title")} description={t("description")} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title={t("profile")}>
          <ProfileForm org={org} profile={profile} />
        </Card>
        <Card title={t("password")}>
          {ssoOrg ? <p className="text-sm text-muted-fg">{t("passwordSso", { org: ssoOrg.name })}</p> : <PasswordForm org={org} />}
        </Card>
        <Card title={t("security")}>
          <ul className="space-y-2 text-sm">
            <li>
              <Link className="text-primary underline-offset-2 hover:underline" href={`/o/${org}/settings/security`}>
                {t("securityLink")}
              </Link>
            </li>
            <li>
              <Link className="text-primary underline-offset-2 hover:underline" href={`/o/${org}/settings/sessions`}>
                {t("sessionsLink")}
              </Link>
            </li>
          </ul>
        </Card>
      </div>
    </>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "account");
