// Issue 18's figures straight from the raw events, with none of the keyed rollups or their queries: error groups,
// pages, custom events and funnels. Tests hold the services to these (they must be equal); the benchmark times them
// as the baseline. Days are 24-hour ranges of timestamps, as in raw.ts. Funnels are computed in TypeScript over
// every event of the mini-program in the range: sessions split by splitSessions (the documented rule) and each
// session's reach found by trying every prefix of the steps as a subsequence (not the service's greedy walk).
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { daysBetween } from "./dates";
import { splitSessions, type FunnelStepDef } from "./funnel";
import { MAX_ERROR_GROUPS, MAX_KEYS } from "./keys-service";
import type { FunnelQuery, KeyedQuery } from "./params";
import { compareVersions } from "./service";
import { list, selectRows, type Scope } from "./sql";
import type { AnalyticsFilters, CustomEventStats, ErrorGroup, ErrorGroups, Funnel, PageStats } from "./types";

const H24 = sql.raw(`interval '24 hours'`);
const ISO = sql.raw(`'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`);

function filtersOf(q: KeyedQuery): AnalyticsFilters {
  const f: AnalyticsFilters = { appId: q.appId };
  if (q.hostId !== undefined) f.hostId = q.hostId;
  if (q.platform !== undefined) f.platform = q.platform;
  if (q.version !== undefined) f.version = q.version;
  return f;
}

function where(scope: Scope, f: AnalyticsFilters, q: { from: string; to: string }): SQL {
  const start = `${q.from}T00:00:00Z`;
  const span = daysBetween(q.from, q.to) + 1;
  const conds: SQL[] = [sql`e.org_id = ${scope.orgId}`, sql`e.ts >= ${start}::timestamptz`, sql`e.ts < ${start}::timestamptz + ${span}::int * ${H24}`];
  if (scope.appIds) conds.push(scope.appIds.length ? sql`e.app_id IN (${list(scope.appIds)})` : sql`false`);
  if (f.appId !== undefined) conds.push(sql`e.app_id = ${f.appId}`);
  if (f.hostId !== undefined) conds.push(sql`e.host_id = ${f.hostId}`);
  if (f.version !== undefined) conds.push(sql`e.version = ${f.version}`);
  if (f.platform !== undefined) conds.push(sql`e.platform = ${f.platform}`);
  return sql.join(conds, sql` AND `);
}

export async function computeErrorGroupsFromRaw(db: DbOrTx, scope: Scope, q: KeyedQuery): Promise<ErrorGroups> {
  const f = filtersOf(q);
  const w = where(scope, f, q);
  const groups = await selectRows<{ key: string; count: number; users: number; message: string | null; firstSeen: string; lastSeen: string; versions: string }>(
    db,
    sql`SELECT e.fingerprint AS key, count(*)::int AS count, count(DISTINCT e.user_id)::int AS users, min(e.message) AS message,
          to_char(min(e.ts) AT TIME ZONE 'UTC', ${ISO}) AS "firstSeen", to_char(max(e.ts) AT TIME ZONE 'UTC', ${ISO}) AS "lastSeen",
          json_agg(DISTINCT e.version)::text AS versions
        FROM events e WHERE ${w} AND e.type = 'error'
        GROUP BY e.fingerprint ORDER BY count DESC, users DESC, e.fingerprint COLLATE "C" LIMIT ${MAX_ERROR_GROUPS}`,
  );
  const start = `${q.from}T00:00:00Z`;
  const span = daysBetween(q.from, q.to) + 1;
  const perDay = await selectRows<{ key: string; day: string; count: number }>(
    db,
    sql`WITH d AS (SELECT (${q.from}::date + n)::text AS day, ${start}::timestamptz + n * ${H24} AS lo FROM generate_series(0, ${span - 1}::int) AS n)
        SELECT g.key, d.day, count(e.id)::int AS count
        FROM d CROSS JOIN (SELECT DISTINCT e.fingerprint AS key FROM events e WHERE ${w} AND e.type = 'error') g
        LEFT JOIN events e ON ${w} AND e.type = 'error' AND e.fingerprint = g.key AND e.ts >= d.lo AND e.ts < d.lo + ${H24}
        GROUP BY g.key, d.day ORDER BY d.day`,
  );
  const history =
    q.version === undefined
      ? []
      : await selectRows<{ key: string; version: string }>(
          db,
          sql`SELECT DISTINCT e.fingerprint AS key, e.version FROM events e
              WHERE e.org_id = ${scope.orgId} AND e.app_id = ${q.appId} AND e.type = 'error'`,
        );
  const items = groups.map((g): ErrorGroup => {
    const item: ErrorGroup = {
      fingerprint: g.key,
      message: g.message,
      count: g.count,
      users: g.users,
      firstSeen: g.firstSeen,
      lastSeen: g.lastSeen,
      versions: (JSON.parse(g.versions) as string[]).sort(compareVersions),
      days: perDay.filter((d) => d.key === g.key).map((d) => ({ day: d.day, count: d.count })),
    };
    if (q.version !== undefined) item.newInVersion = !history.some((h) => h.key === g.key && compareVersions(h.version, q.version!) < 0);
    return item;
  });
  return { from: q.from, to: q.to, filters: f, items };
}

