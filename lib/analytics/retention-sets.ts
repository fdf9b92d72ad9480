// D1/D7 retention from bitmaps (CONTRACT §7), the one computation behind both the overview's cohorts recomputed on
// read (distinct-users.ts) and the figures the folds store (queries/user-sets.ts refreshRetention).
import type { Bitmap, BitmapScope } from "./bitmaps";
import { addDays } from "./dates";
import type { CohortRow } from "./queries/retention";

export type CohortFigures = CohortRow & { appId: string };

/**
 * For each cohort (the users whose first launch of a mini-program fell on `day`), its size and how many of it were
 * active in that mini-program on day d+1 and on day d+7: intersections of the cohort's set with the union of the
 * mini-program's day sets in `active` (each lies in exactly one mini-program: finest rows, or (app, '', version, '')).
 */
export function cohortRetention(
  s: BitmapScope,
  active: { appId: string; day: string; set: Bitmap }[],
  cohorts: { appId: string; day: string; members: Bitmap }[],
): CohortFigures[] {
  // Thousands of cohorts (one per mini-program and day) share a few dozen days: their day+1 and day+7 once each.
  const later = new Map<string, [string, string]>();
  const laterOf = (day: string) => later.get(day) ?? later.set(day, [addDays(day, 1), addDays(day, 7)]).get(day)!;
  const wanted = new Set<string>();
  for (const c of cohorts) for (const d of laterOf(c.day)) wanted.add(`${c.appId}\n${d}`);
  const groups = new Map<string, Bitmap[]>();
  for (const r of active) {
    const key = `${r.appId}\n${r.day}`;
    if (wanted.has(key)) (groups.get(key) ?? groups.set(key, []).get(key)!).push(r.set);
  }
  const union = new Map<string, Bitmap>();
  for (const [key, list] of groups) union.set(key, list.length === 1 ? list[0]! : s.orMany(list));
  return cohorts.map((c) => {
    const [day1, day7] = laterOf(c.day);
    const d1 = union.get(`${c.appId}\n${day1}`);
    const d7 = union.get(`${c.appId}\n${day7}`);
    return { appId: c.appId, day: c.day, cohort: c.members.size, d1: d1 ? c.members.andCardinality(d1) : 0, d7: d7 ? c.members.andCardinality(d7) : 0 };
  });
}

/** Per day, the sums of these figures (over mini-programs, or over two sources of the same day's cohorts). */
export function sumByDay(rows: CohortRow[]): CohortRow[] {
  const byDay = new Map<string, CohortRow>();
  for (const r of rows) {
    const cur = byDay.get(r.day);
    if (cur) {
      cur.cohort += r.cohort;
      cur.d1 += r.d1;
      cur.d7 += r.d7;
    } else byDay.set(r.day, { day: r.day, cohort: r.cohort, d1: r.d1, d7: r.d7 });
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}
