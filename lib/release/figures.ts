// A rollout's live figures (CONTRACT §8): launches, users, errors, error rate and average session per version of
// one mini-program on one host over a recent window, counted from the raw events (exact, as CONTRACT §7 wants).
// The guardrail decides on them and the assignment page compares the candidate with the stable version on them.
// The window is minutes to a day: the rollout figures read the mini-program's recent slice of `events_app_ts_idx`
// (org, app, ts), the guardrail only its candidate's launches and errors on one host, from `events_guard_idx`.
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { list, selectRows } from "@/lib/analytics/sql";

export type VersionFigures = {
  version: string;
  launches: number;
  users: number;
  errors: number;
  /** errors ÷ launches; null with no launches. */
  errorRate: number | null;
  sessions: number;
  /** Mean `durationMs` of `session_end` events; null with none. */
  avgSessionMs: number | null;
};

type Row = { version: string; launches: number; users: number; errors: number; sessions: number; session_ms: number };

export function emptyFigures(version: string): VersionFigures {
  return { version, launches: 0, users: 0, errors: 0, errorRate: null, sessions: 0, avgSessionMs: null };
}

/** Figures for each of `versions` (in that order) over [since, until). */
export async function versionFigures(
  db: DbOrTx,
  where: { orgId: string; hostId: string; appId: string },
  versions: string[],
  since: Date,
  until: Date,
): Promise<VersionFigures[]> {
  if (versions.length === 0) return [];
  const rows = await selectRows<Row>(
    db,
    sql`SELECT version,
          count(*) FILTER (WHERE type = 'launch')::int AS launches,
          count(DISTINCT user_id)::int AS users,
          count(*) FILTER (WHERE type = 'error')::int AS errors,
          count(*) FILTER (WHERE type = 'session_end')::int AS sessions,
          coalesce(sum(duration_ms) FILTER (WHERE type = 'session_end'), 0)::float8 AS session_ms
        FROM events
        WHERE org_id = ${where.orgId} AND ts >= ${since.toISOString()}::timestamptz AND ts < ${until.toISOString()}::timestamptz
          AND host_id = ${where.hostId} AND app_id = ${where.appId} AND version IN (${list(versions)})
        GROUP BY version`,
  );
  const byVersion = new Map(rows.map((r) => [r.version, r]));
  return versions.map((version) => {
    const r = byVersion.get(version);
    if (!r) return emptyFigures(version);
    return {
      version,
      launches: r.launches,
      users: r.users,
      errors: r.errors,
      errorRate: r.launches > 0 ? r.errors / r.launches : null,
      sessions: r.sessions,
      avgSessionMs: r.sessions > 0 ? Math.round(r.session_ms / r.sessions) : null,
    };
  });
}

/** One guarded candidate's window: its version's launches and errors on one host over [since, until). */
export type GuardrailWindow = { hostId: string; appId: string; version: string; since: Date };

/**
 * The statement of `guardrailCounts`: one row (i, launches, errors) per window that has any. LATERAL: each window is
 * its own range scan of events_guard_idx (org_id, app_id, host_id, version, ts; launches and errors only: the type
 * condition is its predicate), as its statement of its own was; a join would hash the organization's whole day of
 * events against the list instead.
 */
export function guardrailCountsQuery(orgId: string, windows: readonly GuardrailWindow[], until: Date): SQL {
  const values = sql.join(
    windows.map((w, i) => sql`(${i}::int, ${w.hostId}::text, ${w.appId}::text, ${w.version}::text, ${w.since.toISOString()}::timestamptz)`),
    sql`, `,
  );
  return sql`SELECT w.i, c.launches, c.errors
        FROM (VALUES ${values}) AS w(i, host_id, app_id, version, since)
        CROSS JOIN LATERAL (
          SELECT count(*) FILTER (WHERE e.type = 'launch')::int AS launches, count(*) FILTER (WHERE e.type = 'error')::int AS errors
          FROM events e
          WHERE e.org_id = ${orgId} AND e.app_id = w.app_id AND e.host_id = w.host_id AND e.version = w.version
            AND e.type IN ('launch', 'error') AND e.ts >= w.since AND e.ts < ${until.toISOString()}::timestamptz
        ) c`;
}

/**
 * Launches and errors of each window (in order) of one organization, in one statement: what a guardrail decides on.
 * The runner checks every guarded candidate every tick; one statement per candidate cost PGlite a few ms of planning
 * each, on its only thread (60 candidates: 100-150 ms a tick). The organization stays one value of the statement.
 */
export async function guardrailCounts(db: DbOrTx, orgId: string, windows: readonly GuardrailWindow[], until: Date): Promise<{ launches: number; errors: number }[]> {
  if (windows.length === 0) return [];
  const rows = await selectRows<{ i: number; launches: number; errors: number }>(db, guardrailCountsQuery(orgId, windows, until));
  const byIndex = new Map(rows.map((r) => [Number(r.i), r]));
  return windows.map((_, i) => {
    const r = byIndex.get(i);
    return { launches: r?.launches ?? 0, errors: r?.errors ?? 0 };
  });
}

/** CONTRACT §8: crossed when launches reach `minLaunches` and errors ÷ launches exceeds `maxErrorRate`. */
export function guardrailCrossed(g: { maxErrorRate: number; minLaunches: number }, f: { launches: number; errors: number }): boolean {
  return f.launches >= g.minLaunches && f.launches > 0 && f.errors / f.launches > g.maxErrorRate;
}

const pct = (x: number) => `${(x * 100).toFixed(2).replace(/\.?0+$/, "")}%`;

/** The halt's reason, with both figures: what was seen, and the ceiling it crossed. */
export function haltReasonOf(g: { maxErrorRate: number; minLaunches: number; windowMinutes: number }, f: { version: string; launches: number; errors: number }): string {
  return (
    `Error rate ${pct(f.errors / f.launches)} (${f.errors} errors in ${f.launches} launches of ${f.version} over the last ${g.windowMinutes} min) ` +
    `exceeded the guardrail's ${pct(g.maxErrorRate)} (minimum ${g.minLaunches} launches)`
  );
}
