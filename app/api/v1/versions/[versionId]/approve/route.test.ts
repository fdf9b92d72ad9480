// POST /api/v1/versions/{versionId}/approve through its route handler, with seeded API tokens.
import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/db/schema";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { createMiniProgram, createMiniProgramInput } from "@/lib/services/mini-programs";
import { submitVersion, uploadVersion } from "@/lib/services/versions";
import { listReviewQueue } from "@/lib/services/reviews";
import { useSeededDb } from "@/test/seeded";
import { POST } from "./route";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

const APP = "com.example.api-approve";
let patch = 0;
async function inReview(uploader: Role = "developer") {
  const ctx = await s.as(uploader);
  const { version } = await uploadVersion(ctx, APP, buildMiniProgramPackage({ appId: APP, version: `1.0.${++patch}` }));
  await submitVersion(ctx, version.id);
  return version.id;
}
async function approve(versionId: string, token?: string, json?: unknown) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (json !== undefined) headers["content-type"] = "application/json";
  const req = new NextRequest(`http://localhost/api/v1/versions/${versionId}/approve`, { method: "POST", headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const res = await POST(req, { params: Promise.resolve({ versionId }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

beforeAll(async () => {
  await createMiniProgram(await s.as("developer"), createMiniProgramInput.parse({ appId: APP, name: "API approve" }));
});

describe("POST /api/v1/versions/{versionId}/approve", () => {
  it("200 with the version as it now is, its review included; then 409 from the new state", async () => {
    const id = await inReview();
    const res = await approve(id, "t_reviewer_demo", { comment: "Ship it." });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, appId: APP, status: "approved", uploadedBy: "developer@demo.test", reviews: [{ decision: "approved", reasons: [], comment: "Ship it.", reviewer: "reviewer@demo.test" }] });
    const again = await approve(id, "t_admin_demo");
    expect(again).toMatchObject({ status: 409, body: { error: { code: "conflict", details: { status: "approved" } } } });
  });

  it("takes an empty body", async () => {
    expect((await approve(await inReview(), "t_owner_demo")).status).toBe(200);
  });

  it.each([
    ["t_owner_demo", 200],
    ["t_admin_demo", 200],
    ["t_reviewer_demo", 200],
    ["t_developer_demo", 403],
    ["t_analyst_demo", 403],
  ])("%s → %i", async (token, status) => {
    const res = await approve(await inReview(), token);
    expect(res.status).toBe(status);
    if (status === 403) expect(res.body.error!.code).toBe("forbidden");
  });

  it("403 for the uploader, with a message that says why", async () => {
    const res = await approve(await inReview("admin"), "t_admin_demo");
    expect(res.status).toBe(403);
    expect(res.body.error!.message).toMatch(/uploaded this version/);
  });

  it("404 across organizations, and for a missing version; 401 without a token", async () => {
    const id = await inReview();
    expect(await approve(id, "t_admin_other")).toEqual({ status: 404, body: { error: { code: "not_found", message: "Version not found" } } });
    const theirs = (await listReviewQueue(await s.otherAdmin())).items[0]!.id;
    expect((await approve(theirs, "t_reviewer_demo")).status).toBe(404);
    expect((await approve("ver_0000000000000000000000zzzz", "t_reviewer_demo")).status).toBe(404);
    expect((await approve(id)).status).toBe(401);
  });

  it("two racing approvals: one 200, one 409", async () => {
    const id = await inReview();
    const results = await Promise.all([approve(id, "t_reviewer_demo"), approve(id, "t_owner_demo")]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });
});
