// POST /api/sdk/v1/events as a specification (CONTRACT §6), through the real route and the reference SDK
// client: what is kept, what is refused and why, idempotency, the limits, and all-or-nothing on failure.
import { sql } from "drizzle-orm";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { POST as eventsPOST } from "@/app/api/sdk/v1/events/route";
import { openDatabase, type Db } from "@/db";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { signRequest } from "@/lib/sdk/signing";
import { createSdkVerifier, setSdkVerifierForTests } from "@/lib/sdk-server/verify";
import { AtriumSdkClient } from "@/sdk-client";
import { useSeededDb } from "@/test/seeded";
import { addDays, utcDay } from "./dates";
import { ingestEvents } from "./ingest";
import { computeOverviewFromRaw } from "./raw";
import { getOverview } from "./service";
import { selectRows } from "./sql";
import { body, eventId } from "./testing";

withTempBlobStore();
const s = useSeededDb();
const BASE = "http://atrium.test";
const PATH = "/api/sdk/v1/events";
const KEY = "ak_test_key";
const SECRET = "sk_test_secret";
// The seeded "Demo SuperApp" runs Coupons, Parking and Expenses; Weather is assigned nowhere.
const APP = "com.demo.coupons";
const UNASSIGNED = "com.demo.weather";

const clock = Date.now();
beforeAll(() => setSdkVerifierForTests(createSdkVerifier({ now: () => clock, ratePerSecond: 0 })));
afterAll(() => setSdkVerifierForTests(undefined));

const callRoute = (input: RequestInfo | URL, init?: RequestInit) =>
  eventsPOST(new NextRequest(input instanceof Request ? input : new Request(input, init)), { params: Promise.resolve({}) });

const sdk = () => new AtriumSdkClient({ baseUrl: BASE, sdkKey: KEY, sdkSecret: SECRET, now: () => clock, fetch: callRoute, sleep: async () => {} });

/** A signed POST of exactly these bytes, for what the reference client would never send. */
function post(bytes: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
  const timestamp = String(Math.floor(clock / 1000));
  const signature = signRequest({ secret: SECRET, method: "POST", pathWithQuery: PATH, body: bytes, timestamp });
  return callRoute(`${BASE}${PATH}`, {
    method: "POST",
    body: typeof bytes === "string" ? bytes : Buffer.from(bytes),
    headers: { "content-type": "application/json", "x-mp-key": KEY, "x-mp-timestamp": timestamp, "x-mp-signature": signature, ...headers },
  });
}

const event = (patch: Record<string, unknown> = {}) => ({
  id: eventId(),
  type: "launch",
  appId: APP,
  version: "1.0.0",
  userId: "u-ingest",
  ts: clock - 60_000,
  platform: "ios",
  ...patch,
});

async function stored(ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await selectRows<{ n: number }>(s.db, sql`SELECT count(*)::int AS n FROM events WHERE id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`);
  return rows[0]!.n;
}

const today = () => utcDay(clock);
const overview = async (q: Record<string, string> = {}) => getOverview(await s.as("admin"), { from: addDays(today(), -6), to: today(), ...q }, { now: clock });

