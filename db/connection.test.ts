// How the console's PostgreSQL connections are set up (db/index.ts).
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase, pgliteSharedBuffers } from "@/db";
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

describe("PGlite's shared buffers", () => {
  it("default to 512MB, and PGLITE_SHARED_BUFFERS sets them, given as PostgreSQL writes a size", () => {
    expect(pgliteSharedBuffers(undefined)).toBe("512MB");
    expect(pgliteSharedBuffers("")).toBe("512MB");
    expect(pgliteSharedBuffers("256MB")).toBe("256MB");
    expect(pgliteSharedBuffers(" 1GB ")).toBe("1GB");
    expect(pgliteSharedBuffers("128kB")).toBe("128kB");
    for (const bad of ["512", "512mb", "3GB", "64kB", "1.5GB", "-1MB", "shared_buffers=1GB", "512MB -c fsync=on"]) {
      expect(() => pgliteSharedBuffers(bad), bad).toThrow(/PGLITE_SHARED_BUFFERS/);
    }
  });

  it.skipIf(!!process.env.TEST_DATABASE_URL)("are what the embedded database starts with", async () => {
    const before = process.env.PGLITE_SHARED_BUFFERS;
    process.env.PGLITE_SHARED_BUFFERS = "2MB";
    try {
      const handle = await openDatabase({ pgliteDir: "memory://" });
      try {
        const [row] = await selectRows<{ sb: string }>(handle.db, sql`SELECT current_setting('shared_buffers') AS sb`);
        expect(row?.sb).toBe("2MB");
      } finally {
        await handle.close();
      }
    } finally {
      if (before === undefined) delete process.env.PGLITE_SHARED_BUFFERS;
      else process.env.PGLITE_SHARED_BUFFERS = before;
    }
  }, 60_000);
});
