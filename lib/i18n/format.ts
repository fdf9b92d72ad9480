// The console's one date/time vocabulary. Every date a person reads goes through these named presets, in the
// viewer's locale and time zone (lib/i18n/time-zone.ts), so the same instant reads the same on every page, and
// the presets that end in "Zone" say which zone they are in: the audit log, credentials and schedules use them.
// Analytics days are UTC days (CONTRACT §7), so their presets pin UTC whatever the viewer's zone.
import type { Formats } from "next-intl";

export const DATE_TIME_FORMATS = {
  /** 3 Dec 2026 · 2026年12月3日 */
  date: { year: "numeric", month: "short", day: "numeric" },
  /** 3 Dec 2026, 14:05 */
  dateTime: { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" },
  /** 3 Dec 2026, 14:05 GMT+8: where the zone matters (expiry, schedules). */
  dateTimeZone: { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", timeZoneName: "short" },
  /** 3 Dec 2026, 14:05:09 GMT+8: the audit log, to the second. */
  dateTimeSecondsZone: { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
  /** 14:05:09 */
  time: { hour: "numeric", minute: "2-digit", second: "2-digit" },
  /** An analytics day on an axis: Dec 3 · 12月3日 */
  utcDay: { month: "short", day: "numeric", timeZone: "UTC" },
  /** An analytics day in a table: Dec 3, 2026 */
  utcDayLong: { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;

export type DateTimePreset = keyof typeof DATE_TIME_FORMATS;

/** Handed to next-intl (lib/i18n/request.ts), so `format.dateTime(d, "dateTimeZone")` works on server and client. */
export const formats = { dateTime: DATE_TIME_FORMATS } satisfies Formats;

/** The same presets outside React (exports, e-mails, tests). */
export function formatDateTime(value: Date | string | number, preset: DateTimePreset, opts: { locale: string; timeZone: string }): string {
  const d = value instanceof Date ? value : new Date(value);
  return new Intl.DateTimeFormat(opts.locale, { timeZone: opts.timeZone, ...DATE_TIME_FORMATS[preset] }).format(d);
}
