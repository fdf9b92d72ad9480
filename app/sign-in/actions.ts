"use server";
import { AuthError } from "next-auth";
import { signIn } from "@/lib/auth";
import { assertSameOrigin } from "@/lib/actions/safe-action";

export type SignInState = { error?: "invalid" | "throttled" | "forbidden"; seconds?: number; email?: string };

function safeNext(next: FormDataEntryValue | null): string {
  const s = typeof next === "string" ? next : "";
  // Only same-site paths: never an open redirect.
  return s.startsWith("/") && !s.startsWith("//") && !s.startsWith("/\\") ? s : "/o";
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "");
  try {
    await assertSameOrigin();
  } catch {
    return { error: "forbidden", email };
  }
  try {
    await signIn("credentials", { email, password: String(form.get("password") ?? ""), redirectTo: safeNext(form.get("next")) });
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
