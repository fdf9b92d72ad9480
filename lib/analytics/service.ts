// Analytics for the API (/api/v1/analytics/overview) and the dashboards alike: who may see what, then the
// figures of CONTRACT §7 assembled from the rollups. No path here reads raw events.
import type { Platform } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { notFound } from "@/lib/errors";
import { findReachableMiniProgram } from "@/lib/services/mini-programs";
import { addDays, eachDay, utcDay } from "./dates";
import { getDistinctUsers } from "./distinct-users";
import { getRangeStats, getStatsByDayAndBreakdown, type BreakdownStats } from "./queries/breakdown-stats";
import { addSums, type Sums } from "./queries/daily-stats";
import { getDailyUsers } from "./queries/daily-users";
import { getDimensions } from "./queries/dimensions";
import { hostExists } from "./queries/host-exists";
import { getNames } from "./queries/names";
import { getScopedAppIds } from "./queries/scoped-apps";
import { getApprovedVersions, getVersionUsers } from "./queries/version-adoption";
import { byLaunchesThenKey, rangeRetention, ratio, versionKey } from "./rows";
import type { Scope } from "./sql";
import type { AdoptionQuery, AnalyticsFilters, DayFigures, FilterOptions, LatestAdoption, Overview, OverviewQuery, Totals, TotalsOnly, VersionAdoption } from "./types";

export type OverviewOptions = {
  /** Epoch milliseconds: a day not ended by then is partial, and retention whose d+1 (d+7) has not ended is null. Default: now. */
  now?: number;
};

/** Checks the permission and every filter: a mini-program or host the actor cannot reach is a 404. */
export async function scopeFor(ctx: OrgContext, f: AnalyticsFilters): Promise<Scope> {
  authorize(ctx, "analytics.view");
  if (f.appId !== undefined) await findReachableMiniProgram(ctx, f.appId);
  if (f.hostId !== undefined && !(await hostExists(ctx.db, ctx.org.id, f.hostId))) throw notFound("Host app");
  return { orgId: ctx.org.id, appIds: await getScopedAppIds(ctx) };
}

function filtersOf(q: OverviewQuery): AnalyticsFilters {
  const f: AnalyticsFilters = {};
  if (q.hostId !== undefined) f.hostId = q.hostId;
  if (q.appId !== undefined) f.appId = q.appId;
  if (q.platform !== undefined) f.platform = q.platform;
  if (q.version !== undefined) f.version = q.version;
  return f;
}

function totalsOf(s: Sums, activeUsers: number): Totals {
  return {
    launches: s.launches,
    activeUsers,
    sessions: s.sessions,
    avgSessionMs: ratio(s.sessionMs, s.sessions),
    errors: s.errors,
    errorRate: ratio(s.errors, s.launches),
  };
}

function sum(rows: Sums[]): Sums {
  const out: Sums = { launches: 0, sessions: 0, sessionMs: 0, errors: 0 };
  for (const r of rows) addSums(out, r);
  return out;
}

export async function getOverview(ctx: OrgContext, q: OverviewQuery, opts: OverviewOptions = {}): Promise<Overview> {
  const f = filtersOf(q);
  const scope = await scopeFor(ctx, f);
  const db = ctx.db;
  const [{ daily: stats, breakdown: bStats }, distinct, names] = await Promise.all([
    getStatsByDayAndBreakdown(db, scope, f, q.from, q.to),
    // Active users, MAU, the range's and each breakdown row's distinct users, and the retention cohorts:
    // unions and intersections of the day bitmaps.
    getDistinctUsers(db, scope, f, q.from, q.to),
    getNames(db, ctx.org.id),
  ]);
  const { daily: users, rangeUsers, breakdown: bUsers, cohorts } = distinct;

  const today = utcDay(opts.now ?? Date.now());
  const statsByDay = new Map(stats.map((s) => [s.day, s]));
  const usersByDay = new Map(users.map((u) => [u.day, u]));
  const cohortByDay = new Map(cohorts.map((c) => [c.day, c]));
  const zero: Sums = { launches: 0, sessions: 0, sessionMs: 0, errors: 0 };
  const days: DayFigures[] = eachDay(q.from, q.to).map((day) => {
    const s = statsByDay.get(day) ?? zero;
    const u = usersByDay.get(day);
    const c = cohortByDay.get(day);
    const cohort = c?.cohort ?? 0;
    // CONTRACT §7: a share is only final once day d+k has ended (UTC); until then it is unknown, not zero.
    const retention = (n: number, k: number) => (addDays(day, k) < today ? ratio(n, cohort) : null);
    return {
      day,
      launches: s.launches,
      activeUsers: u?.activeUsers ?? 0,
      mau: u?.mau ?? 0,
      sessions: s.sessions,
      avgSessionMs: ratio(s.sessionMs, s.sessions),
      errors: s.errors,
      errorRate: ratio(s.errors, s.launches),
      newUsers: cohort,
      retentionD1: retention(c?.d1 ?? 0, 1),
      retentionD7: retention(c?.d7 ?? 0, 7),
      partial: day >= today,
    };
  });

  const keyOf = (r: { dim: string; hostId: string | null; appId: string | null; version: string | null; platform: Platform | null }) =>
    r.dim === "host" ? r.hostId! : r.dim === "miniProgram" ? r.appId! : r.dim === "version" ? versionKey(r.appId!, r.version!) : r.platform!;
  const usersByKey = new Map(bUsers.map((u) => [`${u.dim}:${keyOf(u)}`, u.activeUsers]));
  const rowTotals = (r: BreakdownStats) => totalsOf(r, usersByKey.get(`${r.dim}:${keyOf(r)}`) ?? 0);
  const of = (dim: BreakdownStats["dim"]) => bStats.filter((r) => r.dim === dim);

  return {
    from: q.from,
    to: q.to,
    filters: f,
    totals: totalsOf(sum(stats), rangeUsers),
    days,
    retention: rangeRetention(days),
    breakdown: {
      host: of("host")
        .map((r) => ({ key: r.hostId!, hostId: r.hostId!, name: names.hosts.get(r.hostId!) ?? r.hostId!, ...rowTotals(r) }))
        .sort(byLaunchesThenKey),
      miniProgram: of("miniProgram")
        .map((r) => ({ key: r.appId!, appId: r.appId!, name: names.miniPrograms.get(r.appId!) ?? r.appId!, ...rowTotals(r) }))
        .sort(byLaunchesThenKey),
      version: of("version")
        .map((r) => ({ key: versionKey(r.appId!, r.version!), appId: r.appId!, version: r.version!, ...rowTotals(r) }))
        .sort(byLaunchesThenKey),
      platform: of("platform")
        .map((r) => ({ key: r.platform!, platform: r.platform!, ...rowTotals(r) }))
        .sort(byLaunchesThenKey),
    },
  };
}

