// Distinct-user figures from the day bitmaps (daily_user_sets): active users and MAU per day, the range's
// distinct users, and distinct users per host, mini-program, version and platform. Every figure is the
// cardinality of a union of day sets (the bitmaps, and the user-days still pending for the background fold), so
// it is exact, as the user-day queries it replaces were.
import type { DbOrTx } from "@/db";
import type { Platform } from "@/db/schema";
import { type Bitmap, type BitmapScope, withBitmaps } from "./bitmaps";
import { addDays, eachDay } from "./dates";
import type { BreakdownUsers } from "./queries/breakdown-users";
import type { DailyUsers } from "./queries/daily-users";
import { MAU_WINDOW_DAYS } from "./queries/daily-users";
import type { CohortRow } from "./queries/retention";
import { cohortRetention, sumByDay } from "./retention-sets";
import { type DistinctSources, grainsOf, type Members, readDistinctSources, type SetRow } from "./queries/user-sets";
import type { Scope } from "./sql";
import type { AnalyticsFilters } from "./types";

export type DistinctUsers = { daily: DailyUsers[]; rangeUsers: number; breakdown: BreakdownUsers[]; cohorts: CohortRow[] };

/**
 * Users not numbered yet (their user-days are all still pending) get numbers for the length of one read, above every
 * real one (org_users.uid is a positive int4), so they join the bitmaps' unions without meeting anyone in them.
 */
const UNNUMBERED_BASE = 2 ** 31;

/**
 * `withDays`: also active users and MAU per day (which reads the 29 days before `from` too) and the retention
 * cohorts (which read the 7 days after `to` too). Exact at every instant: the bitmaps and the user-days pending
 * for the background fold are read in one snapshot and unioned.
 */
export async function getDistinctUsers(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string, withDays = true): Promise<DistinctUsers> {
  const src = await readDistinctSources(db, scope, f, from, to, withDays);
  return withBitmaps((s) => {
    const unnumbered = new Map<string, number>();
    const numberOf = (name: string) => {
      let n = unnumbered.get(name);
      if (n === undefined) unnumbered.set(name, (n = UNNUMBERED_BASE + unnumbered.size));
      return n;
    };
    const numbersOf = (m: Members) => [...m.uids, ...m.names.map(numberOf)];
    // Each row's bitmap is read once, for every figure.
    const sets: ReadRow[] = src.rows.map((r) => ({ ...r, set: s.read(r.users) }));
    // Pending user-days count at every grain the fold will put them in: the finest alone when the finest rows were
    // read, the four coarse ones otherwise.
    const pending: ReadRow[] = [];
    for (const p of src.pending) {
      const set = s.of(numbersOf(p));
      const grains = grainsOf(p.day, p.appId, p.hostId, p.version, p.platform);
      for (const key of src.coarse ? grains.slice(1) : grains.slice(0, 1)) pending.push({ ...key, users: new Uint8Array(), set });
    }
    sets.push(...pending);
    const out = distinctFrom(s, src.coarse, sets, from, to, withDays);
    if (!withDays) return { ...out, cohorts: [] };
    if (src.listed) {
      // Listed cohorts (a host, version or platform filter): every one computed from the finest day sets.
      return { ...out, cohorts: retentionFrom(s, src.coarse, sets, src.cohorts.map((c) => ({ appId: c.appId, day: c.day, members: s.of(numbersOf(c)) }))) };
    }
    // The stored figures, plus the cohorts something pending changes, computed from their bitmaps: in the coarse
    // read their mini-program's day rows came apart from the weekly ones.
    const changed = cohortsFromSets(s, src, from, to, numberOf);
    const active = src.coarse ? [...src.activeRows.map((r) => ({ ...r, set: s.read(r.users) })), ...pending] : sets;
    return { ...out, cohorts: sumByDay([...src.retention, ...retentionFrom(s, src.coarse, active, changed)]) };
  });
}

/**
 * Of each day's cohort (users whose first launch of a mini-program fell on it, under the filters), how many were
 * active in that mini-program, under the same filters, on day d+1 and on day d+7: intersections of the cohort's
 * set with the mini-program's day sets. Without a mini-program filter a member is a (user, mini-program) pair.
 */
export function retentionFrom(s: BitmapScope, coarse: boolean, rows: ReadRow[], cohorts: { appId: string; day: string; members: Bitmap }[]): CohortRow[] {
  // The finest rows, or the coarse (app, '', version, '') ones: each lies in exactly one mini-program.
  const active = rows.filter((r) => r.appId !== "" && !(coarse && r.hostId !== ""));
  return sumByDay(cohortRetention(s, active, cohorts));
}

/**
 * The cohorts of [from, to] from their folded bitmaps, corrected by the first launches not folded under their day
 * yet: a member leaves the day it was folded under and joins its day (by number, or by name when not numbered yet).
 * Read in one snapshot with the bitmaps, so each first launch counts in exactly one cohort.
 */
export function cohortsFromSets(
  s: BitmapScope,
  src: Pick<DistinctSources, "cohortSets" | "cohortMoves">,
  from: string,
  to: string,
  numberOf: (name: string) => number,
): { appId: string; day: string; members: Bitmap }[] {
  const byKey = new Map<string, { appId: string; day: string; members: Bitmap }>();
  const at = (appId: string, day: string) => {
    const k = `${appId}\n${day}`;
    return byKey.get(k) ?? byKey.set(k, { appId, day, members: s.empty() }).get(k)!;
  };
  for (const c of src.cohortSets) byKey.set(`${c.appId}\n${c.day}`, { appId: c.appId, day: c.day, members: s.read(c.users) });
  const inRange = (day: string | null): day is string => day !== null && day >= from && day <= to;
  for (const m of src.cohortMoves) {
    if (inRange(m.foldedDay) && m.uid !== null) byKey.get(`${m.appId}\n${m.foldedDay}`)?.members.remove(m.uid);
  }
  for (const m of src.cohortMoves) if (inRange(m.day)) at(m.appId, m.day).members.add(m.uid ?? numberOf(m.name));
  return [...byKey.values()].filter((c) => !c.members.isEmpty);
}