describe("a batch from the reference client", () => {
  it("is accepted with 202 and shows in the figures at once", async () => {
    const before = await overview({ appId: APP });
    const client = sdk();
    client.track({ type: "launch", appId: APP, version: "1.0.0", userId: "u-fresh-1", platform: "android" });
    client.track({ type: "page_view", appId: APP, version: "1.0.0", userId: "u-fresh-1", platform: "android", page: "pages/index/index" });
    client.track({ type: "session_end", appId: APP, version: "1.0.0", userId: "u-fresh-1", platform: "android", durationMs: 42_000 });
    client.track({ type: "error", appId: APP, version: "1.0.0", userId: "u-fresh-1", platform: "android", message: "boom" });
    const result = await client.flush();
    expect(result).toMatchObject({ accepted: 4, duplicates: 0, rejected: [], gaveUp: false, error: null });
    const after = await overview({ appId: APP });
    expect(after.totals.launches).toBe(before.totals.launches + 1);
    expect(after.totals.sessions).toBe(before.totals.sessions + 1);
    expect(after.totals.errors).toBe(before.totals.errors + 1);
    expect(after.totals.activeUsers).toBe(before.totals.activeUsers + 1);
  });

  it("answers the contract's shape", async () => {
    const res = await post(JSON.stringify({ events: [event(), event({ appId: UNASSIGNED }), { nope: true }] }));
    expect(res.status).toBe(202);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 1, code: "not_assigned", message: expect.stringContaining(UNASSIGNED) },
        { index: 2, code: "invalid_event", message: expect.any(String) },
      ],
    });
  });
});

describe("each event on its own", () => {
  it("keeps the good ones and lists each bad one with its index and code", async () => {
    const batch = [
      event(),
      event({ appId: UNASSIGNED }),
      event({ ts: clock - 8 * 86_400_000 }),
      event({ ts: clock + 600_000 }),
      event({ type: "session_end" }),
      event({ id: "not valid!" }),
      event({ type: "session_end", durationMs: 1000 }),
    ];
    const res = await ingestEvents(s.db, { orgId: s.seed.orgs.demo!, id: s.seed.firstHost!.id }, body(batch), clock);
    expect(res.accepted).toBe(2);
    expect(res.rejected.map((r) => [r.index, r.code])).toEqual([
      [1, "not_assigned"],
      [2, "stale_timestamp"],
      [3, "future_timestamp"],
      [4, "invalid_event"],
      [5, "invalid_event"],
    ]);
    expect(await stored(batch.map((e) => e.id))).toBe(2);
  });

  it("refuses an app assigned only to another host as not_assigned", async () => {
    // Loyalty runs on the Wallet host, not on the SuperApp.
    const res = await post(JSON.stringify({ events: [event({ appId: "com.demo.loyalty" })] }));
    expect((await res.json()).rejected).toEqual([{ index: 0, code: "not_assigned", message: expect.any(String) }]);
  });
});

describe("idempotency by (host, id)", () => {
  it("counts a resent batch as duplicates and the figures do not move", async () => {
    const batch = [event(), event({ type: "session_end", durationMs: 5000 }), event({ type: "error", message: "x" }), event({ userId: "u-idem" })];
    const first = await post(JSON.stringify({ events: batch }));
    expect(await first.json()).toEqual({ accepted: 4, duplicates: 0, rejected: [] });
    const figures = await overview();
    const again = await post(JSON.stringify({ events: batch }));
    expect(await again.json()).toEqual({ accepted: 0, duplicates: 4, rejected: [] });
    expect(await overview()).toEqual(figures);
  });

  it("counts a repeated id within one batch as a duplicate", async () => {
    const e = event();
    const res = await post(JSON.stringify({ events: [e, e, { ...e, userId: "someone-else" }] }));
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 2, rejected: [] });
  });

  it("keeps the first of a repeated id, and a refused event does not take the id from a later good one", async () => {
    const id = eventId();
    const batch = [
      event({ id, appId: UNASSIGNED, userId: "u-first-refused" }),
      event({ id, userId: "u-first-kept" }),
      event({ id, userId: "u-second" }),
    ];
    const res = await post(JSON.stringify({ events: batch }));
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 1, rejected: [{ index: 0, code: "not_assigned", message: expect.any(String) }] });
    const rows = await selectRows<{ userId: string }>(s.db, sql`SELECT user_id AS "userId" FROM events WHERE id = ${id}`);
    expect(rows).toEqual([{ userId: "u-first-kept" }]);
  });

  it("retries by the client after a lost answer never double-count", async () => {
    let calls = 0;
    // The first answer is lost on the way back: the client must resend the very same ids.
    const flaky = async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await callRoute(input, init);
      if (++calls === 1) throw new TypeError("connection reset");
      return res;
    };
    const client = new AtriumSdkClient({ baseUrl: BASE, sdkKey: KEY, sdkSecret: SECRET, now: () => clock, fetch: flaky, sleep: async () => {} });
    const before = await overview();
    const ids = [0, 1, 2].map(() => client.track({ type: "launch", appId: APP, version: "1.0.0", userId: "u-retry", platform: "web" }));
    const result = await client.flush();
    expect(result).toMatchObject({ accepted: 0, duplicates: 3, rejected: [] });
    expect(await stored(ids)).toBe(3);
    expect((await overview()).totals.launches).toBe(before.totals.launches + 3);
  });
});

