// Distinct-user figures from the day bitmaps (daily_user_sets): active users and MAU per day, the range's
// distinct users, and distinct users per host, mini-program, version and platform. Every figure is the
// cardinality of a union of day sets (the bitmaps, and the user-days still pending for the background fold), so
// it is exact, as the user-day queries it replaces were. A union of row versions counted before is not counted
// again (set-cache.ts: a version's bytes never change), nor are its rows' bitmaps decoded.
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
import { unionBitmaps, UnionSizes, unionSizes } from "./set-cache";
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
    const sets: ReadRow[] = src.rows.map((r) => lazyRow(s, r));
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
    const active = src.coarse ? [...src.activeRows.map((r) => lazyRow(s, r)), ...pending] : sets;
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

/** The rows to union per key (a breakdown value, a day). */
type Groups = Map<string, ReadRow[]>;

function add<T>(into: Map<string, T[]>, key: string, r: T): void {
  const cur = into.get(key);
  if (cur) cur.push(r);
  else into.set(key, [r]);
}

/** The union of these rows' sets: the one set itself when there is one (not to be changed). */
function unionOf(s: BitmapScope, rows: readonly ReadRow[]): Bitmap {
  return rows.length === 1 ? rows[0]!.set : s.orMany(rows.map((r) => r.set));
}

/**
 * How many users the union of these rows holds: counted once per set of row versions (set-cache.ts). Rows dated
 * from `recentFrom` on (and user-days still pending) are what folds change under ingestion: a union not known is
 * the remembered union of its older rows, OR'ed with those.
 */
function sizeOf(s: BitmapScope, rows: readonly ReadRow[], recentFrom: string, union: () => Bitmap = () => unionOf(s, rows)): number {
  const key = UnionSizes.keyOf(rows.map((r) => r.rev));
  const known = unionSizes.get(key);
  if (known !== undefined) return known;
  const n = olderAndRecentSize(s, rows, recentFrom) ?? union().size;
  unionSizes.set(key, n);
  return n;
}

/** The size of the union of these rows as its older rows' union (remembered by their versions) OR the rest. */
function olderAndRecentSize(s: BitmapScope, rows: readonly ReadRow[], recentFrom: string): number | undefined {
  if (unionBitmaps.budget <= 0) return undefined;
  const older: ReadRow[] = [];
  const recent: ReadRow[] = [];
  for (const r of rows) (r.rev !== undefined && r.day < recentFrom ? older : recent).push(r);
  if (older.length < 2 || recent.length === 0) return undefined;
  const key = UnionSizes.keyOf(older.map((r) => r.rev));
  if (key === null) return undefined; // not reached: every older row has a rev
  const held = unionBitmaps.get(key);
  let base: Bitmap;
  if (held) base = s.read(held);
  else {
    base = unionOf(s, older);
    unionBitmaps.set(key, base.serialize("portable"));
  }
  return base.orCardinality(unionOf(s, recent));
}

export type ReadRow = SetRow & { readonly set: Bitmap };

/** A row whose bitmap is decoded when first needed: a union whose size is known needs none of its rows'. */
export function lazyRow(s: BitmapScope, r: SetRow): ReadRow {
  let set: Bitmap | undefined;
  return {
    ...r,
    get set() {
      return (set ??= s.read(r.users));
    },
  };
}

export function distinctFrom(s: BitmapScope, coarse: boolean, rows: ReadRow[], from: string, to: string, withDays: boolean): Omit<DistinctUsers, "cohorts"> {
  const [dayG, hostG, appG, versionG, platformG]: [Groups, Groups, Groups, Groups, Groups] = [new Map(), new Map(), new Map(), new Map(), new Map()];
  for (const r of rows) {
    const inRange = r.day >= from && r.day <= to;
    if (coarse) {
      // Coarse rows: ('', '', '', '') the day's users; (app, '', version, '') ; ('', host, '', ''); ('', '', '', platform).
      if (r.appId === "" && r.hostId === "" && r.platform === "") add(dayG, r.day, r);
      if (!inRange) continue;
      // A mini-program's users are the union of its versions' rows.
      if (r.appId !== "") {
        add(versionG, JSON.stringify([r.appId, r.version]), r);
        add(appG, r.appId, r);
      } else if (r.hostId !== "") add(hostG, r.hostId, r);
      else if (r.platform !== "") add(platformG, r.platform, r);
    } else {
      add(dayG, r.day, r);
      if (!inRange) continue;
      add(hostG, r.hostId, r);
      add(appG, r.appId, r);
      add(versionG, JSON.stringify([r.appId, r.version]), r);
      add(platformG, r.platform, r);
    }
  }

  const inRange: ReadRow[] = [];
  for (const [day, list] of dayG) if (day >= from && day <= to) inRange.push(...list);

  const breakdown: BreakdownUsers[] = [];
  const none = { hostId: null, appId: null, version: null, platform: null };
  // The range's last two days: a fold rewrites today's rows, and late events (up to 7 days old) are rare.
  const recentFrom = addDays(to, -1);
  for (const [hostId, list] of hostG) breakdown.push({ dim: "host", ...none, hostId, activeUsers: sizeOf(s, list, recentFrom) });
  // Coarse: a mini-program's union not known is made of its versions' unions (fewer and larger sets to OR).
  const versionSets = new Map<string, Bitmap>();
  const versionUnion = (key: string) => versionSets.get(key) ?? versionSets.set(key, unionOf(s, versionG.get(key)!)).get(key)!;
  const appsVersions = new Map<string, string[]>();
  if (coarse) for (const key of versionG.keys()) add(appsVersions, (JSON.parse(key) as [string, string])[0], key);
  for (const [appId, list] of appG) {
    const versions = appsVersions.get(appId);
    const union = versions && versions.length > 1 ? () => s.orMany(versions.map(versionUnion)) : undefined;
    breakdown.push({ dim: "miniProgram", ...none, appId, activeUsers: sizeOf(s, list, recentFrom, union) });
  }
  for (const [key, list] of versionG) {
    const [appId, version] = JSON.parse(key) as [string, string];
    breakdown.push({ dim: "version", ...none, appId, version, activeUsers: sizeOf(s, list, recentFrom, () => versionUnion(key)) });
  }
  for (const [platform, list] of platformG) breakdown.push({ dim: "platform", ...none, platform: platform as Platform, activeUsers: sizeOf(s, list, recentFrom) });

  return { daily: withDays ? dailyFigures(s, dayG, from, to) : [], rangeUsers: inRange.length === 0 ? 0 : sizeOf(s, inRange, recentFrom), breakdown };
}