/** Only the totals: what the dashboards compare the current period against. */
export async function getOverviewTotals(ctx: OrgContext, q: OverviewQuery): Promise<TotalsOnly> {
  const f = filtersOf(q);
  const scope = await scopeFor(ctx, f);
  const [stats, distinct] = await Promise.all([getRangeStats(ctx.db, scope, f, q.from, q.to, false), getDistinctUsers(ctx.db, scope, f, q.from, q.to, false)]);
  return { from: q.from, to: q.to, filters: f, totals: totalsOf(sum(stats.daily), distinct.rangeUsers) };
}

/** Distinct users per version and day of one mini-program. */
export async function getVersionAdoption(ctx: OrgContext, q: OverviewQuery & { appId: string }): Promise<VersionAdoption> {
  const f = filtersOf(q);
  const scope = await scopeFor(ctx, f);
  const [rows, users] = await Promise.all([getVersionUsers(ctx.db, scope, f, q.from, q.to), getDailyUsers(ctx.db, scope, f, q.from, q.to)]);
  const versions = [...new Set(rows.map((r) => r.version))].sort(compareVersions);
  const byDay = new Map<string, Record<string, number>>();
  for (const r of rows) (byDay.get(r.day) ?? byDay.set(r.day, {}).get(r.day)!)[r.version] = r.users;
  return {
    from: q.from,
    to: q.to,
    appId: q.appId,
    versions,
    days: users.map((u) => ({ day: u.day, activeUsers: u.activeUsers, users: byDay.get(u.day) ?? {} })),
  };
}

/**
 * CONTRACT §13: distinct users of each version of one mini-program over the last complete UTC day (optionally on
 * one host), from the same per-day distinct-user rollup as the console's adoption card, so both answer the same
 * figures. Every approved version is listed, with 0 users when nobody ran it; `share` sums to 1, or is null on every
 * row when nobody ran any. Versions are newest first.
 */
export async function getLatestAdoption(ctx: OrgContext, q: AdoptionQuery, opts: OverviewOptions = {}): Promise<LatestAdoption> {
  const f: AnalyticsFilters = { appId: q.appId };
  if (q.hostId !== undefined) f.hostId = q.hostId;
  const scope = await scopeFor(ctx, f);
  const day = addDays(utcDay(opts.now ?? Date.now()), -1);
  const [rows, live] = await Promise.all([
    getVersionUsers(ctx.db, scope, f, day, day),
    getApprovedVersions(ctx.db, ctx.org.id, q.appId),
  ]);
  const users = new Map<string, number>(live.map((v) => [v, 0]));
  for (const r of rows) users.set(r.version, r.users);
  const total = [...users.values()].reduce((a, b) => a + b, 0);
  return {
    appId: q.appId,
    day,
    versions: [...users.keys()]
      .sort((a, b) => compareVersions(b, a))
      .map((version) => ({ version, users: users.get(version)!, share: total > 0 ? users.get(version)! / total : null })),
  };
}

/** Numeric-aware, so 1.10.0 sorts after 1.9.0. */
export function compareVersions(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/**
 * What the filters can offer this actor: every host app and every reachable mini-program, data or not (a new
 * host must be choosable before its first event, issue 13), each saying whether it has any; versions and
 * platforms only where there is data.
 */
export async function getFilterOptions(ctx: OrgContext): Promise<FilterOptions> {
  const scope = await scopeFor(ctx, {});
  const [combos, names] = await Promise.all([getDimensions(ctx.db, scope), getNames(ctx.db, ctx.org.id)]);
  const hosts = new Set<string>();
  const apps = new Set<string>();
  const versions = new Map<string, { appId: string; version: string }>();
  const platforms = new Set<Platform>();
  for (const c of combos) {
    hosts.add(c.hostId);
    apps.add(c.appId);
    versions.set(versionKey(c.appId, c.version), { appId: c.appId, version: c.version });
    platforms.add(c.platform);
  }
  const reachable = scope.appIds === null ? [...names.miniPrograms.keys()] : scope.appIds;
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  return {
    hosts: [...names.hosts].map(([hostId, name]) => ({ hostId, name, hasData: hosts.has(hostId) })).sort(byName),
    miniPrograms: reachable.map((appId) => ({ appId, name: names.miniPrograms.get(appId) ?? appId, hasData: apps.has(appId) })).sort(byName),
    versions: [...versions.values()].sort((a, b) => a.appId.localeCompare(b.appId) || compareVersions(a.version, b.version)),
    platforms: [...platforms].sort(),
  };
}
