import Link from "next/link";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { getDb } from "@/db";
import { ResetForm } from "@/components/account/reset-forms";
import { findPasswordReset } from "@/lib/services/accounts";
import { titled } from "@/lib/i18n/metadata";

export const dynamic = "force-dynamic";

// A password reset link (by email or from an administrator): unknown, used and expired links each get a clear page.
export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token: raw } = await params;
  const token = decodeURIComponent(raw);
  const t = await getTranslations("account");
  const view = await findPasswordReset(await getDb(), token);
  let body: React.ReactNode;
  if (!view) body = <p role="alert">{t("resetInvalid")}</p>;
  else if (view.state === "used") body = <p role="alert">{t("resetUsed")}</p>;
  else if (view.state === "expired") body = <p role="alert">{t("resetExpired")}</p>;
  else
    body = (
      <>
        <p className="text-sm text-muted-fg">{t("resetFor", { email: view.email })}</p>
        <ResetForm token={token} />
      </>
    );
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm space-y-4 rounded-lg border border-border bg-card p-6 shadow-sm">
        <h1 className="text-lg font-semibold">{t("resetTitle")}</h1>
        {body}
        {view?.state !== "valid" && (
          <p className="text-sm">
            <Link href="/forgot-password" className="text-primary underline-offset-2 hover:underline">
              {t("forgotTitle")}
            </Link>
          </p>
        )}
      </div>
    </main>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "resetPassword");
