import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { listUserOrganizations, requireUser } from "@/lib/auth/session";
import { CreateOrganizationForm } from "@/components/organizations/create-form";
import { Card } from "@/components/ui/layout";
import { orgCreationAllowed } from "@/lib/services/organizations";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

/** "New organization" from the switcher (issue 20 item 1); `new` is a reserved slug, so no organization hides it. */
export default async function NewOrganizationPage() {
  const user = await requireUser();
  const orgs = await listUserOrganizations(user.id);
  const t = await getTranslations("organizations");
  const allowed = orgCreationAllowed();
  return (
    <main id="main" className="mx-auto max-w-lg space-y-6 p-4 py-10 sm:p-8">
      <Link href={orgs[0] ? `/o/${orgs[0].slug}` : "/o"} className="text-sm font-medium text-primary hover:underline">
        ← {t("back")}
      </Link>
      <h1 className="text-2xl font-semibold tracking-tight">{t("newTitle")}</h1>
      {allowed ? (
        <Card>
          <p className="mb-4 text-sm text-muted-fg">{t("newDescription")}</p>
          <CreateOrganizationForm />
        </Card>
      ) : (
        <p className="text-sm text-muted-fg" data-testid="creation-off">
          {t("creationOff")}
        </p>
      )}
    </main>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("organizations", "newTitle");
