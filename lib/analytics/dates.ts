// UTC calendar days as "YYYY-MM-DD" strings: the unit of every analytics figure (CONTRACT §7). Strings, not
// Dates, so that a day never shifts with the server's or the browser's time zone.
export const DAY_MS = 86_400_000;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC day of an instant. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Midnight UTC of a day, in epoch milliseconds; NaN for anything that is not a real calendar day. */
export function dayStartMs(day: string): number {
  const m = DAY_PATTERN.exec(day);
  if (!m) return Number.NaN;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2024-02-31 over into March; a real day reads back as itself.
  return utcDay(ms) === day ? ms : Number.NaN;
}

export function isDay(value: string): boolean {
  return !Number.isNaN(dayStartMs(value));
}

export function addDays(day: string, n: number): string {
  return utcDay(dayStartMs(day) + n * DAY_MS);
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((dayStartMs(b) - dayStartMs(a)) / DAY_MS);
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = dayStartMs(from), end = dayStartMs(to); d <= end; d += DAY_MS) out.push(utcDay(d));
  return out;
}

/** The Monday (UTC) of the ISO week a day falls in: the key of the weekly distinct-set rollups. */
export function weekOf(day: string): string {
  const ms = dayStartMs(day);
  // 1970-01-01 was a Thursday: day 0 is weekday 3 counting from Monday.
  const weekday = (Math.floor(ms / DAY_MS) + 3) % 7;
  return utcDay(ms - (weekday < 0 ? weekday + 7 : weekday) * DAY_MS);
}

/**
 * The whole ISO weeks inside [from, to] (their Mondays, `first` to `last`), or null when none fits: a range's
 * distinct users are its whole weeks' unions and its loose days' sets.
 */
export function wholeWeeks(from: string, to: string): { first: string; last: string } | null {
  const first = weekOf(from) === from ? from : addDays(weekOf(from), 7);
  // The Monday of the last week whose Sunday is `to` or earlier.
  const last = addDays(weekOf(to), 6) === to ? weekOf(to) : addDays(weekOf(to), -7);
  return first <= last ? { first, last } : null;
}
