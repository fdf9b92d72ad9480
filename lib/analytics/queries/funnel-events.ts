// The funnel's one read of raw events: sessions need every event's order and gaps, which no daily rollup keeps.
// Bounded by one mini-program and the range (read through events_app_ts_idx: org, app, ts), sessions are numbered
// in SQL with the rule of lib/analytics/funnel.ts (gap over 30 minutes, or after a session_end), and only the events
// that match a step come back, in session order. Every event of the range is read, whatever its type: any event
// keeps a session alive (the 30-minute gap) and a session_end closes one, so skipping kinds would change sessions.
// Session numbers rise with (ts, id) within a user, so the window's own order is already session order: sorting by
// it (not by the computed number) lets the planner skip a final sort.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { SESSION_GAP_MS, type FunnelStepDef } from "../funnel";
import { list, selectRows, type Scope } from "../sql";

export type FunnelEventRow = { hostId: string; userId: string; session: number; type: string; page: string | null; name: string | null };

export async function getFunnelEvents(
  db: DbOrTx,
  scope: Scope,
  q: { appId: string; hostId?: string; from: string; to: string },
  steps: readonly FunnelStepDef[],
): Promise<FunnelEventRow[]> {
  const pages = [...new Set(steps.filter((s) => s.type === "page").map((s) => s.value))];
  const names = [...new Set(steps.filter((s) => s.type === "event").map((s) => s.value))];
  const match = sql.join(
    [
      pages.length ? sql`(type = 'page_view' AND page IN (${list(pages)}))` : sql`false`,
      names.length ? sql`(type = 'custom' AND name IN (${list(names)}))` : sql`false`,
    ],
    sql` OR `,
  );
  const gap = sql.raw(`interval '${SESSION_GAP_MS / 1000} seconds'`);
  return selectRows<FunnelEventRow>(
    db,
    sql`
    WITH e AS (
      SELECT host_id, user_id, ts, id, type, page, name FROM events
      WHERE org_id = ${scope.orgId} AND app_id = ${q.appId}
        ${scope.appIds ? (scope.appIds.length ? sql`AND app_id IN (${list(scope.appIds)})` : sql`AND false`) : sql``}
        ${q.hostId !== undefined ? sql`AND host_id = ${q.hostId}` : sql``}
        AND ts >= ${`${q.from}T00:00:00Z`}::timestamptz AND ts < ${`${q.to}T00:00:00Z`}::timestamptz + interval '1 day'
    ),
    marked AS (
      SELECT *, CASE
          WHEN lag(ts) OVER w IS NULL OR ts - lag(ts) OVER w > ${gap} OR lag(type) OVER w = 'session_end' THEN 1
          ELSE 0 END AS starts
      FROM e WINDOW w AS (PARTITION BY host_id, user_id ORDER BY ts, id COLLATE "C")
    ),
    numbered AS (
      SELECT *, sum(starts) OVER (PARTITION BY host_id, user_id ORDER BY ts, id COLLATE "C") AS session FROM marked
    )
    SELECT host_id AS "hostId", user_id AS "userId", session::int AS session, type, page, name FROM numbered
    WHERE ${match}
    ORDER BY host_id, user_id, ts, id COLLATE "C"`,
  );
}
