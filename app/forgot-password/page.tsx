import Link from "next/link";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { LanguageSwitch } from "@/components/preferences";
import { ForgotForm } from "@/components/account/reset-forms";
import { mailEnabled } from "@/lib/notifications/mailer";
import { titled } from "@/lib/i18n/metadata";

export const dynamic = "force-dynamic";

// "Forgot password?" (issue 20 item 2): by email when SMTP_URL is set; otherwise the way is an administrator's link.
export default async function ForgotPasswordPage() {
  const t = await getTranslations("account");
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm space-y-6">
        <div className="space-y-4 rounded-lg border border-border bg-card p-6 shadow-sm">
          <h1 className="text-lg font-semibold">{t("forgotTitle")}</h1>
          {mailEnabled() ? <ForgotForm /> : <p data-testid="forgot-no-mail">{t("forgotNoMail")}</p>}
          <p className="text-sm">
            <Link href="/sign-in" className="text-primary underline-offset-2 hover:underline">
              {t("backToSignIn")}
            </Link>
          </p>
        </div>
        <div className="flex justify-center">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}

export const generateMetadata = (): Promise<Metadata> => titled("meta", "forgotPassword");
