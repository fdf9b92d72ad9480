// The server's PGlite on a thread of its own (db/pglite-worker.ts): the same answers, errors and transactions as
// PGlite in the caller's thread, and the caller's thread free while a statement runs.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "@/db";
import { pgliteDatabase, queryPrepared } from "@/db/pglite-prepared";
import { selectRows } from "@/lib/analytics/sql";

describe.skipIf(!!process.env.TEST_DATABASE_URL)("PGlite on its own thread", () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await openDatabase({ pgliteDir: "memory://", thread: true });
    await handle.db.execute(sql`CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, at timestamptz, doc jsonb, tags text[])`);
  }, 60_000);
  afterAll(async () => {
    await handle?.close();
  });

  it("answers rows with parameters, as PGlite in the caller's thread does", async () => {
    await handle.db.execute(sql`INSERT INTO t VALUES (${1}, ${"one"}, ${"2026-12-08T00:00:00Z"}, ${JSON.stringify({ a: [1, 2] })}::jsonb, ${"{x,y}"}::text[])`);
    const rows = await selectRows<{ id: number; name: string; at: string; doc: { a: number[] }; tags: string[]; n: string }>(
      handle.db,
      sql`SELECT id, name, at, doc, tags, count(*) OVER () AS n FROM t WHERE id = ${1}`,
    );
    // Timestamps as PostgreSQL's text (drizzle's parsers), jsonb and arrays parsed, bigint as text.
    expect(rows).toEqual([{ id: 1, name: "one", at: "2026-12-08 00:00:00+00", doc: { a: [1, 2] }, tags: ["x", "y"], n: 1 }]);
  });

  it("passes PostgreSQL's error fields through, and leaves nothing of a failed transaction", async () => {
    const err = await handle.db.execute(sql`INSERT INTO t (id, name) VALUES (1, 'again')`).catch((e: unknown) => e);
    const cause = (err as { cause?: { code?: string; constraint?: string } }).cause ?? (err as { code?: string; constraint?: string });
    expect(cause.code).toBe("23505");
    expect(cause.constraint).toBe("t_pkey");
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO t (id, name) VALUES (2, 'two')`);
        await tx.execute(sql`INSERT INTO t (id, name) VALUES (1, 'clash')`);
      }),
    ).rejects.toThrow();
    const after = await selectRows<{ ids: number[] }>(handle.db, sql`SELECT array_agg(id ORDER BY id) AS ids FROM t`);
    expect(after[0]?.ids).toEqual([1]);
    // And the connection is usable after it.
    await handle.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO t (id, name) VALUES (3, 'three')`);
    });
    const [row] = await selectRows<{ c: number }>(handle.db, sql`SELECT count(*)::int AS c FROM t`);
    expect(row?.c).toBe(2);
  });

  it("runs statements from many callers at once one at a time, each in or out of its transaction", async () => {
    const writes = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? handle.db.transaction(async (tx) => {
            await tx.execute(sql`INSERT INTO t (id, name) VALUES (${100 + i}, ${"a"})`);
            await tx.execute(sql`UPDATE t SET name = 'b' WHERE id = ${100 + i}`);
          })
        : handle.db.execute(sql`INSERT INTO t (id, name) VALUES (${100 + i}, ${"c"})`),
    );
    await Promise.all(writes);
    const [row] = await selectRows<{ a: number; b: number; c: number }>(
      handle.db,
      sql`SELECT count(*) FILTER (WHERE name = 'a')::int AS a, count(*) FILTER (WHERE name = 'b')::int AS b, count(*) FILTER (WHERE name = 'c')::int AS c FROM t WHERE id >= 100`,
    );
    expect(row).toEqual({ a: 0, b: 10, c: 30 });
  });

  it("runs named prepared statements (ingestion's path)", async () => {
    const pg = pgliteDatabase((handle.db as unknown as { $client: unknown }).$client)!;
    expect(pg).toBeDefined();
    for (let i = 0; i < 3; i++) {
      const rows = await queryPrepared<{ name: string }>(pg, "SELECT name FROM t WHERE id = $1", [String(100 + i)]);
      expect(rows).toEqual([{ name: i === 0 ? "b" : "c" }]);
    }
  });

  it("runs a page's statement before ingestion's sent earlier, never ahead of a transaction, and ingestion's in the end", async () => {
    const pg = pgliteDatabase((handle.db as unknown as { $client: unknown }).$client)!;
    const done: string[] = [];
    const track = <T>(name: string, p: Promise<T>) => p.then(() => void done.push(name));
    // The first background statement is running when the others arrive; the second waits in the queue.
    const bg = (name: string) => track(name, queryPrepared(pg, `SELECT pg_sleep(0.15), $1::text AS n`, [name], { background: true }));
    const running = () => new Promise((resolve) => setTimeout(resolve, 50));
    const first = bg("bg1");
    await running();
    const second = bg("bg2");
    const page = track("page", handle.db.execute(sql`SELECT 1`));
    await Promise.all([first, second, page]);
    // Sent after the second, done before it (and after the first, unless the first had not started when it came).
    expect(done.indexOf("page")).toBeLessThan(done.indexOf("bg2"));

    // A transaction's statements run in the order sent: a background statement sent before it stays before it.
    done.length = 0;
    const ahead = bg("bg1");
    await running();
    const before = bg("bg");
    const tx = track("tx", handle.db.transaction(async (t) => void (await t.execute(sql`SELECT 1`))));
    await Promise.all([ahead, before, tx]);
    expect(done).toEqual(["bg1", "bg", "tx"]);

    // Overtaken at most 16 times in a row: a stream of pages does not starve ingestion.
    done.length = 0;
    const busy = bg("bg1");
    await running();
    const waiting = bg("bg2");
    const pages = Array.from({ length: 40 }, (_, i) => track(`page${i}`, handle.db.execute(sql`SELECT ${i}::int`)));
    await Promise.all([busy, waiting, ...pages]);
    // After 16 pages (33rd, behind 16 more, if the first had not started either): not last, as without the bound.
    expect(done.indexOf("bg2")).toBeGreaterThanOrEqual(17);
    expect(done.indexOf("bg2")).toBeLessThanOrEqual(33);
  });

  it("leaves the caller's thread free while a statement runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      await handle.db.execute(sql`SELECT pg_sleep(0.4)`);
    } finally {
      clearInterval(timer);
    }
    // In the caller's thread the statement holds it: no timer fires until it ends.
    expect(ticks).toBeGreaterThanOrEqual(15);
  });
});
