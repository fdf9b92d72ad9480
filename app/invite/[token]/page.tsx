import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { getSessionUser } from "@/lib/auth/session";
import { findInvitation } from "@/lib/services/members";
import { ButtonLink } from "@/components/ui/button";
import { AcceptForm } from "./accept-form";
import type { Metadata } from "next";
import { titled } from "@/lib/i18n/metadata";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const t = await getTranslations("invite");
  const tr = await getTranslations("roles");
  const inv = await findInvitation(await getDb(), decodeURIComponent(token));
  const user = await getSessionUser();
  let body: React.ReactNode;
  if (!inv) body = <p role="alert">{t("invalid")}</p>;
  else if (user && user.email !== inv.email) body = <p role="alert">{t("wrongUser", { current: user.email, email: inv.email })}</p>;
  else if (!user && inv.hasAccount)
    body = (
      <div className="space-y-3">
        <p>{t("signInFirst", { email: inv.email })}</p>
        <ButtonLink variant="primary" href={`/sign-in?next=${encodeURIComponent(`/invite/${token}`)}`}>
          {t("accept")}
        </ButtonLink>
      </div>
    );
  else body = <AcceptForm token={decodeURIComponent(token)} needsAccount={!user} />;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm space-y-4 rounded-lg border border-border bg-card p-6">
        <h1 className="text-lg font-semibold">{inv ? t("title", { org: inv.orgName }) : t("title", { org: "Atrium" })}</h1>
        {inv && (
          <p className="text-sm text-muted-fg">
            {t("body", { org: inv.orgName, role: tr(inv.role) })} {t("forEmail", { email: inv.email })}
          </p>
        )}
        {body}
      </div>
    </main>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "invite");
