// Planner statistics for the analytics tables, kept fresh by the ingest path itself. Embedded PGlite has no
// autovacuum at all, and PostgreSQL's analyzes a busy table only after a minute or more: in between, a table
// that grew from nothing still "looks" empty, and the planner picks nested loops that turn a few-millisecond
// retention query into seconds (measured: 8 ms analyzed, 8,073 ms with the statistics of an empty table, at
// 6,000 users). So after every batch the server counts what it stored, and once the tables have grown by a
// share of their size since the last ANALYZE it runs one in the background: never two at once, never more
// often than every few seconds, and never on the request's own time.
import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { selectRows } from "./sql";

export const ANALYTICS_TABLES = ["events", "daily_stats", "daily_users", "first_launches"] as const;

export type AutoAnalyzeOptions = {
  /** Runs ANALYZE and answers the events table's row count after it. */
  run: () => Promise<number>;
  now?: () => number;
  /** Rows stored since the last ANALYZE before another is due, at least… */
  minRows?: number;
  /** …and at least this share of the table's size at the last ANALYZE. */
  growth?: number;
  minIntervalMs?: number;
};

export type AutoAnalyze = {
  /** Notes rows stored; starts an ANALYZE when one is due. Never throws, never waits. */
  noteStored(rows: number): void;
  /** Runs one now (at start-up), whatever the counters say. */
  runNow(): Promise<void>;
  readonly state: { pending: number; baseline: number; running: boolean; runs: number };
};

export function createAutoAnalyze(opts: AutoAnalyzeOptions): AutoAnalyze {
  const now = opts.now ?? Date.now;
  const minRows = opts.minRows ?? 5_000;
  const growth = opts.growth ?? 0.2;
  const minIntervalMs = opts.minIntervalMs ?? 10_000;
  const state = { pending: 0, baseline: 0, running: false, runs: 0, lastAt: -Infinity };

  async function run(): Promise<void> {
    state.running = true;
    const counted = state.pending;
    try {
      state.baseline = await opts.run();
      state.pending -= counted;
      state.runs++;
    } catch (e) {
      console.error("[atrium] ANALYZE of the analytics tables failed; it is tried again after more events", e);
    } finally {
      state.lastAt = now();
      state.running = false;
    }
  }

  return {
    state,
    noteStored(rows) {
      if (rows <= 0) return;
      state.pending += rows;
      const due = state.pending >= Math.max(minRows, state.baseline * growth) && now() - state.lastAt >= minIntervalMs;
      if (due && !state.running) void run();
    },
    runNow: run,
  };
}

export async function analyzeAnalyticsTables(): Promise<number> {
  const db = await getDb();
  await db.execute(sql.raw(`ANALYZE ${ANALYTICS_TABLES.join(", ")}`));
  const [row] = await selectRows<{ n: number }>(db, sql`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE relname = 'events' AND relkind IN ('r', 'p')`);
  return row?.n ?? 0;
}

const g = globalThis as typeof globalThis & { __atriumAutoAnalyze?: AutoAnalyze };

/** The server's one instance. */
export function autoAnalyze(): AutoAnalyze {
  g.__atriumAutoAnalyze ??= createAutoAnalyze({ run: analyzeAnalyticsTables });
  return g.__atriumAutoAnalyze;
}
