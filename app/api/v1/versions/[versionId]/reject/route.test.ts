// POST /api/v1/versions/{versionId}/reject through its route handler; the developer then reads the decision.
import { beforeAll, describe, expect, it } from "vitest";
import { withTempBlobStore } from "@/lib/blobs/testing";
import { buildMiniProgramPackage } from "@/lib/packages/zip-writer";
import { setWebhookDispatcherAuto } from "@/lib/webhooks/dispatcher";
import { createMiniProgram, createMiniProgramInput } from "@/lib/services/mini-programs";
import { submitVersion, uploadVersion } from "@/lib/services/versions";
import { answer, apiRequest } from "@/test/api";
import { useSeededDb } from "@/test/seeded";
import { GET as getVersionRoute } from "../route";
import { POST } from "./route";

withTempBlobStore();
const s = useSeededDb();
setWebhookDispatcherAuto(false);

const APP = "com.example.api-reject";
let patch = 0;
async function inReview() {
  const dev = await s.as("developer");
  const { version } = await uploadVersion(dev, APP, buildMiniProgramPackage({ appId: APP, version: `1.0.${++patch}` }));
  await submitVersion(dev, version.id);
  return version.id;
}
const reject = (versionId: string, token: string, body: string | object) =>
  answer(POST(apiRequest(token, `/api/v1/versions/${versionId}/reject`, { method: "POST", body }), { params: Promise.resolve({ versionId }) }));

beforeAll(async () => {
  await createMiniProgram(await s.as("developer"), createMiniProgramInput.parse({ appId: APP, name: "API reject" }));
});

describe("POST /api/v1/versions/{versionId}/reject", () => {
  it("200 with reasons and comment, which the developer then reads from GET /versions/{id}", async () => {
    const id = await inReview();
    const body = { reasons: ["undeclared_data_collection", "security_risk"], comment: "Sends the contact list to a third party." };
    const res = await reject(id, "t_reviewer_demo", body);
    expect(res).toMatchObject({ status: 200, body: { id, status: "rejected", reviews: [{ decision: "rejected", ...body, reviewer: "reviewer@demo.test" }] } });
    const read = await answer(getVersionRoute(apiRequest("t_developer_demo", `/api/v1/versions/${id}`), { params: Promise.resolve({ versionId: id }) }));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: "rejected", reviews: [{ decision: "rejected", reasons: body.reasons, comment: body.comment }] });
    // A rejected version stays rejected.
    expect((await reject(id, "t_admin_demo", body)).status).toBe(409);
  });

  it.each([
    ["no reasons", { reasons: [], comment: "x" }],
    ["a reason outside the catalog", { reasons: ["ugly"], comment: "x" }],
    ["reasons missing", { comment: "x" }],
    ["“other” without a comment", { reasons: ["other"] }],
    ["not JSON", "{reasons"],
  ])("422 for %s, and nothing changes", async (_label, body) => {
    const id = await inReview();
    const res = await reject(id, "t_reviewer_demo", body);
    expect(res.status).toBe(422);
    expect(res.body.error!.code).toBe("invalid_input");
    expect((await reject(id, "t_reviewer_demo", { reasons: ["other"], comment: "Now with a comment." })).status).toBe(200);
  });

  it("403 for a developer and an analyst; 404 across organizations", async () => {
    const id = await inReview();
    const body = { reasons: ["policy_violation"], comment: "" };
    expect((await reject(id, "t_developer_demo", body)).status).toBe(403);
    expect((await reject(id, "t_analyst_demo", body)).status).toBe(403);
    expect((await reject(id, "t_admin_other", body)).status).toBe(404);
  });
});
