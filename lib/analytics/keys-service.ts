// Error groups, pages, custom events and funnels (issue 18) for the API and the console alike. Who may see what is
// the overview's rule (scopeFor: analytics.view; a developer only their mini-programs; an unknown or unreachable
// mini-program or host is 404). Error groups, pages and events read the keyed rollups; the funnel reads the raw
// events of one mini-program over the range (sessions need the order of events, which no rollup keeps).
import type { OrgContext } from "@/lib/authz/context";
import { eachDay } from "./dates";
import { pairStepsReached, stepPairs } from "./funnel";
import type { FunnelQuery, KeyedQuery } from "./params";
import { getFunnelEvents } from "./queries/funnel-events";
import { getErrorDetails, getErrorVersions, getKeyTotals } from "./queries/keys";
import { ratio } from "./rows";
import { compareVersions, scopeFor } from "./service";
import type { AnalyticsFilters, CustomEventStats, ErrorGroup, ErrorGroups, Funnel, PageStats } from "./types";

/** The most frequent error groups listed; the rest are left out (the API says so in its description). */
export const MAX_ERROR_GROUPS = 100;
/** The most viewed pages, most counted event names. */
export const MAX_KEYS = 500;

function filtersOf(q: KeyedQuery): AnalyticsFilters {
  const f: AnalyticsFilters = { appId: q.appId };
  if (q.hostId !== undefined) f.hostId = q.hostId;
  if (q.platform !== undefined) f.platform = q.platform;
  if (q.version !== undefined) f.version = q.version;
  return f;
}

export async function getErrorGroups(ctx: OrgContext, q: KeyedQuery): Promise<ErrorGroups> {
  const f = filtersOf(q);
  const scope = await scopeFor(ctx, f);
  const totals = await getKeyTotals(ctx.db, scope, f, "error", q.from, q.to, MAX_ERROR_GROUPS);
  const keys = totals.map((t) => t.key);
  const [details, history] = await Promise.all([
    getErrorDetails(ctx.db, scope, f, keys, q.from, q.to),
    q.version !== undefined ? getErrorVersions(ctx.db, scope, q.appId, keys) : Promise.resolve([]),
  ]);
  const days = eachDay(q.from, q.to);
  // One pass over the detail rows (a row per group, day and version), not one per group.
  const byKey = new Map<string, typeof details>();
  for (const d of details) {
    const rows = byKey.get(d.key);
    if (rows) rows.push(d);
    else byKey.set(d.key, [d]);
  }
  const items: ErrorGroup[] = totals.map((t) => {
    const rows = byKey.get(t.key) ?? [];
    const perDay = new Map<string, number>();
    for (const r of rows) perDay.set(r.day, (perDay.get(r.day) ?? 0) + r.count);
    const g: ErrorGroup = {
      fingerprint: t.key,
      message: t.sample,
      count: t.count,
      users: t.users,
      firstSeen: rows.map((r) => r.firstSeen).reduce((a, b) => (b < a ? b : a)),
      lastSeen: rows.map((r) => r.lastSeen).reduce((a, b) => (b > a ? b : a)),
      versions: [...new Set(rows.map((r) => r.version))].sort(compareVersions),
      days: days.map((day) => ({ day, count: perDay.get(day) ?? 0 })),
    };
    if (q.version !== undefined) {
      g.newInVersion = !history.some((h) => h.key === t.key && compareVersions(h.version, q.version!) < 0);
    }
    return g;
  });
  return { from: q.from, to: q.to, filters: f, items };
}

export async function getPageStats(ctx: OrgContext, q: KeyedQuery): Promise<PageStats> {
  const f = filtersOf(q);
  const scope = await scopeFor(ctx, f);
  const rows = await getKeyTotals(ctx.db, scope, f, "page", q.from, q.to, MAX_KEYS);
  return { from: q.from, to: q.to, filters: f, items: rows.map((r) => ({ page: r.key, views: r.count, users: r.users })) };
}

export async function getCustomEventStats(ctx: OrgContext, q: KeyedQuery): Promise<CustomEventStats> {
  const f = filtersOf(q);
  const scope = await scopeFor(ctx, f);
  const rows = await getKeyTotals(ctx.db, scope, f, "event", q.from, q.to, MAX_KEYS);
  return { from: q.from, to: q.to, filters: f, items: rows.map((r) => ({ name: r.key, count: r.count, users: r.users })) };
}

export async function getFunnel(ctx: OrgContext, q: FunnelQuery): Promise<Funnel> {
  const f: AnalyticsFilters = { appId: q.appId };
  if (q.hostId !== undefined) f.hostId = q.hostId;
  const scope = await scopeFor(ctx, f);
  const rows = await getFunnelEvents(ctx.db, scope, q, q.steps);
  const { stepPair } = stepPairs(q.steps);
  const sessions = new Array<number>(q.steps.length).fill(0);
  const users = q.steps.map(() => new Set<string>());
  // Rows come in session order, each session opened by a row that names its user: walk each session once.
  let user = "";
  let matches: number[] = [];
  const close = () => {
    const reached = pairStepsReached(matches, stepPair);
    for (let k = 0; k < reached; k++) {
      sessions[k]!++;
      users[k]!.add(user);
    }
  };
  for (const r of rows) {
    if (r.userId !== null) {
      close();
      user = r.userId;
      matches = [];
    }
    if (r.match > 0) matches.push(r.match);
  }
  close();
  const out: Funnel = {
    from: q.from,
    to: q.to,
    appId: q.appId,
    steps: q.steps.map((s, k) => ({ type: s.type, value: s.value, sessions: sessions[k]!, users: users[k]!.size, conversion: ratio(sessions[k]!, sessions[0]!) })),
  };
  if (q.hostId !== undefined) out.hostId = q.hostId;
  return out;
}