describe("concurrent batches", () => {
  it("count each event once when retries race their originals", async () => {
    const orgId = s.seed.orgs.demo!;
    const hostId = s.seed.firstHost!.id;
    const users = ["u-race-1", "u-race-2", "u-race-3"];
    const batches = Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: 60 }, (_, i) => event({ userId: users[(b + i) % 3], type: i % 3 === 0 ? "launch" : "page_view" })),
    );
    // Each batch goes out twice at once, as a client does when its first attempt seems lost.
    const results = await Promise.all([...batches, ...batches].map((b) => ingestEvents(s.db, { orgId, id: hostId }, body(b), clock)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(360);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(360);
    const admin = await s.as("admin");
    const q = { from: addDays(today(), -6), to: today() };
    expect(await getOverview(admin, q, { now: clock })).toEqual(await computeOverviewFromRaw(s.db, { orgId, appIds: null }, q, { now: clock }));
  });
});

describe.runIf(inject("testDb").kind === "postgres")("on PostgreSQL, its own pool (issue 19, mixed load)", () => {
  it("ingests through connections of its own, never more than DATABASE_INGEST_POOL_MAX of them", async () => {
    const ingestConnections = async () =>
      (
        await selectRows<{ n: number }>(
          s.db,
          sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'atrium-ingest'`,
        )
      )[0]!.n;
    const batches = Array.from({ length: 12 }, (_, b) => Array.from({ length: 40 }, () => event({ userId: `u-pool-${b}` })));
    const answers = await Promise.all(batches.map((b) => post(JSON.stringify({ events: b }))));
    expect(answers.map((r) => r.status)).toEqual(batches.map(() => 202));
    const open = await ingestConnections();
    expect(open).toBeGreaterThan(0);
    expect(open).toBeLessThanOrEqual(4);
    // What went in through that pool is what the console's own connections read.
    expect(await stored(batches.flat().map((e) => e.id))).toBe(480);
  });

  it("parses the batch statement once per connection, as a prepared statement, and stores the same (DATABASE_PREPARED_STATEMENTS=0: never)", async () => {
    // One connection of its own, so the prepared statements it lists are the ones these batches made.
    const own = await openDatabase({ databaseUrl: s.url()!, maxConnections: 1 });
    const host = { orgId: s.seed.orgs.demo!, id: s.seed.firstHost!.id };
    const prepared = async () =>
      (await selectRows<{ n: number }>(own.db, sql`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO events%'`))[0]!.n;
    try {
      const first = [event({ userId: "u-prep-1" }), event({ userId: "u-prep-2", type: "page_view", page: "/p" })];
      const second = [event({ userId: "u-prep-1" }), event({ userId: "u-prep-3" }), first[0]!];
      expect(await ingestEvents(own.db, host, body(first), clock)).toMatchObject({ accepted: 2, duplicates: 0 });
      expect(await ingestEvents(own.db, host, body(second), clock)).toMatchObject({ accepted: 2, duplicates: 1 });
      expect(await prepared()).toBe(1);
      expect(await stored([...first, ...second].map((e) => e.id))).toBe(4);

      vi.stubEnv("DATABASE_PREPARED_STATEMENTS", "0");
      await selectRows(own.db, sql`DEALLOCATE ALL`);
      const third = [event({ userId: "u-prep-4" })];
      expect(await ingestEvents(own.db, host, body([...third, first[1]!]), clock)).toMatchObject({ accepted: 1, duplicates: 1 });
      expect(await prepared()).toBe(0);
      expect(await stored(third.map((e) => e.id))).toBe(1);
    } finally {
      vi.unstubAllEnvs();
      await own.close();
    }
  });
});

describe.runIf(inject("testDb").kind === "pglite")("on PGlite, one prepared statement", () => {
  it("parses the batch statement once, stores the same, makes it again when it was dropped (DATABASE_PREPARED_STATEMENTS=0: never)", async () => {
    const host = { orgId: s.seed.orgs.demo!, id: s.seed.firstHost!.id };
    const prepared = async () =>
      (await selectRows<{ n: number }>(s.db, sql`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%INSERT INTO events%'`))[0]!.n;
    try {
      await selectRows(s.db, sql`DEALLOCATE ALL`);
      const first = [event({ userId: "u-prep-1" }), event({ userId: "u-prep-2", type: "page_view", page: "/p" })];
      const second = [event({ userId: "u-prep-1" }), event({ userId: "u-prep-3" }), first[0]!];
      expect(await ingestEvents(s.db, host, body(first), clock)).toMatchObject({ accepted: 2, duplicates: 0 });
      // Two batches at once, as requests arrive: combined or one after the other, the same statement.
      const [a, b] = await Promise.all([
        ingestEvents(s.db, host, body(second), clock),
        ingestEvents(s.db, host, body([event({ userId: "u-prep-5" }), event({ appId: UNASSIGNED })]), clock),
      ]);
      expect(a).toMatchObject({ accepted: 2, duplicates: 1 });
      expect(b).toMatchObject({ accepted: 1, duplicates: 0, rejected: [{ index: 1, code: "not_assigned" }] });
      expect(await prepared()).toBe(1);
      expect(await stored([...first, ...second].map((e) => e.id))).toBe(4);

      // Dropped behind its back (a DISCARD ALL, say): the next batch makes it again rather than failing.
      await selectRows(s.db, sql`DEALLOCATE ALL`);
      const third = [event({ userId: "u-prep-4" })];
      expect(await ingestEvents(s.db, host, body(third), clock)).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(await prepared()).toBe(1);

      vi.stubEnv("DATABASE_PREPARED_STATEMENTS", "0");
      await selectRows(s.db, sql`DEALLOCATE ALL`);
      const fourth = [event({ userId: "u-prep-6" })];
      expect(await ingestEvents(s.db, host, body([...fourth, third[0]!]), clock)).toMatchObject({ accepted: 1, duplicates: 1 });
      expect(await prepared()).toBe(0);
      expect(await stored([...third, ...fourth].map((e) => e.id))).toBe(2);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("never runs inside another caller's transaction", async () => {
    const host = { orgId: s.seed.orgs.demo!, id: s.seed.firstHost!.id };
    const batch = [event({ userId: "u-prep-tx" })];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // A transaction that is open (and then rolled back) while the batch arrives: the batch waits for it to end and
    // is kept; had it run inside, the rollback would have taken it away.
    const tx = s.db
      .transaction(async (t) => {
        await t.execute(sql`SELECT 1`);
        await held;
        t.rollback();
      })
      .catch(() => {});
    const ingested = ingestEvents(s.db, host, body(batch), clock);
    await new Promise((r) => setTimeout(r, 50));
    release();
    await tx;
    expect(await ingested).toMatchObject({ accepted: 1 });
    expect(await stored(batch.map((e) => e.id))).toBe(1);
  });
});

describe("limits", () => {
  it("takes 500 events", async () => {
    const res = await post(JSON.stringify({ events: Array.from({ length: 500 }, () => event()) }));
    expect(res.status).toBe(202);
    expect((await res.json()).accepted).toBe(500);
  });

  it("refuses 501 events with 413 and keeps none", async () => {
    const batch = Array.from({ length: 501 }, () => event());
    const res = await post(JSON.stringify({ events: batch }));
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    expect(await stored(batch.map((e) => e.id))).toBe(0);
  });

  it("refuses a body over 1 MiB with 413, by its declared length or as it streams", async () => {
    const big = JSON.stringify({ events: [event({ type: "custom", name: "x", page: "p".repeat(100) })], pad: "x".repeat(1024 * 1024) });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    // No Content-Length: the reader stops at the limit instead of buffering the rest.
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(100 * 1024).fill(32));
        c.close();
      },
    });
    const timestamp = String(Math.floor(clock / 1000));
    const res = await eventsPOST(
      new NextRequest(
        new Request(`${BASE}${PATH}`, {
          method: "POST",
          body: stream,
          headers: { "x-mp-key": KEY, "x-mp-timestamp": timestamp, "x-mp-signature": "0".repeat(64) },
          // Node's fetch needs this for a streamed request body.
          duplex: "half",
        } as RequestInit),
      ),
      { params: Promise.resolve({}) },
    );
    expect(res.status).toBe(413);
  });

  it("takes exactly 1 MiB", async () => {
    const one = JSON.stringify({ events: [event()] });
    const padded = one.slice(0, -1) + `,"pad":"${"x".repeat(1024 * 1024 - one.length - 9)}"}`;
    expect(Buffer.byteLength(padded)).toBe(1024 * 1024);
    expect((await post(padded)).status).toBe(202);
  });

  it.each([
    ["not JSON", "{events:"],
    ["no events array", JSON.stringify({ items: [] })],
    ["events not an array", JSON.stringify({ events: {} })],
    ["a JSON array", JSON.stringify([event()])],
  ])("answers 422 for %s", async (_label, raw) => {
    const res = await post(raw);
    expect(res.status).toBe(422);
    expect((await res.json()).error.code).toBe("invalid_input");
  });

  it("needs a valid signature", async () => {
    const res = await post(JSON.stringify({ events: [event()] }), { "x-mp-signature": "0".repeat(64) });
    expect(res.status).toBe(401);
  });
});

describe("when the database cannot take the batch", () => {
  it("answers 503 with Retry-After and keeps none of it, even when the failure comes after the raw rows", async () => {
    // A constraint on a rollup makes the write fail after the events themselves went in, in the same statement.
    await s.db.execute(sql`ALTER TABLE daily_users ADD CONSTRAINT poison CHECK (user_id <> 'poison')`);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const batch = [event(), event({ userId: "u-fine" }), event({ userId: "poison" })];
    const before = await overview();
    try {
      const res = await post(JSON.stringify({ events: batch }));
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect((await res.json()).error.code).toBe("unavailable");
      expect(await stored(batch.map((e) => e.id))).toBe(0);
      expect(await overview()).toEqual(before);
      // An unexpected failure is logged for operators; the client only sees "unavailable".
      expect(logged).toHaveBeenCalled();
    } finally {
      await s.db.execute(sql`ALTER TABLE daily_users DROP CONSTRAINT poison`);
      logged.mockRestore();
    }
    // The client's retry of the same batch then succeeds, and counts once.
    expect(await (await post(JSON.stringify({ events: batch }))).json()).toEqual({ accepted: 3, duplicates: 0, rejected: [] });
  });

  it("answers 503 when the connection is gone", async () => {
    const broken = {
      execute: async () => {
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      },
      selectDistinct: () => {
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      },
    } as unknown as Db;
    await expect(ingestEvents(broken, { orgId: s.seed.orgs.demo!, id: s.seed.firstHost!.id }, body([event()]), clock)).rejects.toMatchObject({
      code: "unavailable",
      headers: { "Retry-After": "5" },
    });
  });
});
