// Issue 20 item 4: every state change reaches webhooks, and docs/webhooks.md documents each event. The catalog is
// checked against WEBHOOK_EVENTS (a section with a JSON sample that parses, for every event), and the samples of the
// events this issue adds are checked against what the real services enqueue: each change is driven here, once, for
// an endpoint subscribed to everything, and must give exactly one delivery whose `data` has the sample's keys.
import fs from "node:fs";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries, webhookEndpoints } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { useSeededDb } from "@/test/seeded";
import { createHost, createHostInput, rotateSecret, setHostStatus, updateHost, updateHostInput } from "./hosts";
import { acceptInvitation, changeRole, inviteMember, removeMember } from "./members";
import { archiveMiniProgram, createMiniProgram, createMiniProgramInput, deleteMiniProgram, restoreMiniProgram, updateMiniProgram } from "./mini-programs";
import { submitVersion, uploadVersion, withdrawVersion } from "./versions";
import { createWebhookEndpoint, createWebhookInput, WEBHOOK_EVENTS, type WebhookEvent } from "./webhooks";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

const DOC = fs.readFileSync(path.join(process.cwd(), "docs/webhooks.md"), "utf8");

/** Each `### \`event\`` section's first ```json block, parsed. */
function docSamples(): Map<string, { raw: string; parsed: unknown; error: string | null }> {
  const out = new Map<string, { raw: string; parsed: unknown; error: string | null }>();
  const parts = DOC.split(/^### `([a-z_]+\.[a-z_.]+)`\s*$/m);
  for (let i = 1; i < parts.length; i += 2) {
    const body = parts[i + 1] ?? "";
    const m = /```json\n([\s\S]*?)\n```/.exec(body.split(/^#{2,3} /m)[0]!);
    const raw = m?.[1] ?? "";
    let parsed: unknown = null;
    let error: string | null = m ? null : "no ```json block";
    if (m) {
      try {
        parsed = JSON.parse(raw);
      } catch (e) {
        error = (e as Error).message;
      }
    }
    out.set(parts[i]!, { raw, parsed, error });
  }
  return out;
}

const ENVELOPE = ["actor", "createdAt", "data", "id", "orgId", "type"];
const keys = (o: unknown) => (o && typeof o === "object" && !Array.isArray(o) ? Object.keys(o).sort() : []);

describe("docs/webhooks.md", () => {
  const samples = docSamples();

  it("has a section with a JSON sample for every event in WEBHOOK_EVENTS, and none for an event that does not exist", () => {
    expect([...samples.keys()].sort()).toEqual([...WEBHOOK_EVENTS].sort());
  });

  it.each([...WEBHOOK_EVENTS])("%s: its sample parses and is in the one envelope", (event) => {
    const sample = samples.get(event);
    expect(sample?.error ?? null, `${event}: ${sample?.error}`).toBeNull();
    expect(keys(sample!.parsed)).toEqual(ENVELOPE);
    expect((sample!.parsed as { type: string }).type).toBe(event);
  });

  it("is linked from the README", () => {
    expect(fs.readFileSync(path.join(process.cwd(), "README.md"), "utf8")).toContain("docs/webhooks.md");
  });
});

/** Issue 20's events the services in this repository emit (organization.* are another part's). */
const DRIVEN: WebhookEvent[] = [
  "version.uploaded",
  "version.withdrawn",
  "mini_program.created",
  "mini_program.updated",
  "mini_program.archived",
  "mini_program.restored",
  "mini_program.deleted",
  "host.created",
  "host.updated",
  "host.disabled",
  "host.enabled",
  "host.policy_changed",
  "host.secret_rotated",
  "member.added",
  "member.role_changed",
  "member.removed",
];

describe("the events the services enqueue", () => {
  const captured = new Map<string, Record<string, unknown>[]>();

  beforeAll(async () => {
    const admin = await s.as("admin");
    const owner = await s.as("owner");
    const orgId = admin.org.id;
    await s.db.update(webhookEndpoints).set({ active: false }).where(eq(webhookEndpoints.orgId, orgId));
    await s.db.delete(webhookDeliveries).where(eq(webhookDeliveries.orgId, orgId));
    await createWebhookEndpoint(admin, createWebhookInput.parse({ url: "http://127.0.0.1:9/everything", events: [...WEBHOOK_EVENTS] }));

    // One change each, in order; refusals (409) in between must add nothing.
    const appId = "com.webhooks.catalog";
    await createMiniProgram(admin, createMiniProgramInput.parse({ appId, name: "Catalog" }));
    await updateMiniProgram(admin, appId, { description: "Mirrored by an integrator" });
    await updateMiniProgram(admin, appId, { description: "Mirrored by an integrator" }); // unchanged: no event
    const { version } = await uploadVersion(admin, appId, buildMiniProgramPackage({ appId, version: "1.0.0" }));
    await submitVersion(admin, version.id);
    await withdrawVersion(admin, version.id);
    await archiveMiniProgram(admin, appId);
    await archiveMiniProgram(admin, appId).catch(() => undefined);
    await restoreMiniProgram(admin, appId);
    await deleteMiniProgram(admin, appId);

    const host = await createHost(admin, createHostInput.parse({ name: "Catalog host", platforms: [{ platform: "android", identifier: "com.webhooks.host" }] }));
    await updateHost(admin, host.id, updateHostInput.parse({ name: "Catalog host 2" }));
    await updateHost(admin, host.id, updateHostInput.parse({ policy: { allowedPermissions: ["location"] } }));
    await setHostStatus(admin, host.id, "disabled");
    await setHostStatus(admin, host.id, "disabled").catch(() => undefined);
    await setHostStatus(admin, host.id, "active");
    await rotateSecret(admin, host.id);

    const email = "mirror.me@demo.test";
    const invite = await inviteMember(admin, { email, role: "analyst" });
    const joined = await acceptInvitation(s.db, { token: invite.token, name: "Mirror Me", password: "a long enough password" }, null, null);
    await changeRole(admin, { userId: joined.userId, role: "developer" });
    await removeMember(owner, { userId: joined.userId });

    const rows = await s.db
      .select({ event: webhookDeliveries.event, payload: webhookDeliveries.payload })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.orgId, orgId)));
    for (const r of rows) captured.set(r.event, [...(captured.get(r.event) ?? []), r.payload as Record<string, unknown>]);
    // `WEBHOOK_SAMPLES_OUT=<file>` writes what was sent, to refresh the documentation's samples from.
    if (process.env.WEBHOOK_SAMPLES_OUT) fs.writeFileSync(process.env.WEBHOOK_SAMPLES_OUT, JSON.stringify(Object.fromEntries(captured), null, 2));
  }, 60_000);

  it.each(DRIVEN)("%s: enqueued once for its one change, in the envelope, with the documented data keys and no secret", (event) => {
    const sent = captured.get(event) ?? [];
    expect(sent, `${event} deliveries`).toHaveLength(1);
    const payload = sent[0]!;
    expect(keys(payload)).toEqual(ENVELOPE);
    expect(payload.type).toBe(event);
    const documented = docSamples().get(event)!.parsed as { data: Record<string, unknown> };
    const data = payload.data as Record<string, unknown>;
    expect(keys(data), `${event} data`).toEqual(keys(documented.data));
    for (const k of keys(data)) expect(keys(data[k]), `${event} data.${k}`).toEqual(keys(documented.data[k]));
    expect(JSON.stringify(payload)).not.toMatch(/sdkSecret|secretEnc|passwordHash|"token"|sk_/);
  });

  it("sends nothing else for these changes than the driven events and the ones they already sent", () => {
    const others = [...captured.keys()].filter((e) => !DRIVEN.includes(e as WebhookEvent)).sort();
    expect(others).toEqual(["version.submitted"]);
  });
});
