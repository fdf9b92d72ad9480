// The inbox (issue 17 item 5): who hears of what, in the event's own transaction; reading and marking one's own;
// and the email copies through a real SMTP server on a loopback port.
import { and, eq } from "drizzle-orm";
import { startTestSmtp, type TestSmtp } from "@/test/smtp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { MAX_EMAIL_ATTEMPTS, runDueEmails, setMailerAuto } from "@/lib/notifications/mailer";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { useSeededDb } from "@/test/seeded";
import { createMiniProgram } from "./mini-programs";
import { listNotifications, markNotificationsRead, notifyForEvent, unreadNotificationCount } from "./notifications";
import { createPermissionRequest, rejectPermissionRequest } from "./permission-requests";
import { approveVersion } from "./reviews";
import { submitVersion, uploadVersion } from "./versions";

withTempBlobStore();
const s = useSeededDb();
beforeAll(() => {
  setWebhookDispatcherAuto(false);
  setMailerAuto(false);
});

let n = 0;
async function submittedByDeveloper() {
  const dev = await s.as("developer");
  const appId = `com.example.inbox${++n}`;
  await createMiniProgram(dev, { appId, name: `Inbox ${n}`, category: "other", description: "" });
  const { version } = await uploadVersion(dev, appId, buildMiniProgramPackage({ appId, version: "1.0.0" }));
  await submitVersion(dev, version.id);
  return { appId, versionId: version.id };
}

async function rowsFor(role: "owner" | "admin" | "reviewer" | "developer" | "analyst", event: string, href: string) {
  const ctx = await s.as(role);
  const { items } = await listNotifications(ctx, { limit: 100 });
  return items.filter((i) => i.event === event && i.href === href);
}

describe("the demo's inboxes (db/seed-notifications.ts)", () => {
  it("tell the seeded story: the review queue to reviewers (only the last day's unread), the halt to admins", async () => {
    const reviewer = await listNotifications(await s.as("reviewer"), { limit: 100 });
    const waiting = reviewer.items.filter((i) => i.event === "version.submitted").map((i) => `${i.params.appId} ${i.params.version} ${i.read ? "read" : "unread"}`);
    expect(waiting).toEqual(expect.arrayContaining(["com.demo.weather 2.1.0 unread", "com.demo.parking 1.1.0 read", "com.demo.coupons 1.2.0 read"]));
    const admin = await listNotifications(await s.as("admin"), { limit: 100 });
    expect(admin.items.find((i) => i.event === "rollout.halted")).toMatchObject({ params: { appId: "com.demo.loyalty", version: "1.1.0", hostName: "Demo Wallet" } });
    // The uploader of a waiting version is not told of their own submission.
    const developer = await listNotifications(await s.as("developer"), { limit: 100 });
    expect(developer.items.filter((i) => i.event === "version.submitted")).toEqual([]);
  });
});

describe("who is told", () => {
  it("a submission: the reviewers, admins and owners, never the uploader or an analyst, nobody in another organization", async () => {
    const { appId, versionId } = await submittedByDeveloper();
    const href = `reviews/${versionId}`;
    for (const role of ["owner", "admin", "reviewer"] as const) {
      const [row] = await rowsFor(role, "version.submitted", href);
      expect(row, role).toMatchObject({ read: false, params: { appId, name: `Inbox ${n}`, version: "1.0.0", uploader: "developer@demo.test" } });
    }
    for (const role of ["developer", "analyst"] as const) expect(await rowsFor(role, "version.submitted", href), role).toHaveLength(0);
    const other = await listNotifications(await s.otherAdmin(), { limit: 100 });
    expect(other.items.filter((i) => i.href === href)).toHaveLength(0);
  });

  it("a decision: the uploader, with the reviewer's comment", async () => {
    const { appId, versionId } = await submittedByDeveloper();
    await approveVersion(await s.as("reviewer"), versionId, { comment: "Looks good, ship it." });
    const [row] = await rowsFor("developer", "version.approved", `mini-programs/${appId}/versions/${versionId}`);
    expect(row).toMatchObject({ params: { detail: "Looks good, ship it.", actor: "reviewer@demo.test" } });
    expect(await rowsFor("reviewer", "version.approved", `mini-programs/${appId}/versions/${versionId}`)).toHaveLength(0);
  });

  it("a halted rollout: admins and owners", async () => {
    const admin = await s.as("admin");
    const [host] = await s.db.query.hostApps.findMany({ where: (h, { eq }) => eq(h.orgId, admin.org.id), limit: 1 });
    const written = await s.db.transaction((tx) =>
      notifyForEvent(tx, admin.org.id, "rollout.halted", {
        actor: "system (guardrail)",
        data: { assignmentId: "asg_x", hostId: host!.id, appId: "com.demo.coupons", candidate: { version: "9.9.9" }, haltReason: "12 errors in 100 launches" },
      }),
    );
    expect(written).toBeGreaterThanOrEqual(2);
    const [row] = await rowsFor("owner", "rollout.halted", `hosts/${host!.id}/assignments/asg_x`);
    expect(row).toMatchObject({ params: { name: "Coupons", version: "9.9.9", hostName: host!.name, detail: "12 errors in 100 launches" } });
    expect(await rowsFor("reviewer", "rollout.halted", `hosts/${host!.id}/assignments/asg_x`)).toHaveLength(0);
  });
});

