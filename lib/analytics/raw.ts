// The figures of CONTRACT §7 computed straight from the raw events, the way the contract words them, with
// none of the rollups' tables or queries. Tests hold the rollup-based service to it (they must be equal);
// the benchmark times it as the baseline. Deliberately naive: a day is a 24-hour range of timestamps (not
// the ingest path's UTC-date cast), MAU re-counts 30 days of events for every day, first launches are found
// afresh, and retention probes the events for every cohort member.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { Platform } from "@/db/schema";
import { daysBetween } from "./dates";
import { byLaunchesThenKey, rangeRetention, versionKey } from "./rows";
import { list, selectRows, type Scope } from "./sql";
import type { AnalyticsFilters, DayFigures, Overview, OverviewQuery, Totals } from "./types";

export type RawOptions = { now?: number };

const H24 = sql.raw(`interval '24 hours'`);

/** Its own filter, not the rollups' helper: a bug there must not hide in both computations at once. */
function eventFilter(alias: string, scope: Scope, f: AnalyticsFilters, parts: { tenant?: boolean; dimensions?: boolean } = {}): SQL {
  const col = (c: string) => sql.raw(`${alias}.${c}`);
  const conds: SQL[] = [sql`true`];
  if (parts.tenant !== false) {
    conds.push(sql`${col("org_id")} = ${scope.orgId}`);
    if (scope.appIds) conds.push(scope.appIds.length ? sql`${col("app_id")} IN (${list(scope.appIds)})` : sql`false`);
  }
  if (parts.dimensions !== false) {
    if (f.appId !== undefined) conds.push(sql`${col("app_id")} = ${f.appId}`);
    if (f.hostId !== undefined) conds.push(sql`${col("host_id")} = ${f.hostId}`);
    if (f.version !== undefined) conds.push(sql`${col("version")} = ${f.version}`);
    if (f.platform !== undefined) conds.push(sql`${col("platform")} = ${f.platform}`);
  }
  return sql.join(conds, sql` AND `);
}

type RawTotals = Totals;

const TOTALS_COLUMNS = sql.raw(`
  count(e.id) FILTER (WHERE e.type = 'launch')::int AS launches,
  count(DISTINCT e.user_id)::int AS "activeUsers",
  count(e.id) FILTER (WHERE e.type = 'session_end')::int AS sessions,
  (sum(e.duration_ms) FILTER (WHERE e.type = 'session_end'))::float8
    / nullif(count(e.id) FILTER (WHERE e.type = 'session_end'), 0) AS "avgSessionMs",
  count(e.id) FILTER (WHERE e.type = 'error')::int AS errors,
  (count(e.id) FILTER (WHERE e.type = 'error'))::float8
    / nullif(count(e.id) FILTER (WHERE e.type = 'launch'), 0) AS "errorRate"`);

