// POST /api/v1/versions/{versionId}/revoke (the kill switch) through its route handler.
import { beforeAll, describe, expect, it } from "vitest";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { createMiniProgram, createMiniProgramInput } from "@/lib/services/mini-programs";
import { approveVersion } from "@/lib/services/reviews";
import { submitVersion, uploadVersion } from "@/lib/services/versions";
import { answer, apiRequest } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { POST } from "./route";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

const APP = "com.example.api-revoke";
let patch = 0;
async function version(approved = true) {
  const dev = await s.as("developer");
  const { version: v } = await uploadVersion(dev, APP, buildMiniProgramPackage({ appId: APP, version: `1.0.${++patch}` }));
  await submitVersion(dev, v.id);
  if (approved) await approveVersion(await s.as("reviewer"), v.id);
  return v.id;
}
const revoke = (versionId: string, token: string, body: unknown) =>
  answer(POST(apiRequest(token, `/api/v1/versions/${versionId}/revoke`, { method: "POST", body }), { params: Promise.resolve({ versionId }) }));

beforeAll(async () => {
  await createMiniProgram(await s.as("developer"), createMiniProgramInput.parse({ appId: APP, name: "API revoke" }));
});

describe("POST /api/v1/versions/{versionId}/revoke", () => {
  it("200: approved → revoked with the reason; again 409", async () => {
    const id = await version();
    const res = await revoke(id, "t_reviewer_demo", { reason: "Exfiltrates location data" });
    expect(res).toMatchObject({ status: 200, body: { id, status: "revoked", revokeReason: "Exfiltrates location data" } });
    expect(res.body.revokedAt).toEqual(expect.any(String));
    expect(await revoke(id, "t_admin_demo", { reason: "again" })).toMatchObject({ status: 409, body: { error: { code: "conflict", details: { status: "revoked" } } } });
  });

  it("409 for a version still in review", async () => {
    expect((await revoke(await version(false), "t_admin_demo", { reason: "x" })).status).toBe(409);
  });

  it("422 without a reason", async () => {
    expect((await revoke(await version(), "t_owner_demo", {})).status).toBe(422);
    expect((await revoke(await version(), "t_owner_demo", { reason: "   " })).status).toBe(422);
  });

  it.each([
    ["t_owner_demo", 200],
    ["t_admin_demo", 200],
    ["t_reviewer_demo", 200],
    ["t_developer_demo", 403],
    ["t_analyst_demo", 403],
    ["t_admin_other", 404],
  ])("%s → %i", async (token, status) => {
    expect((await revoke(await version(), token, { reason: "Drill" })).status).toBe(status);
  });
});