/** Sets to union per key; unionAll() then makes one bitmap per key (a single copy when a key has one set). */
type Groups = Map<string, Bitmap[]>;

function union(_s: BitmapScope, into: Groups, key: string, b: Bitmap): void {
  const cur = into.get(key);
  if (cur) cur.push(b);
  else into.set(key, [b]);
}

function unionAll(s: BitmapScope, groups: Groups): Map<string, Bitmap> {
  const out = new Map<string, Bitmap>();
  for (const [key, list] of groups) out.set(key, list.length === 1 ? list[0]! : s.orMany(list));
  return out;
}

type ReadRow = SetRow & { set: Bitmap };

export function distinctFrom(s: BitmapScope, coarse: boolean, rows: ReadRow[], from: string, to: string, withDays: boolean): Omit<DistinctUsers, "cohorts"> {
  const [dayG, hostG, appG, versionG, platformG]: [Groups, Groups, Groups, Groups, Groups] = [new Map(), new Map(), new Map(), new Map(), new Map()];
  for (const r of rows) {
    const b = r.set;
    const inRange = r.day >= from && r.day <= to;
    if (coarse) {
      // Coarse rows: ('', '', '', '') the day's users; (app, '', version, '') ; ('', host, '', ''); ('', '', '', platform).
      if (r.appId === "" && r.hostId === "" && r.platform === "") union(s, dayG, r.day, b);
      if (!inRange) continue;
      // A mini-program's users are the union of its versions' (below): each row is OR'ed once, not twice.
      if (r.appId !== "") union(s, versionG, JSON.stringify([r.appId, r.version]), b);
      else if (r.hostId !== "") union(s, hostG, r.hostId, b);
      else if (r.platform !== "") union(s, platformG, r.platform, b);
    } else {
      union(s, dayG, r.day, b);
      if (!inRange) continue;
      union(s, hostG, r.hostId, b);
      union(s, appG, r.appId, b);
      union(s, versionG, JSON.stringify([r.appId, r.version]), b);
      union(s, platformG, r.platform, b);
    }
  }
  const byDay = unionAll(s, dayG);
  const hosts = unionAll(s, hostG);
  const versions = unionAll(s, versionG);
  if (coarse) {
    for (const [key, b] of versions) union(s, appG, (JSON.parse(key) as [string, string])[0], b);
  }
  const apps = unionAll(s, appG);
  const platforms = unionAll(s, platformG);

  const range = s.empty();
  for (const [day, b] of byDay) if (day >= from && day <= to) range.orInPlace(b);

  const breakdown: BreakdownUsers[] = [];
  const none = { hostId: null, appId: null, version: null, platform: null };
  for (const [hostId, b] of hosts) breakdown.push({ dim: "host", ...none, hostId, activeUsers: b.size });
  for (const [appId, b] of apps) breakdown.push({ dim: "miniProgram", ...none, appId, activeUsers: b.size });
  for (const [key, b] of versions) {
    const [appId, version] = JSON.parse(key) as [string, string];
    breakdown.push({ dim: "version", ...none, appId, version, activeUsers: b.size });
  }
  for (const [platform, b] of platforms) breakdown.push({ dim: "platform", ...none, platform: platform as Platform, activeUsers: b.size });

  return { daily: withDays ? dailyFigures(s, byDay, from, to) : [], rangeUsers: range.size, breakdown };
}

/**
 * Active users and MAU (distinct users over the 30 days ending on the day) for each day of [from, to]. Sliding
 * unions in blocks of 30 days (van Herk / Gil-Werman): for every day the union from its block's start and the union
 * to its block's end, so each window is one suffix union and one prefix union, whatever the range's length.
 */
function dailyFigures(s: BitmapScope, byDay: Map<string, Bitmap>, from: string, to: string): DailyUsers[] {
  const W = MAU_WINDOW_DAYS;
  const days = eachDay(addDays(from, -(W - 1)), to);
  const n = days.length;
  const prefix: Bitmap[] = new Array(n);
  const suffix: Bitmap[] = new Array(n);
  const emptyDay = s.empty();
  const at = (i: number) => byDay.get(days[i]!) ?? emptyDay;
  for (let i = 0; i < n; i++) {
    prefix[i] = i % W === 0 ? s.clone(at(i)) : s.clone(prefix[i - 1]!);
    if (i % W !== 0) prefix[i]!.orInPlace(at(i));
  }
  for (let i = n - 1; i >= 0; i--) {
    suffix[i] = i % W === W - 1 || i === n - 1 ? s.clone(at(i)) : s.clone(suffix[i + 1]!);
    if (!(i % W === W - 1 || i === n - 1)) suffix[i]!.orInPlace(at(i));
  }
  const out: DailyUsers[] = [];
  for (let i = W - 1; i < n; i++) {
    const lo = i - (W - 1);
    // lo starts a block exactly when the window is one whole block: then prefix[i] alone is the window.
    const mau = lo % W === 0 ? prefix[i]!.size : suffix[lo]!.orCardinality(prefix[i]!);
    out.push({ day: days[i]!, activeUsers: at(i).size, mau });
  }
  return out;
}
