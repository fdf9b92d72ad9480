"use server";
import { headers } from "next/headers";
import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth";
import { assertSameOrigin } from "@/lib/actions/safe-action";
import { originFromHeaders, safeRedirectPath } from "@/lib/auth/redirect";

export type SignInState = { error?: "invalid" | "throttled" | "forbidden"; seconds?: number; email?: string };

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  try {
    await assertSameOrigin();
  } catch {
    return { error: "forbidden", email };
  }
  try {
    await signIn("credentials", { email, password: String(form.get("password") ?? ""), redirectTo: safeRedirectPath(form.get("next"), originFromHeaders(await headers())) });
    return {};
  } catch (e) {
    // The successful sign-in redirect is thrown: anything but an AuthError must propagate.
    if (!(e instanceof AuthError)) throw e;
    const code = (e as AuthError & { code?: string }).code ?? "";
    const m = code.match(/^throttled:(\d+)$/);
    if (m) return { error: "throttled", seconds: Number(m[1]), email };
    return { error: "invalid", email };
  }
}