describe("permission requests (CONTRACT §12)", () => {
  it("a request: the admins and owners; its decision: whoever asked, with the comment", async () => {
    const { appId } = await submittedByDeveloper();
    const dev = await s.as("developer");
    // A host whose policy lists its domains (null allows any, and leaves nothing to ask for).
    const host = (await s.db.query.hostApps.findMany({ where: (h, { eq }) => eq(h.orgId, dev.org.id) })).find((h) => h.policy.allowedDomains !== null);
    const req = await createPermissionRequest(dev, host!.id, { appId, permissions: [], domains: [`https://inbox-${n}.example.com`], reason: "Receipts upload" });
    const href = `hosts/${host!.id}#requests`;
    for (const role of ["owner", "admin"] as const) expect(await rowsFor(role, "permission_request.created", href), role).toContainEqual(expect.objectContaining({ params: expect.objectContaining({ appId, detail: "Receipts upload", hostName: host!.name }) }));
    expect(await rowsFor("reviewer", "permission_request.created", href)).toHaveLength(0);
    await rejectPermissionRequest(await s.as("admin"), req.id, { comment: "Use the shared upload service." });
    expect(await rowsFor("developer", "permission_request.rejected", href)).toContainEqual(expect.objectContaining({ params: expect.objectContaining({ appId, detail: "Use the shared upload service.", actor: "admin@demo.test" }) }));
    expect(await rowsFor("admin", "permission_request.rejected", href)).toHaveLength(0);
  });
});

describe("reading one's own", () => {
  it("counts unread, marks some or all, and never touches another person's", async () => {
    await submittedByDeveloper();
    const reviewer = await s.as("reviewer");
    const admin = await s.as("admin");
    const before = await unreadNotificationCount(reviewer);
    const adminBefore = await unreadNotificationCount(admin);
    expect(before).toBeGreaterThan(0);
    const { items } = await listNotifications(reviewer, { limit: 1, unread: true });
    expect(await markNotificationsRead(reviewer, { ids: [items[0]!.id] })).toEqual({ unread: before - 1 });
    // The admin's row id for the same event is theirs alone: the reviewer marking "all" leaves it unread.
    expect(await markNotificationsRead(reviewer, { all: true })).toEqual({ unread: 0 });
    expect(await unreadNotificationCount(admin)).toBe(adminBefore);
    const adminRow = (await listNotifications(admin, { limit: 1 })).items[0]!;
    await markNotificationsRead(reviewer, { ids: [adminRow.id] });
    expect((await listNotifications(admin, { limit: 1 })).items[0]!.read).toBe(false);
  });

  it("pages through with a cursor", async () => {
    const owner = await s.as("owner");
    const first = await listNotifications(owner, { limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await listNotifications(owner, { limit: 2, cursor: first.nextCursor! });
    expect(second.items[0]!.id < first.items[1]!.id).toBe(true);
  });
});

describe("by email, through a real SMTP server", () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startTestSmtp();
  });
  afterAll(() => smtp.close());

  it("sends each recipient their copy once, with a link to the console", async () => {
    const { versionId } = await submittedByDeveloper();
    const pending = await s.db.select().from(notifications).where(and(eq(notifications.href, `reviews/${versionId}`), eq(notifications.emailState, "pending")));
    expect(pending).toHaveLength(3);
    const report = await runDueEmails(s.db);
    expect(report).toEqual({ sent: 3, retrying: 0, failed: 0 });
    const mine = smtp.received.filter((m) => m.body.includes(`/o/demo/reviews/${versionId}`));
    expect(mine.map((m) => m.to[0]).sort()).toEqual(["admin@demo.test", "owner@demo.test", "reviewer@demo.test"]);
    expect(mine[0]!.body).toContain("Subject: Inbox");
    expect(mine[0]!.body).toContain("is waiting for review");
    expect(mine[0]!.body).toContain(`https://console.example.test/o/demo/reviews/${versionId}`);
    // Sent once: a second pass finds nothing due.
    expect(await runDueEmails(s.db)).toEqual({ sent: 0, retrying: 0, failed: 0 });
  });

  it("retries a refused send with backoff, keeps the server's answer, and gives up after the last attempt", async () => {
    smtp.refuse = true;
    try {
      const { versionId } = await submittedByDeveloper();
      const mine = and(eq(notifications.href, `reviews/${versionId}`), eq(notifications.userId, s.seed.users["reviewer@demo.test"]!));
      let now = new Date();
      for (let attempt = 1; attempt <= MAX_EMAIL_ATTEMPTS; attempt++) {
        await runDueEmails(s.db, { now });
        const [row] = await s.db.select().from(notifications).where(mine);
        expect(row!.emailAttempts).toBe(attempt);
        expect(row!.emailError).toContain("Mailbox unavailable");
        expect(row!.emailState).toBe(attempt < MAX_EMAIL_ATTEMPTS ? "pending" : "failed");
        // Not sent again before its wait is over.
        if (attempt < MAX_EMAIL_ATTEMPTS) {
          await runDueEmails(s.db, { now: new Date(now.getTime() + 1000) });
          expect((await s.db.select().from(notifications).where(mine))[0]!.emailAttempts).toBe(attempt);
          now = row!.emailNextAt!;
        }
      }
    } finally {
      smtp.refuse = false;
    }
  });
});
