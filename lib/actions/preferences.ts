"use server";
// Personal display preferences: cookies only, no data changes, so no audit entry.
import { cookies } from "next/headers";
import { assertSameOrigin } from "@/lib/actions/safe-action";
import { isLocale, LOCALE_COOKIE, THEME_COOKIE, THEMES, type Theme } from "@/lib/i18n/config";
import { isTimeZoneMode, TIME_ZONE_MODE_COOKIE } from "@/lib/i18n/time-zone";

const YEAR = 365 * 86400;

export async function setLocaleAction(locale: string): Promise<void> {
  await assertSameOrigin();
  if (!isLocale(locale)) return;
  (await cookies()).set(LOCALE_COOKIE, locale, { path: "/", maxAge: YEAR, sameSite: "lax", httpOnly: true });
}

export async function setThemeAction(theme: string): Promise<void> {
  await assertSameOrigin();
  if (!(THEMES as readonly string[]).includes(theme)) return;
  (await cookies()).set(THEME_COOKIE, theme as Theme, { path: "/", maxAge: YEAR, sameSite: "lax", httpOnly: true });
}

/** "auto" shows times in the browser's zone, "utc" pins UTC (the zone itself is reported by the browser). */
export async function setTimeZoneModeAction(mode: string): Promise<void> {
  await assertSameOrigin();
  if (!isTimeZoneMode(mode)) return;
  (await cookies()).set(TIME_ZONE_MODE_COOKIE, mode, { path: "/", maxAge: YEAR, sameSite: "lax", httpOnly: true });
}
