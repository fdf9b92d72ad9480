// The viewer's time zone. The browser reports its zone into a cookie (components/time-zone-sync.tsx) and the
// server renders every date in it, so server HTML and client hydration agree (no mismatch) and nobody reads UTC
// by accident. A person may pin UTC instead (the sidebar's preference), which is what on-call teams often share.
export const TIME_ZONE_COOKIE = "atrium_tz";
export const TIME_ZONE_MODE_COOKIE = "atrium_tz_mode";
export const TIME_ZONE_MODES = ["auto", "utc"] as const;
export type TimeZoneMode = (typeof TIME_ZONE_MODES)[number];

/** An IANA zone this runtime knows, within a sane length; anything else is ignored. */
export function isTimeZone(v: string | undefined | null): v is string {
  if (!v || v.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(v)) return false;
  try {
    new Intl.DateTimeFormat("en", { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

export function isTimeZoneMode(v: string | undefined | null): v is TimeZoneMode {
  return !!v && (TIME_ZONE_MODES as readonly string[]).includes(v);
}

/** The zone a request renders in: UTC when pinned or before the browser has told us its zone. */
export function resolveTimeZone(mode: string | undefined, reported: string | undefined): string {
  if (mode === "utc") return "UTC";
  return isTimeZone(reported) ? reported : "UTC";
}

/** The zone this browser runs in (client side only). */
export function browserTimeZone(): string | undefined {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
}