async function keyCounts(db: DbOrTx, scope: Scope, q: KeyedQuery, type: "page_view" | "custom"): Promise<{ key: string; count: number; users: number }[]> {
  const col = sql.raw(type === "page_view" ? "e.page" : "e.name");
  return selectRows(
    db,
    sql`SELECT ${col} AS key, count(*)::int AS count, count(DISTINCT e.user_id)::int AS users
        FROM events e WHERE ${where(scope, filtersOf(q), q)} AND e.type = ${type} AND ${col} IS NOT NULL
        GROUP BY ${col} ORDER BY count DESC, users DESC, ${col} COLLATE "C" LIMIT ${MAX_KEYS}`,
  );
}

export async function computePagesFromRaw(db: DbOrTx, scope: Scope, q: KeyedQuery): Promise<PageStats> {
  const rows = await keyCounts(db, scope, q, "page_view");
  return { from: q.from, to: q.to, filters: filtersOf(q), items: rows.map((r) => ({ page: r.key, views: r.count, users: r.users })) };
}

export async function computeEventsFromRaw(db: DbOrTx, scope: Scope, q: KeyedQuery): Promise<CustomEventStats> {
  const rows = await keyCounts(db, scope, q, "custom");
  return { from: q.from, to: q.to, filters: filtersOf(q), items: rows.map((r) => ({ name: r.key, count: r.count, users: r.users })) };
}

/** Whether steps[0..n) occur in this order among the session's events (each event used once). */
function holdsPrefix(session: { type: string; page: string | null; name: string | null }[], steps: readonly FunnelStepDef[], n: number): boolean {
  let from = 0;
  for (let k = 0; k < n; k++) {
    const s = steps[k]!;
    const at = session.findIndex((e, i) => i >= from && (s.type === "page" ? e.type === "page_view" && e.page === s.value : e.type === "custom" && e.name === s.value));
    if (at < 0) return false;
    from = at + 1;
  }
  return true;
}

export async function computeFunnelFromRaw(db: DbOrTx, scope: Scope, q: FunnelQuery): Promise<Funnel> {
  const f: AnalyticsFilters = { appId: q.appId };
  if (q.hostId !== undefined) f.hostId = q.hostId;
  const events = await selectRows<{ hostId: string; userId: string; ts: number; id: string; type: string; page: string | null; name: string | null }>(
    db,
    sql`SELECT e.host_id AS "hostId", e.user_id AS "userId", (extract(epoch FROM e.ts) * 1000)::float8 AS ts, e.id, e.type, e.page, e.name
        FROM events e WHERE ${where(scope, f, q)}`,
  );
  const sessions = splitSessions(events);
  const counts = q.steps.map(() => ({ sessions: 0, users: new Set<string>() }));
  for (const s of sessions) {
    for (let n = 1; n <= q.steps.length && holdsPrefix(s, q.steps, n); n++) {
      counts[n - 1]!.sessions++;
      counts[n - 1]!.users.add(s[0]!.userId);
    }
  }
  const first = counts[0]!.sessions;
  const out: Funnel = {
    from: q.from,
    to: q.to,
    appId: q.appId,
    steps: q.steps.map((s, k) => ({ type: s.type, value: s.value, sessions: counts[k]!.sessions, users: counts[k]!.users.size, conversion: first > 0 ? counts[k]!.sessions / first : null })),
  };
  if (q.hostId !== undefined) out.hostId = q.hostId;
  return out;
}
