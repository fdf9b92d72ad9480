// Anomalies (CONTRACT §11) for the API, the console and the webhook job: who may see what (the analytics
// permission and scope), the series read from the rollups, and the method (./anomalies.ts) applied to each.
import { createHash } from "node:crypto";
import type { DbOrTx } from "@/db";
import type { OrgContext } from "@/lib/authz/context";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { getNames } from "@/lib/analytics/queries/names";
import { scopeFor } from "@/lib/analytics/service";
import type { Scope } from "@/lib/analytics/sql";
import type { AnalyticsFilters, OverviewQuery } from "@/lib/analytics/types";
import { DEFAULT_ANOMALY_SETTINGS, detectAnomalies, type Detection, type SeriesDay } from "./anomalies";
import { getDailySeries } from "./queries/series";

const MEMO_ENTRIES = 20_000;
const memo = new Map<string, Detection[]>();

/**
 * detectAnomalies with the default settings, remembered by its whole input: the range and every day of the series.
 * The method is a pure function of them, so an answer kept is exactly the one it would compute again; and ended days
 * rarely change, so the overview, the dashboards and the webhook job, which judge the same series again and again,
 * skip the robust fits (a Theil–Sen line and weekday medians per series, day and metric: most of an organization's
 * anomaly read). The key is a hash of the input; the least recently used answers are dropped past MEMO_ENTRIES.
 */
export function detectAnomaliesRemembered(series: SeriesDay[], from: string, to: string): Detection[] {
  const h = createHash("sha256").update(`${from}|${to}`);
  for (const d of series) h.update(`|${d.day}:${d.launches}:${d.activeUsers}:${d.errors}`);
  const key = h.digest("base64");
  const kept = memo.get(key);
  if (kept) {
    memo.delete(key);
    memo.set(key, kept);
    return kept;
  }
  const found = detectAnomalies(series, from, to);
  memo.set(key, found);
  if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  return found;
}

export type Anomaly = Detection & { hostId: string; appId: string };
/** With the names the console shows (more fields than CONTRACT §11 asks for are welcome). */
export type AnomalyItem = Anomaly & { hostName: string; appName: string };

/**
 * Every anomaly of the scope on the days from `from` to `to` that have ended (UTC): a day still under way would
 * look like a drop. Strongest first; ties newest first, then by host, mini-program and metric.
 */
export async function detectInScope(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string, now = Date.now()): Promise<Anomaly[]> {
  const lastEnded = addDays(utcDay(now), -1);
  const until = to < lastEnded ? to : lastEnded;
  if (from > until) return [];
  const rows = await getDailySeries(db, scope, f, addDays(from, -DEFAULT_ANOMALY_SETTINGS.lookbackDays), until);
  const series = new Map<string, { hostId: string; appId: string; days: SeriesDay[] }>();
  for (const r of rows) {
    const key = `${r.hostId}\u0000${r.appId}`;
    const s = series.get(key) ?? series.set(key, { hostId: r.hostId, appId: r.appId, days: [] }).get(key)!;
    s.days.push({ day: r.day, launches: r.launches, activeUsers: r.activeUsers, errors: r.errors });
  }
  const out: Anomaly[] = [];
  for (const s of series.values()) for (const d of detectAnomaliesRemembered(s.days, from, until)) out.push({ ...d, hostId: s.hostId, appId: s.appId });
  return out.sort(
    (a, b) =>
      b.score - a.score ||
      (a.day < b.day ? 1 : a.day > b.day ? -1 : 0) ||
      a.hostId.localeCompare(b.hostId) ||
      a.appId.localeCompare(b.appId) ||
      a.metric.localeCompare(b.metric),
  );
}

export type AnomalyOptions = { now?: number; limit?: number };

/** GET /api/v1/analytics/anomalies: an unknown (or foreign, or out-of-reach) host or mini-program is a 404. */
export async function getAnomalies(ctx: OrgContext, q: OverviewQuery, opts: AnomalyOptions = {}): Promise<{ from: string; to: string; items: AnomalyItem[] }> {
  const f: AnalyticsFilters = {};
  if (q.hostId !== undefined) f.hostId = q.hostId;
  if (q.appId !== undefined) f.appId = q.appId;
  const scope = await scopeFor(ctx, f);
  const [found, names] = await Promise.all([detectInScope(ctx.db, scope, f, q.from, q.to, opts.now), getNames(ctx.db, ctx.org.id)]);
  const items = (opts.limit !== undefined ? found.slice(0, opts.limit) : found).map((a) => anomalyItem(a, names));
  return { from: q.from, to: q.to, items };
}

/** An anomaly as the API and the `anomaly.detected` webhook give it: its fields and the names of its host and app. */
export function anomalyItem(a: Anomaly, names: Awaited<ReturnType<typeof getNames>>): AnomalyItem {
  return {
    day: a.day,
    hostId: a.hostId,
    appId: a.appId,
    metric: a.metric,
    value: a.value,
    expected: a.expected,
    direction: a.direction,
    score: a.score,
    hostName: names.hosts.get(a.hostId) ?? a.hostId,
    appName: names.miniPrograms.get(a.appId) ?? a.appId,
  };
}
