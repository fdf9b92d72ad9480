// "Nothing was written": a digest of every row of every table, so an insert, an update or a delete anywhere
// (audit entries included) shows as a changed table, on PGlite and PostgreSQL alike.
import fs from "node:fs";
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { selectRows } from "@/lib/analytics/sql";

// Written on every authenticated read (at most once a minute): bookkeeping, not a change the request made.
const VOLATILE_COLUMNS = ["last_used_at"];

export type Fingerprint = Record<string, string>;

export async function tableNames(db: Db): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(
    db,
    sql`SELECT table_name::text AS name FROM information_schema.tables
        WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

/** One query: per table, its row count and an order-independent digest of its rows. */
export function fingerprinter(db: Db, tables: string[], blobRoot?: () => string) {
  const minus = VOLATILE_COLUMNS.map((c) => ` - '${c}'`).join("");
  const parts = tables.map((t) => {
    const row = `md5((to_jsonb(x)${minus})::text)`;
    return `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(${row}, ',' ORDER BY ${row})), '') AS h FROM "${t}" x`;
  });
  const query = sql.raw(parts.join(" UNION ALL "));
  return async (): Promise<Fingerprint> => {
    const rows = await selectRows<{ t: string; h: string }>(db, query);
    const out: Fingerprint = Object.fromEntries(rows.map((r) => [r.t, r.h]));
    // Package blobs are written before their version row; a refused upload must leave none behind.
    if (blobRoot) out["(blob files)"] = String(countFiles(blobRoot()));
    return out;
  };
}

function countFiles(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  // Temporary files (".tmp-…") are the store's own business until renamed into place.
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith(".")).length;
}

/** The tables whose digest differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}
