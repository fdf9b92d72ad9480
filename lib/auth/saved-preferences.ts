// After a sign-in (password or single sign-on): the person's own language and theme, saved on the account page,
// replace this browser's cookies, so the console speaks their language on any device. Signed-out pages keep
// following the cookies.
import { cookies } from "next/headers";
import type { Db } from "@/db";
import { LOCALE_COOKIE, THEME_COOKIE } from "@/lib/i18n/config";
import { preferencesForEmail } from "@/lib/services/accounts";

export async function applySavedPreferences(db: Db, email: string): Promise<void> {
  const p = await preferencesForEmail(db, email);
  if (!p) return;
  const jar = await cookies();
  const opts = { path: "/", maxAge: 365 * 86400, sameSite: "lax", httpOnly: true } as const;
  if (p.locale) jar.set(LOCALE_COOKIE, p.locale, opts);
  if (p.theme) jar.set(THEME_COOKIE, p.theme, opts);
}
