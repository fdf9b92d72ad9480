"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AuthError } from "next-auth";
import { z } from "zod";
import { getDb } from "@/db";
import { signIn } from "@/lib/auth";
import { applySavedPreferences } from "@/lib/auth/saved-preferences";
import { assertSameOrigin } from "@/lib/actions/safe-action";
import { originFromHeaders, safeRedirectPath } from "@/lib/auth/redirect";
import { startSsoSignIn } from "@/lib/sso/flow";
import { ProviderError } from "@/lib/sso/provider";

export type SignInState = {
  error?: "invalid" | "throttled" | "forbidden" | "sso_required" | "email" | "sso_unavailable" | "code_invalid";
  seconds?: number;
  email?: string;
  /** After the email step: no organization signs this email in through a provider, so a password does. After the
   * password: the account has two-factor on, and a code is asked for. */
  step?: "password" | "code";
  org?: string;
};

const emailSchema = z.string().trim().toLowerCase().email().max(320);

/**
 * The email step: an email at a domain an organization signs in through its identity provider goes there (the
 * redirect is thrown); any other email goes on to the password. What it answers depends on the domain only, never
 * on whether an account exists.
 */
export async function continueSignInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "").trim();
  try {
    await assertSameOrigin();
  } catch {
    return { error: "forbidden", email };
  }
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return { error: "email", email };
  let started: Awaited<ReturnType<typeof startSsoSignIn>>;
  try {
    started = await startSsoSignIn(parsed.data, form.get("next"));
  } catch (e) {
    if (e instanceof ProviderError) {
      console.warn(`[atrium] single sign-on could not start for ${parsed.data.split("@")[1]}: ${e.message}`);
      return { error: "sso_unavailable", email };
    }
    throw e;
  }
  if (started) redirect(started.url);
  return { step: "password", email: parsed.data };
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  try {
    await assertSameOrigin();
  } catch {
    return { error: "forbidden", email };
  }
  try {
    const code = String(form.get("code") ?? "").trim();
    await signIn("credentials", {
      email,
      password: String(form.get("password") ?? ""),
      ...(code ? { code } : {}),
      redirectTo: safeRedirectPath(form.get("next"), originFromHeaders(await headers())),
    });
    return {};
  } catch (e) {
    // The successful sign-in redirect is thrown: anything but an AuthError must propagate.
    if (!(e instanceof AuthError)) {
      if (String((e as { digest?: unknown })?.digest ?? "").startsWith("NEXT_REDIRECT")) await applySavedPreferences(await getDb(), email);
      throw e;
    }
    const code = (e as AuthError & { code?: string }).code ?? "";
    const m = code.match(/^throttled:(\d+)$/);
    if (m) return { error: "throttled", seconds: Number(m[1]), email };
    if (code === "sso_required") return { error: "sso_required", email };
    if (code === "totp_required") return { step: "code", email };
    if (code === "totp_invalid") return { step: "code", error: "code_invalid", email };
    return { error: "invalid", email };
  }
}

