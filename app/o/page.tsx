import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { listUserOrganizations, requireUser } from "@/lib/auth/session";
import { SignOutButton } from "@/components/shell/sign-out-button";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function OrgIndex() {
  const user = await requireUser();
  const orgs = await listUserOrganizations(user.id);
  if (orgs[0]) redirect(`/o/${orgs[0].slug}`);
  const t = await getTranslations("auth");
  return (
    <main className="mx-auto max-w-md space-y-4 p-8 text-center">
      <p>{t("noOrganizations")}</p>
      <SignOutButton />
    </main>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "organizations");
