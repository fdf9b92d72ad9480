// Issue 19 item 2: the verifier serves host rows from memory, and every disable, enable, rotation and policy change
// reaches it at once: in this process by publishing after commit, in another server process by NOTIFY on commit
// (PostgreSQL). A second "server process" here is a second database handle with its own verifier, host cache and
// change feed, told nothing in-process: only what PostgreSQL delivers.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { openDatabase, type DbHandle } from "@/db";
import { AppError } from "@/lib/errors";
import { signRequest } from "@/lib/sdk/signing";
import { createHost, createHostInput, rotateSecret, setHostStatus, updateHost } from "@/lib/services/hosts";
import { useTestDb as withTestDb } from "@/test/db";
import { createChangeFeed, onSdkChange, processChangeFeed, type ChangeFeed } from "./change-feed";
import { createHostCache, type HostCache, type HostRow } from "./host-cache";
import { seedHostFixture, type HostFixture } from "./testing";
import { createSdkVerifier, SdkAuthError, type SdkVerifier } from "./verify";

const BASE = "http://atrium.test";
const PATH = "/api/sdk/v1/manifest?user=u-1";
const onPostgres = inject("testDb").kind === "postgres";

const box = withTestDb();
let fx: HostFixture;
let n = 0;

beforeAll(async () => {
  fx = await seedHostFixture(box.handle.db);
});

async function newHost() {
  n++;
  return createHost(await fx.ctx("admin"), createHostInput.parse({ name: `Cached host ${n}`, platforms: [{ platform: "android", identifier: `com.cache.app${n}` }] }));
}

function signed(key: string, secret: string): Request {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return new Request(`${BASE}${PATH}`, {
    headers: { "x-mp-key": key, "x-mp-timestamp": timestamp, "x-mp-signature": signRequest({ secret, method: "GET", pathWithQuery: PATH, timestamp }) },
  });
}

/** "ok", or the refusal as the route would answer it: 401 with its reason, or 403 forbidden. */
async function outcome(v: SdkVerifier, key: string, secret: string): Promise<string> {
  try {
    await v.verify(signed(key, secret));
    return "ok";
  } catch (e) {
    if (e instanceof SdkAuthError) return `401 ${e.code}`;
    if (e instanceof AppError) return `${e.status} ${e.code}`;
    throw e;
  }
}

describe("in this process", () => {
  let hosts: HostCache;
  let verifier: SdkVerifier;
  beforeAll(async () => {
    hosts = createHostCache();
    onSdkChange((c) => hosts.apply(c));
    verifier = createSdkVerifier({ ratePerSecond: 0, hosts });
    const feed = await processChangeFeed();
    await vi.waitFor(() => expect(feed.trusted()).toBe(true), { timeout: 5_000 });
  });

  it("reads a host row once and then serves it from memory", async () => {
    const host = await newHost();
    const before = hosts.stats().loads;
    for (let i = 0; i < 5; i++) expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    expect(hosts.stats().loads - before).toBe(1);
  });

  it("refuses a disabled host on the very next request, and honours it again once enabled", async () => {
    const host = await newHost();
    const admin = await fx.ctx("admin");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    await setHostStatus(admin, host.id, "disabled");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("403 forbidden");
    await updateHost(admin, host.id, { status: "active" });
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
  });

  it("takes a rotated secret on the very next request, and drops the secret before the previous one", async () => {
    const host = await newHost();
    const admin = await fx.ctx("admin");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    const first = await rotateSecret(admin, host.id);
    expect(await outcome(verifier, host.sdkKey, first.sdkSecret)).toBe("ok");
    // CONTRACT §6: the previous secret still verifies while it is valid; a second rotation drops the first one.
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    await rotateSecret(admin, host.id);
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("401 bad_signature");
  });

  it("hands the handler the policy as changed, on the very next request", async () => {
    const host = await newHost();
    const admin = await fx.ctx("admin");
    const policyNow = async () => (await verifier.verify(signed(host.sdkKey, host.sdkSecret))).host.policy.minSdkVersion;
    expect(await policyNow()).toBeNull();
    await updateHost(admin, host.id, { policy: { minSdkVersion: "2.0.0" } });
    expect(await policyNow()).toBe("2.0.0");
  });
});

