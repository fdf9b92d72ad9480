// The funnel's one read of raw events: sessions need every event's order and gaps, which no daily rollup keeps.
// Bounded by one mini-program and the range (read through events_app_ts_idx: org, app, ts), sessions are numbered
// in SQL with the rule of lib/analytics/funnel.ts (gap over 30 minutes, or after a session_end), and only the events
// that match a step come back, in session order. Every event of the range is read, whatever its type: any event
// keeps a session alive (the 30-minute gap) and a session_end closes one, so skipping kinds would change sessions.
//
// The cost is one sort of the range's events by user and time (the busiest bench mini-program: 635 k events in 90
// days) and one window over them, so both are made cheap:
// - the sorted rows are narrow: each event's step is reduced in the scan to a small number (which of the steps'
//   distinct pairs it matches, 0 for none) and a flag for session_end, instead of carrying type, page and name;
// - the first sort key is a 64-bit hash of the user (then host, user, ts, id), so almost every comparison is one
//   integer compare instead of two string compares of ids sharing their prefix; equal hashes fall through to the
//   ids, so a collision changes nothing;
// - the sort runs in memory: work_mem is raised for this one statement's transaction (SET LOCAL), since at 4 MB it
//   spilled 100 MB to disk (an external merge, twice as slow);
// - sessions are not numbered in SQL (a second window over every event): the rows say where each session starts,
//   and a (host, user)'s first event always starts one. What comes back is every event that matches a step or
//   starts a session, in session order; the user comes only on a session's first row.
// Measured in psql on the 10 M-event bench database (docs/benchmarks.md): 3.2–3.6 s before, 1.8–2.3 s after.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { SESSION_GAP_MS, stepPairs, type FunnelStepDef } from "../funnel";
import { list, selectRows, type Scope } from "../sql";

/**
 * An event that starts a session (`userId` set, else null) or matches a step (`match`: the 1-based index of the pair
 * it matches in stepPairs(steps).pairs, else 0), or both; in order, so a session is a start row and the rows up to
 * the next.
 */
export type FunnelEventRow = { userId: string | null; match: number };

/** Memory for the one sort: enough for about 800 k events in memory; a bigger range spills to disk, as before. */
const SORT_MEMORY = "128MB";

export async function getFunnelEvents(
  db: DbOrTx,
  scope: Scope,
  q: { appId: string; hostId?: string; from: string; to: string },
  steps: readonly FunnelStepDef[],
): Promise<FunnelEventRow[]> {
  const { pairs } = stepPairs(steps);
  const match = sql.join(
    pairs.map((p, i) =>
      p.type === "page" ? sql`WHEN type = 'page_view' AND page = ${p.value} THEN ${sql.raw(String(i + 1))}` : sql`WHEN type = 'custom' AND name = ${p.value} THEN ${sql.raw(String(i + 1))}`,
    ),
    sql` `,
  );
  const gap = sql.raw(`interval '${SESSION_GAP_MS / 1000} seconds'`);
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL work_mem = '${SORT_MEMORY}'`));
    return selectRows<FunnelEventRow>(
      tx,
      sql`
      WITH e AS (
        SELECT hashtextextended(user_id, 0) AS h, host_id, user_id, ts, id, type = 'session_end' AS ends,
          CASE ${match} ELSE 0 END AS m
        FROM events
        WHERE org_id = ${scope.orgId} AND app_id = ${q.appId}
          ${scope.appIds ? (scope.appIds.length ? sql`AND app_id IN (${list(scope.appIds)})` : sql`AND false`) : sql``}
          ${q.hostId !== undefined ? sql`AND host_id = ${q.hostId}` : sql``}
          AND ts >= ${`${q.from}T00:00:00Z`}::timestamptz AND ts < ${`${q.to}T00:00:00Z`}::timestamptz + interval '1 day'
      ),
      marked AS (
        SELECT h, host_id, user_id, ts, id, m,
          CASE WHEN ts - lag(ts) OVER w <= ${gap} AND NOT lag(ends) OVER w THEN false ELSE true END AS starts
        FROM e WINDOW w AS (PARTITION BY h, host_id, user_id ORDER BY ts, id COLLATE "C" ROWS UNBOUNDED PRECEDING)
      )
      SELECT CASE WHEN starts THEN user_id END AS "userId", m AS "match" FROM marked
      WHERE m > 0 OR starts
      ORDER BY h, host_id, user_id, ts, id COLLATE "C"`,
    );
  });
}
