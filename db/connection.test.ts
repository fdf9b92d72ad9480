// How the console's PostgreSQL connections are set up (db/index.ts).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { selectRows } from "@/lib/analytics/sql";
import { useTestDb } from "@/test/db";

const box = useTestDb();

describe("database connections", () => {
  // PGlite has no JIT provider; on PostgreSQL a mis-estimated plan once spent 1.3 s compiling a 180 ms read.
  it.skipIf(!process.env.TEST_DATABASE_URL)("run without JIT compilation on PostgreSQL", async () => {
    const [row] = await selectRows<{ jit: string }>(box.handle.db, sql`SELECT current_setting('jit') AS jit`);
    expect(row?.jit).toBe("off");
  });
});

describe("PGlite statements", () => {
  // PGlite runs in the server's thread. Statements queued together used to run back to back, handed over in
  // microtasks, so a page's shell waited unsent for every query its streamed cards had queued (db/pglite-turns.ts).
  it.skipIf(!!process.env.TEST_DATABASE_URL)("give the event loop a turn between queued statements", async () => {
    const db = box.handle.db;
    const order: string[] = [];
    const first = db.execute(sql`SELECT 1`).then(() => {
      order.push("first");
      setImmediate(() => order.push("turn"));
    });
    const second = db.execute(sql`SELECT 2`).then(() => order.push("second"));
    const third = db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 3`);
      order.push("transaction");
    });
    await Promise.all([first, second, third]);
    expect(order).toEqual(["first", "turn", "second", "transaction"]);
  });
});
