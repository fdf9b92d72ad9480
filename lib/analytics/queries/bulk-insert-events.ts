// Raw events in bulk (demo history, benchmark loads), without touching the rollups: the caller rebuilds
// them set-based afterwards (rebuild-rollups.ts), which is far cheaper than folding in row by row.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import type { EventType, Platform } from "@/db/schema";
import { selectRows } from "../sql";
import { eventColumns } from "./insert-events";

export type BulkEvent = {
  hostId: string;
  id: string;
  type: EventType;
  appId: string;
  version: string;
  userId: string;
  platform: Platform;
  /** ISO 8601 in UTC. */
  ts: string;
  durationMs?: number | null;
  page?: string | null;
  name?: string | null;
  message?: string | null;
};

/** One statement per chunk; the chunk travels as one JSON parameter. Answers how many rows were new. */
export async function bulkInsertEvents(db: DbOrTx, orgId: string, chunk: BulkEvent[]): Promise<number> {
  if (chunk.length === 0) return 0;
  const payload = JSON.stringify(
    chunk.map((e) => ({ host_id: e.hostId, ...eventColumns(e) })),
  );
  const rows = await selectRows<{ n: number }>(
    db,
    sql`
    WITH ins AS (
      INSERT INTO events (org_id, host_id, id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message, fingerprint)
      SELECT ${orgId}, host_id, id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message, fingerprint
      FROM jsonb_to_recordset(${payload}::jsonb) AS x(
        host_id text, id text, type text, app_id text, version text, user_id text, platform text, ts timestamptz,
        duration_ms integer, page text, name text, message text, fingerprint text)
      ON CONFLICT DO NOTHING
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM ins`,
  );
  return rows[0]?.n ?? 0;
}
