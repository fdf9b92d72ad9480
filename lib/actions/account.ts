"use server";
// The account page's actions (issue 20 item 2) and the signed-out password reset forms. The profile's language and
// theme are written to the person's row and to the cookies, so this browser shows them at once.
import { cookies } from "next/headers";
import { getDb } from "@/db";
import { assertSameOrigin, orgAction, toActionError, type ActionResult } from "@/lib/actions/safe-action";
import { getRequestIp } from "@/lib/auth/session";
import { LOCALE_COOKIE, THEME_COOKIE } from "@/lib/i18n/config";
import { changePassword, passwordChangeInput, profileInput, requestPasswordReset, resetInput, resetPassword, resetRequestInput, updateProfile } from "@/lib/services/accounts";

const YEAR = 365 * 86400;

async function applyPreferenceCookies(p: { locale: string | null; theme: string | null }) {
  const jar = await cookies();
  if (p.locale) jar.set(LOCALE_COOKIE, p.locale, { path: "/", maxAge: YEAR, sameSite: "lax", httpOnly: true });
  if (p.theme) jar.set(THEME_COOKIE, p.theme, { path: "/", maxAge: YEAR, sameSite: "lax", httpOnly: true });
}

export const updateProfileAction = orgAction({ name: "account.updateProfile", permission: "account.manage", input: profileInput }, async (ctx, input) => {
  const saved = await updateProfile(ctx, input);
  await applyPreferenceCookies(saved);
  return saved;
});

export const changePasswordAction = orgAction({ name: "account.changePassword", permission: "account.manage", input: passwordChangeInput }, changePassword);

/** Signed out: the same answer for every well-formed email (the form shows one sentence). */
export async function requestPasswordResetAction(input: { email: string }): Promise<ActionResult<{ email: string }>> {
  try {
    await assertSameOrigin();
    const parsed = resetRequestInput.safeParse(input);
    if (!parsed.success) return { ok: false, error: { code: "invalid_input", message: "Enter a valid email", fieldErrors: { email: ["Enter a valid email"] } } };
    await requestPasswordReset(await getDb(), parsed.data, await getRequestIp());
    return { ok: true, data: { email: parsed.data.email } };
  } catch (e) {
    return { ok: false, error: toActionError(e) };
  }
}

/** The reset token itself is the authorization. */
export async function resetPasswordAction(input: { token: string; password: string }): Promise<ActionResult<{ email: string }>> {
  try {
    await assertSameOrigin();
    const parsed = resetInput.safeParse(input);
    if (!parsed.success) return { ok: false, error: { code: "invalid_input", message: "Some fields need attention", fieldErrors: { password: ["Use at least 12 characters"] } } };
    return { ok: true, data: await resetPassword(await getDb(), parsed.data, await getRequestIp()) };
  } catch (e) {
    return { ok: false, error: toActionError(e) };
  }
}
