import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { listUserOrganizations, requireUser } from "@/lib/auth/session";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { CreateOrganizationForm } from "@/components/organizations/create-form";
import { Card } from "@/components/ui/layout";
import { orgCreationAllowed } from "@/lib/services/organizations";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

/**
 * Where a signed-in person lands: their first organization, or, with none (issue 20 item 1), a first-run screen that
 * offers to create one, or says to ask an administrator when ALLOW_ORG_CREATION=0.
 */
export default async function OrgIndex() {
  const user = await requireUser();
  const orgs = await listUserOrganizations(user.id);
  if (orgs[0]) redirect(`/o/${orgs[0].slug}`);
  const t = await getTranslations("organizations");
  const tn = await getTranslations("nav");
  const allowed = orgCreationAllowed();
  return (
    <main id="main" className="mx-auto max-w-lg space-y-6 p-4 py-10 sm:p-8" data-testid="first-run">
      <div className="flex items-center gap-3">
        {/* eslint-disable-next-line @next/next/no-img-element -- a 32 px SVG from public/ */}
        <img src="/icon.svg" alt="" width={32} height={32} className="h-8 w-8 rounded-md" />
        <h1 className="text-2xl font-semibold tracking-tight">{t("firstRunTitle")}</h1>
      </div>
      <p className="text-sm text-muted-fg">{allowed ? t("firstRunBody") : t("firstRunAskAdmin")}</p>
      {allowed && (
        <Card title={t("newTitle")}>
          <p className="mb-4 text-sm text-muted-fg">{t("newDescription")}</p>
          <CreateOrganizationForm />
        </Card>
      )}
      <div className="flex items-center justify-between gap-3 border-t border-border pt-4 text-sm text-muted-fg">
        <span className="truncate">{tn("signedInAs", { email: user.email })}</span>
        <SignOutButton />
      </div>
    </main>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "organizations");
