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

/**
 * One query: per table, its row count and a mark that moves on any write. For most tables that mark is the
 * newest row version's transaction id (`max(xmin)`): an insert or an update writes a row version with the
 * writing transaction's id, newer than every earlier one, and a delete lowers the count; rolled-back writes
 * leave neither. It reads no row's contents, so it costs a few milliseconds where an md5 of every row cost
 * about 9 (2,700 digests per run of the hostile-input suite). Tables with a volatile column keep a digest of
 * their rows without it: a touched `last_used_at` is not a change the request made.
 */
export function fingerprinter(db: Db, tables: string[], blobRoot?: () => string) {
  let query: ReturnType<typeof sql> | undefined;
  const build = async () => {
    const volatile = new Set(
      (
        await selectRows<{ name: string }>(
          db,
          sql`SELECT DISTINCT table_name::text AS name FROM information_schema.columns
              WHERE table_schema = current_schema() AND column_name IN ${VOLATILE_COLUMNS}`,
        )
      ).map((r) => r.name),
    );
    const minus = VOLATILE_COLUMNS.map((c) => ` - '${c}'`).join("");
    const parts = tables.map((t) => {
      if (!volatile.has(t)) {
        return `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(max(xmin::text::bigint)::text, '') AS h FROM "${t}" x`;
      }
      const row = `md5((to_jsonb(x)${minus})::text)`;
      return `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(${row}, ',' ORDER BY ${row})), '') AS h FROM "${t}" x`;
    });
    // Inside a PL/pgSQL function, whose plan each connection keeps after the first call: planning the union of
    // 46 tables took most of the 8.6 ms a digest cost on PGlite; the function's call costs about 2.
    await db.execute(
      sql.raw(`CREATE OR REPLACE FUNCTION atrium_test_fingerprint() RETURNS TABLE(tbl text, digest text) LANGUAGE plpgsql AS $fp$
               BEGIN RETURN QUERY ${parts.join(" UNION ALL ")}; END $fp$`),
    );
    return sql`SELECT tbl AS t, digest AS h FROM atrium_test_fingerprint()`;
  };
  return async (): Promise<Fingerprint> => {
    query ??= await build();
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
