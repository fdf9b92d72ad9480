// Issue 12, item 8: a revoke racing a promote, an assign or a new candidate never leaves a revoked version
// serving. The write locks the version it points at (FOR SHARE), so either it commits first and the revoke
// follows it (the manifest then drops the version), or the revoke commits first and the write answers 409.
// On PostgreSQL the two are interleaved for real: a third transaction holds the write just after its check.
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import type { Tx } from "@/db";
import { assignments, miniPrograms } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { toErrorBody } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { labHost, labMiniProgram } from "@/lib/sdk-server/delivery-testing";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { useSeededDb } from "@/test/seeded";
import { assignVersion, getAssignment, promoteAssignment, updateAssignment } from "./assignments";
import { revokeInput, revokeVersion } from "./reviews";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);
const onPostgres = inject("testDb").kind === "postgres";

async function answer(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (e) {
    const { status, body } = toErrorBody(e);
    return `${status} ${body.error.code}`;
  }
}

async function lab() {
  const admin = await s.as("admin");
  const app = await labMiniProgram(admin, [{ version: "1.0.0" }, { version: "1.1.0" }]);
  const host = await labHost(admin);
  return { admin, app, host, v: (x: string) => app.versions[x]!.id };
}

const revoke = async (versionId: string) => revokeVersion(await s.as("reviewer"), versionId, revokeInput.parse({ reason: "race drill" }));

/** Sessions of this test's database waiting for a lock. */
async function lockWaiters(): Promise<number> {
  const rows = await s.db.execute<{ n: number }>(
    sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  );
  return Number((rows as unknown as { n: number }[])[0]?.n ?? (rows as unknown as { rows: { n: number }[] }).rows?.[0]?.n ?? 0);
}

async function untilWaiters(n: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await lockWaiters()) < n) {
    if (Date.now() > deadline) throw new Error(`no ${n} lock waiters within 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Holds `write` after its checks (a transaction of ours holds a row it must write), runs the revoke meanwhile,
 * and reports whether the revoke could finish while the write was still pending: it must not, or the write
 * would commit a version that was revoked after it was checked.
 */
async function race(hold: (tx: Tx) => Promise<void>, write: () => Promise<unknown>, revokeIt: () => Promise<unknown>) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let held!: () => void;
  const holding = new Promise<void>((r) => (held = r));
  const blocker = s.db
    .transaction(async (tx) => {
      await hold(tx);
      held();
      await released;
      tx.rollback();
    })
    .catch(() => {});
  await holding;
  const w = answer(write());
  await untilWaiters(1);
  let revokeDone = false;
  const r = answer(revokeIt()).finally(() => (revokeDone = true));
  await Promise.race([r, untilWaiters(2)]);
  const revokeFinishedFirst = revokeDone;
  release();
  await blocker;
  return { write: await w, revoke: await r, revokeFinishedFirst };
}

describe.runIf(onPostgres)("revoke racing a write that points at the version (PostgreSQL)", () => {
  it("promote: the revoke waits for the promote, never slips in between its check and its write", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0"), rolloutPercent: 10 });
    const out = await race(
      async (tx) => {
        await tx.select().from(assignments).where(and(eq(assignments.orgId, admin.org.id), eq(assignments.id, a.id))).for("update");
      },
      () => promoteAssignment(admin, a.id),
      () => revoke(v("1.1.0")),
    );
    expect(out).toEqual({ write: "ok", revoke: "ok", revokeFinishedFirst: false });
  });

  it("candidate: the same for a new candidate", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    const out = await race(
      async (tx) => {
        await tx.select().from(assignments).where(and(eq(assignments.orgId, admin.org.id), eq(assignments.id, a.id))).for("update");
      },
      () => updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0"), rolloutPercent: 50 }),
      () => revoke(v("1.1.0")),
    );
    expect(out).toEqual({ write: "ok", revoke: "ok", revokeFinishedFirst: false });
  });

  it("assign: the same for a new assignment", async () => {
    const { admin, app, host, v } = await lab();
    const [mp] = await s.db.select({ id: miniPrograms.id }).from(miniPrograms).where(and(eq(miniPrograms.orgId, admin.org.id), eq(miniPrograms.appId, app.appId)));
    const out = await race(
      async (tx) => {
        // An uncommitted assignment of the same host and mini-program: the assign's insert waits on it.
        await tx.insert(assignments).values({ orgId: admin.org.id, id: newId("asg"), hostId: host.id, miniProgramId: mp!.id, appId: app.appId, stableVersionId: v("1.0.0") });
      },
      () => assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.1.0") }),
      () => revoke(v("1.1.0")),
    );
    expect(out).toEqual({ write: "ok", revoke: "ok", revokeFinishedFirst: false });
  });
});

describe("revoke first, then the write (both databases)", () => {
  it("promote answers 409 and the revoked candidate never becomes stable", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0"), rolloutPercent: 10 });
    await revoke(v("1.1.0"));
    expect(await answer(promoteAssignment(admin, a.id))).toBe("409 conflict");
    expect((await getAssignment(admin, a.id)).stableVersionId).toBe(v("1.0.0"));
  });

  it("promote and revoke sent at once: never a revoked stable version that was promoted after the revoke", async () => {
    const { admin, app, host, v } = await lab();
    const a = await assignVersion(admin, host.id, { appId: app.appId, versionId: v("1.0.0") });
    await updateAssignment(admin, a.id, { candidateVersionId: v("1.1.0"), rolloutPercent: 10 });
    const [p, r] = await Promise.all([answer(promoteAssignment(admin, a.id)), answer(revoke(v("1.1.0")))]);
    expect(r).toBe("ok");
    expect(["ok", "409 conflict"]).toContain(p);
    // Promoted first and then revoked, or refused: the stable version is 1.1.0 only when the promote won.
    expect((await getAssignment(admin, a.id)).stableVersionId).toBe(p === "ok" ? v("1.1.0") : v("1.0.0"));
  });
});
