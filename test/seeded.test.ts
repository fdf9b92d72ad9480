// The run's seeded template (test/global-setup.ts) stands in for seeding in each file: a copy must hold what a
// file's own seed would write, table by table, and its package blobs; and what a module cached from one test
// database must not outlive the swap to the next, whose ids are the same.
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { seedDemo } from "@/db/seed";
import { setDbHandleForTests, type Db } from "@/db";
import { getBlobStore } from "@/lib/blobs";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { selectRows } from "@/lib/analytics/sql";
import { createManifestCache, getManifestCache, setManifestCacheForTests } from "@/lib/sdk-server/snapshot";
import { createTestDb } from "./db";
import { tableNames } from "./hostile/fingerprint";
import { SEED_OPTIONS } from "./seed-options";
import { useSeededDb } from "./seeded";

withTempBlobStore();
const s = useSeededDb();

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await tableNames(db)) {
    out[t] = (await selectRows<{ n: number }>(db, sql.raw(`SELECT count(*)::int AS n FROM "${t}"`)))[0]!.n;
  }
  return out;
}

describe("a file's seeded database", () => {
  const fresh = createTestDb();
  afterAll(async () => (await fresh).close());

  it("has the seed's package blobs in the file's blob store", async () => {
    // First: the next test seeds into the same store.
    const shas = await selectRows<{ sha: string }>(s.db, sql`SELECT DISTINCT sha256 AS sha FROM versions`);
    expect(shas.length).toBeGreaterThan(10);
    for (const { sha } of shas) expect(await getBlobStore().get(sha), sha).not.toBeNull();
  });

  it("holds, table by table, what seeding a migrated database writes", async () => {
    const own = await fresh;
    const seed = await seedDemo(own.db, SEED_OPTIONS);
    expect(Object.keys(seed.users).sort()).toEqual(Object.keys(s.seed.users).sort());
    const [copy, seeded] = [await rowCounts(s.db), await rowCounts(own.db)];
    // The same tables written; the same rows, but for the usage history, which is random (db/seed-events.ts).
    const written = (counts: Record<string, number>) => Object.keys(counts).filter((t) => counts[t]! > 0);
    expect(written(copy)).toEqual(written(seeded));
    const history = /^(events|daily_|weekly_|first_launches$|org_users$)/;
    const settled = (counts: Record<string, number>) => Object.entries(counts).filter(([t]) => !history.test(t));
    expect(settled(copy)).toEqual(settled(seeded));
    expect(copy.events).toBeGreaterThan(1000);
  });
});

describe("another test database", () => {
  it("starts the process's manifest cache afresh, and keeps one a test installed", async () => {
    const before = getManifestCache();
    setDbHandleForTests(undefined);
    const after = getManifestCache();
    expect(after).not.toBe(before);
    const own = createManifestCache();
    setManifestCacheForTests(own);
    setDbHandleForTests(undefined);
    expect(getManifestCache()).toBe(own);
    setManifestCacheForTests(undefined);
  });
});
