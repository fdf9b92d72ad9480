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