/** Past this many MAU windows not known by their rows' versions, all of them are computed at once (below). */
const WINDOWS_ONE_BY_ONE = 4;

/**
 * Active users and MAU (distinct users over the 30 days ending on the day) for each day of [from, to]. A day or a
 * window whose rows' versions were counted before is known (set-cache.ts: after a fold, only the windows over the
 * days it touched are not). A few unknown windows are each the union of their 30 day sets; more, sliding unions in
 * blocks of 30 days (van Herk / Gil-Werman): for every day the union from its block's start and the union to its
 * block's end, so each window is one suffix union and one prefix union, whatever the range's length.
 */
function dailyFigures(s: BitmapScope, dayG: Groups, from: string, to: string): DailyUsers[] {
  const W = MAU_WINDOW_DAYS;
  const days = eachDay(addDays(from, -(W - 1)), to);
  const n = days.length;
  const rowsOf = (i: number) => dayG.get(days[i]!) ?? [];
  // Each day's set, made once (from its rows, or from its pending user-days too) for every window it lies in.
  const daySets = new Map<number, Bitmap>();
  const daySet = (i: number) => daySets.get(i) ?? daySets.set(i, rowsOf(i).length === 0 ? s.empty() : unionOf(s, rowsOf(i))).get(i)!;
  // A window's key from its days' keys: each row's rev is hashed once, not once per window it lies in.
  const dayKeys = days.map((_, i) => (rowsOf(i).length === 0 ? "" : UnionSizes.keyOf(rowsOf(i).map((r) => r.rev))));
  const windowKeys = days.map((_, i) => {
    if (i < W - 1) return null;
    const keys = dayKeys.slice(i - (W - 1), i + 1);
    return keys.includes(null) ? null : UnionSizes.keyOf(keys.map((k, j) => `${j}:${k}`));
  });
  const mau = new Map<number, number>();
  const unknown: number[] = [];
  for (let i = W - 1; i < n; i++) {
    const known = unionSizes.get(windowKeys[i]!);
    if (known === undefined) unknown.push(i);
    else mau.set(i, known);
  }
  if (unknown.length > WINDOWS_ONE_BY_ONE) {
    const prefix: Bitmap[] = new Array(n);
    const suffix: Bitmap[] = new Array(n);
    for (let i = 0; i < n; i++) {
      prefix[i] = i % W === 0 ? s.clone(daySet(i)) : s.clone(prefix[i - 1]!);
      if (i % W !== 0) prefix[i]!.orInPlace(daySet(i));
    }
    for (let i = n - 1; i >= 0; i--) {
      suffix[i] = i % W === W - 1 || i === n - 1 ? s.clone(daySet(i)) : s.clone(suffix[i + 1]!);
      if (!(i % W === W - 1 || i === n - 1)) suffix[i]!.orInPlace(daySet(i));
    }
    for (const i of unknown) {
      const lo = i - (W - 1);
      // lo starts a block exactly when the window is one whole block: then prefix[i] alone is the window.
      mau.set(i, lo % W === 0 ? prefix[i]!.size : suffix[lo]!.orCardinality(prefix[i]!));
    }
  } else {
    for (const i of unknown) mau.set(i, s.orMany(days.slice(i - (W - 1), i + 1).map((_, j) => daySet(i - (W - 1) + j))).size);
  }
  for (const i of unknown) unionSizes.set(windowKeys[i]!, mau.get(i)!);
  const out: DailyUsers[] = [];
  for (let i = W - 1; i < n; i++) {
    let active = unionSizes.get(dayKeys[i] || null);
    if (active === undefined) {
      active = daySet(i).size;
      if (dayKeys[i]) unionSizes.set(dayKeys[i]!, active);
    }
    out.push({ day: days[i]!, activeUsers: active, mau: mau.get(i)! });
  }
  return out;
}