export async function computeOverviewFromRaw(db: DbOrTx, scope: Scope, q: OverviewQuery, opts: RawOptions = {}): Promise<Overview> {
  const f: AnalyticsFilters = {};
  if (q.hostId !== undefined) f.hostId = q.hostId;
  if (q.appId !== undefined) f.appId = q.appId;
  if (q.platform !== undefined) f.platform = q.platform;
  if (q.version !== undefined) f.version = q.version;
  const start = `${q.from}T00:00:00Z`;
  const span = daysBetween(q.from, q.to) + 1;
  const today = new Date(opts.now ?? Date.now()).toISOString().slice(0, 10);
  // One row per day of the range with the instant it starts.
  const days = sql`SELECT (${q.from}::date + n)::text AS day, ${start}::timestamptz + n * ${H24} AS lo FROM generate_series(0, ${span - 1}::int) AS n`;
  const inRange = sql`e.ts >= ${start}::timestamptz AND e.ts < ${start}::timestamptz + ${span}::int * ${H24}`;

  const [perDay, mau, totals, cohorts, hosts, apps, versions, platforms, hostNames, appNames] = await Promise.all([
    selectRows<Omit<DayFigures, "mau" | "newUsers" | "retentionD1" | "retentionD7" | "partial">>(
      db,
      sql`WITH d AS (${days})
        SELECT d.day, ${TOTALS_COLUMNS}
        FROM d LEFT JOIN events e ON ${eventFilter("e", scope, f)} AND e.ts >= d.lo AND e.ts < d.lo + ${H24}
        GROUP BY d.day ORDER BY d.day`,
    ),
    selectRows<{ day: string; mau: number }>(
      db,
      sql`WITH d AS (${days})
        SELECT d.day, count(DISTINCT e.user_id)::int AS mau
        FROM d LEFT JOIN events e ON ${eventFilter("e", scope, f)} AND e.ts >= d.lo - 29 * ${H24} AND e.ts < d.lo + ${H24}
        GROUP BY d.day ORDER BY d.day`,
    ),
    selectRows<RawTotals>(db, sql`SELECT ${TOTALS_COLUMNS} FROM events e WHERE ${eventFilter("e", scope, f)} AND ${inRange}`),
    selectRows<{ day: string; newUsers: number; retentionD1: number | null; retentionD7: number | null }>(
      db,
      sql`WITH d AS (${days}),
        firsts AS (
          SELECT DISTINCT ON (e.app_id, e.user_id) e.app_id, e.user_id, e.ts, e.host_id, e.version, e.platform
          FROM events e WHERE ${eventFilter("e", scope, f, { dimensions: false })} AND e.type = 'launch'
          ORDER BY e.app_id, e.user_id, e.ts, e.host_id, e.id
        ),
        cohort AS (
          SELECT c.app_id, c.user_id, d.day, d.lo FROM firsts c JOIN d ON c.ts >= d.lo AND c.ts < d.lo + ${H24}
          WHERE ${eventFilter("c", scope, f, { tenant: false })}
        ),
        counted AS (
          SELECT c.day,
            count(*) AS n,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM events e WHERE ${eventFilter("e", scope, f)}
              AND e.app_id = c.app_id AND e.user_id = c.user_id AND e.ts >= c.lo + ${H24} AND e.ts < c.lo + 2 * ${H24})) AS d1,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM events e WHERE ${eventFilter("e", scope, f)}
              AND e.app_id = c.app_id AND e.user_id = c.user_id AND e.ts >= c.lo + 7 * ${H24} AND e.ts < c.lo + 8 * ${H24})) AS d7
          FROM cohort c GROUP BY c.day
        )
        SELECT day, n::int AS "newUsers",
          CASE WHEN day::date + 1 < ${today}::date THEN d1::float8 / n END AS "retentionD1",
          CASE WHEN day::date + 7 < ${today}::date THEN d7::float8 / n END AS "retentionD7"
        FROM counted`,
    ),
    byDimension<{ hostId: string }>(db, sql`e.host_id AS "hostId"`, sql`e.host_id`, scope, f, inRange),
    byDimension<{ appId: string }>(db, sql`e.app_id AS "appId"`, sql`e.app_id`, scope, f, inRange),
    byDimension<{ appId: string; version: string }>(db, sql`e.app_id AS "appId", e.version`, sql`e.app_id, e.version`, scope, f, inRange),
    byDimension<{ platform: Platform }>(db, sql`e.platform`, sql`e.platform`, scope, f, inRange),
    selectRows<{ id: string; name: string }>(db, sql`SELECT id, name FROM host_apps WHERE org_id = ${scope.orgId}`),
    selectRows<{ appId: string; name: string }>(db, sql`SELECT app_id AS "appId", name FROM mini_programs WHERE org_id = ${scope.orgId}`),
  ]);

  const mauByDay = new Map(mau.map((m) => [m.day, m.mau]));
  const cohortByDay = new Map(cohorts.map((c) => [c.day, c]));
  const hostName = new Map(hostNames.map((h) => [h.id, h.name]));
  const appName = new Map(appNames.map((a) => [a.appId, a.name]));
  const dayFigures: DayFigures[] = perDay.map((d) => {
    const c = cohortByDay.get(d.day);
    return {
      day: d.day,
      launches: d.launches,
      activeUsers: d.activeUsers,
      mau: mauByDay.get(d.day) ?? 0,
      sessions: d.sessions,
      avgSessionMs: d.avgSessionMs,
      errors: d.errors,
      errorRate: d.errorRate,
      newUsers: c?.newUsers ?? 0,
      retentionD1: c?.retentionD1 ?? null,
      retentionD7: c?.retentionD7 ?? null,
      partial: d.day >= today,
    };
  });

  return {
    from: q.from,
    to: q.to,
    filters: f,
    totals: totals[0]!,
    days: dayFigures,
    retention: rangeRetention(dayFigures),
    breakdown: {
      host: hosts.map((r) => ({ key: r.hostId, hostId: r.hostId, name: hostName.get(r.hostId) ?? r.hostId, ...totalsPart(r) })).sort(byLaunchesThenKey),
      miniProgram: apps.map((r) => ({ key: r.appId, appId: r.appId, name: appName.get(r.appId) ?? r.appId, ...totalsPart(r) })).sort(byLaunchesThenKey),
      version: versions
        .map((r) => ({ key: versionKey(r.appId, r.version), appId: r.appId, version: r.version, ...totalsPart(r) }))
        .sort(byLaunchesThenKey),
      platform: platforms.map((r) => ({ key: r.platform, platform: r.platform, ...totalsPart(r) })).sort(byLaunchesThenKey),
    },
  };
}

function totalsPart(r: RawTotals): Totals {
  return {
    launches: r.launches,
    activeUsers: r.activeUsers,
    sessions: r.sessions,
    avgSessionMs: r.avgSessionMs,
    errors: r.errors,
    errorRate: r.errorRate,
  };
}

function byDimension<K>(db: DbOrTx, select: SQL, groupBy: SQL, scope: Scope, f: AnalyticsFilters, inRange: SQL): Promise<(K & RawTotals)[]> {
  return selectRows<K & RawTotals>(
    db,
    sql`SELECT ${select}, ${TOTALS_COLUMNS} FROM events e WHERE ${eventFilter("e", scope, f)} AND ${inRange} GROUP BY ${groupBy}`,
  );
}

/** The insights' anomaly series (getDailySeries) straight from the events: per host, mini-program and UTC day, unordered. */
export async function computeSeriesFromRaw(db: DbOrTx, scope: Scope, f: AnalyticsFilters, from: string, to: string) {
  return selectRows<{ hostId: string; appId: string; day: string; launches: number; activeUsers: number; errors: number }>(
    db,
    sql`SELECT e.host_id AS "hostId", e.app_id AS "appId", (e.ts AT TIME ZONE 'UTC')::date::text AS day,
        (count(*) FILTER (WHERE e.type = 'launch'))::float8 AS launches, count(DISTINCT e.user_id)::int AS "activeUsers",
        (count(*) FILTER (WHERE e.type = 'error'))::float8 AS errors
      FROM events e
      WHERE ${eventFilter("e", scope, f)} AND e.ts >= ${`${from}T00:00:00Z`}::timestamptz AND e.ts < ${`${from}T00:00:00Z`}::timestamptz + ${daysBetween(from, to) + 1}::int * ${H24}
      GROUP BY 1, 2, 3`,
  );
}
