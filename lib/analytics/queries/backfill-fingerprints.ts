// Error events stored before events carried a fingerprint (issue 18's migration adds the column): compute it
// here (the rule is TypeScript, lib/analytics/fingerprint.ts, not SQL) and fold those events into the keyed
// rollups, in chunks, each chunk one statement so a crash leaves no event half-counted. Pages and custom events
// need no fingerprint: the migration folded them in itself. Runs at server start and before a rollup rebuild;
// with nothing left to do it is one probe of an empty partial index.
import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/db";
import { errorFingerprint } from "../fingerprint";
import { selectRows } from "../sql";
import { foldKeys } from "./insert-events";

const CHUNK = 1000;

/** Answers how many events got a fingerprint. `orgId`: one organization; without it, every organization. */
export async function backfillFingerprints(db: DbOrTx, orgId?: string): Promise<number> {
  let done = 0;
  for (;;) {
    const rows = await selectRows<{ orgId: string; hostId: string; id: string; message: string | null }>(
      db,
      sql`SELECT org_id AS "orgId", host_id AS "hostId", id, message FROM events
          WHERE type = 'error' AND fingerprint IS NULL ${orgId !== undefined ? sql`AND org_id = ${orgId}` : sql``}
          ORDER BY org_id, host_id, id LIMIT ${CHUNK}`,
    );
    if (rows.length === 0) return done;
    const byOrg = new Map<string, typeof rows>();
    for (const r of rows) (byOrg.get(r.orgId) ?? byOrg.set(r.orgId, []).get(r.orgId)!).push(r);
    for (const [org, list] of byOrg) {
      const payload = JSON.stringify(list.map((r) => ({ host_id: r.hostId, id: r.id, fingerprint: errorFingerprint(r.message) })));
      await db.execute(sql`
        WITH input AS (
          SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS x(host_id text, id text, fingerprint text)
        ),
        upd AS (
          UPDATE events e SET fingerprint = input.fingerprint FROM input
          WHERE e.org_id = ${org} AND e.host_id = input.host_id AND e.id = input.id AND e.fingerprint IS NULL
          RETURNING e.host_id, e.app_id, e.type, e.version, e.platform, e.user_id, e.ts, e.page, e.name, e.message, e.fingerprint,
            (e.ts AT TIME ZONE 'UTC')::date AS day
        ),
        ${foldKeys(org, sql`host_id`, sql`upd`)}
        SELECT 1`);
      done += list.length;
    }
  }
}