describe("the host cache on its own", () => {
  const row = (status: "active" | "disabled") => ({ orgId: "org_1", id: "hst_1", status }) as unknown as HostRow;
  const ref = { orgId: "org_1", hostId: "hst_1" };
  const db = {} as never;

  it("reads the database on every request while its feed is not trusted, and keeps nothing", async () => {
    const cache = createHostCache();
    const load = vi.fn(async () => row("active"));
    await cache.get(db, ref, load, false);
    await cache.get(db, ref, load, false);
    expect(load).toHaveBeenCalledTimes(2);
    await cache.get(db, ref, load, true);
    expect(load).toHaveBeenCalledTimes(3);
    expect(cache.stats().hosts).toBe(1);
  });

  it("does not keep a row read while a change was heard (it may predate the commit)", async () => {
    const cache = createHostCache();
    let release!: () => void;
    const slow = () => new Promise<HostRow>((resolve) => (release = () => resolve(row("active"))));
    const pending = cache.get(db, ref, slow, true);
    cache.apply({ orgId: "org_1", hostId: "hst_1" });
    release();
    expect((await pending)!.status).toBe("active");
    const fresh = vi.fn(async () => row("disabled"));
    expect((await cache.get(db, ref, fresh, true))!.status).toBe("disabled");
    expect(fresh).toHaveBeenCalledOnce();
  });

  it("drops an organization's rows, or everything", async () => {
    const cache = createHostCache();
    await cache.get(db, ref, async () => row("active"), true);
    cache.apply({ orgId: "org_2" });
    expect(cache.stats().hosts).toBe(1);
    cache.apply({ orgId: "org_1" });
    expect(cache.stats().hosts).toBe(0);
    await cache.get(db, ref, async () => row("active"), true);
    cache.apply({ all: true });
    expect(cache.stats().hosts).toBe(0);
  });
});

describe.runIf(onPostgres)("in another server process (PostgreSQL, LISTEN/NOTIFY)", () => {
  let other: DbHandle;
  let hosts: HostCache;
  let feed: ChangeFeed;
  let verifier: SdkVerifier;

  beforeAll(async () => {
    // The first process listens too, as a server does from its first SDK request on: its changes answer once the
    // other processes were sent them (settleSdkChanges).
    const first = await processChangeFeed();
    await vi.waitFor(() => expect(first.trusted()).toBe(true), { timeout: 5_000 });
    other = await openDatabase({ databaseUrl: box.handle.url, maxConnections: 2 });
    hosts = createHostCache();
    // Only what PostgreSQL delivers reaches this cache: nothing published in this process does.
    feed = createChangeFeed(other, (c) => hosts.apply(c));
    verifier = createSdkVerifier({ ratePerSecond: 0, getDb: async () => other.db, hosts, feed: async () => feed });
    await vi.waitFor(() => expect(feed.trusted()).toBe(true), { timeout: 5_000 });
  });
  afterAll(async () => {
    await feed?.close();
    await other?.close();
  });

  it("stops honouring a host disabled through the first process on the very next request", async () => {
    const host = await newHost();
    const admin = await fx.ctx("admin");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    const loads = hosts.stats().loads;
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    expect(hosts.stats().loads).toBe(loads); // from memory
    await setHostStatus(admin, host.id, "disabled");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("403 forbidden");
    await setHostStatus(admin, host.id, "active");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
  });

  it("takes a secret rotated through the first process on the very next request", async () => {
    const host = await newHost();
    const admin = await fx.ctx("admin");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    const rotated = await rotateSecret(admin, host.id);
    expect(await outcome(verifier, host.sdkKey, rotated.sdkSecret)).toBe("ok");
    await rotateSecret(admin, host.id);
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("401 bad_signature");
  });

  it("trusts nothing it held when its LISTEN connection drops, and caches again once it listens anew", async () => {
    const host = await newHost();
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    expect(hosts.stats().hosts).toBeGreaterThan(0);
    const before = feed.stats();
    // What a failover or a network cut does to the listening connection.
    await box.handle.db.execute(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'atrium-listen' AND datname = current_database()`);
    await vi.waitFor(() => expect(feed.stats().losses).toBeGreaterThan(before.losses), { timeout: 5_000 });
    await vi.waitFor(() => expect(feed.stats().listens).toBeGreaterThan(before.listens), { timeout: 10_000 });
    expect(feed.trusted()).toBe(true);
    // Everything was dropped on the loss and on listening again: the next request reads the row.
    const loads = hosts.stats().loads;
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("ok");
    expect(hosts.stats().loads).toBe(loads + 1);
    await setHostStatus(await fx.ctx("admin"), host.id, "disabled");
    expect(await outcome(verifier, host.sdkKey, host.sdkSecret)).toBe("403 forbidden");
  });
});
