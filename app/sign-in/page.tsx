import Link from "next/link";
import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getSessionUser } from "@/lib/auth/session";
import { LanguageSwitch } from "@/components/preferences";
import { originFromHeaders, safeRedirectPath } from "@/lib/auth/redirect";
import { SSO_ERRORS, type SsoErrorCode } from "@/lib/sso/flow";
import { SignInForm } from "./sign-in-form";
import { titled } from "@/lib/i18n/metadata";

export const generateMetadata = (): Promise<Metadata> => titled("meta", "signIn");

type Search = { next?: string; sso_error?: string; method?: string };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Search> }) {
  const { next, sso_error, method } = await searchParams;
  if (await getSessionUser()) redirect(safeRedirectPath(next, originFromHeaders(await headers())));
  const t = await getTranslations("auth");
  const ta = await getTranslations("account");
  // Only a known code is shown, in words from the catalog: never text from the address bar.
  const ssoError = (SSO_ERRORS as readonly string[]).includes(sso_error ?? "") ? (sso_error as SsoErrorCode) : undefined;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm space-y-6">
        <div className="text-center">
          {/* eslint-disable-next-line @next/next/no-img-element -- a 40 px SVG from public/, nothing to optimise */}
          <img src="/icon.svg" alt="" width={40} height={40} className="mx-auto mb-3 h-10 w-10 rounded-lg" />
          <h1 className="text-xl font-semibold">{t("signInTitle")}</h1>
          <p className="mt-1 text-sm text-muted-fg">{t("signInSubtitle")}</p>
        </div>
        <div className="rounded-lg border border-border bg-card p-6 shadow-sm">
          <SignInForm next={typeof next === "string" ? next : undefined} ssoError={ssoError} passwordFirst={method === "password"} />
        </div>
        <p className="text-center text-sm">
          <Link href="/forgot-password" className="text-primary underline-offset-2 hover:underline">
            {ta("forgotLink")}
          </Link>
        </p>
        <p className="text-center text-xs text-muted-fg">{t("demoHint")}</p>
        <div className="flex justify-center">
          <LanguageSwitch />
        </div>
      </div>
    </main>
  );
}
