// Issue 5's path: a reviewer works the queue, rejects with reasons the developer then reads; the uploader
// cannot decide on their own upload.
import { expect, test } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

test.describe("as a reviewer", () => {
  test.use({ storageState: authFile("reviewer") });

  test("opens the oldest version, reads the risk, and rejects it with reasons", async ({ page }) => {
    await page.goto("/o/demo/reviews");
    const first = page.getByTestId("queue-item").first();
    await expect(first).toContainText("com.demo.coupons");
    await expect(first).toContainText("1.2.0");
    await first.getByRole("link").first().click();
    await page.waitForLoadState("networkidle");
    await expect(page.getByTestId("decision-panel")).toBeVisible();
    await expect(page.getByTestId("diff-baseline")).toContainText("latest approved version");
    await page.getByLabel("Security risk").check();
    await page.getByLabel("Undeclared data collection").check();
    await page.getByLabel("Comment for the developer").fill("Sends tracking data to stats.coupon-partner.example without declaring it.");
    await page.getByRole("button", { name: "Reject version" }).click();
    // Rejection is final: confirmed like approval (issue 13, item 10).
    await page.getByRole("dialog").getByRole("button", { name: "Reject version" }).click();
    await expect(page.getByText("Status: Rejected", { exact: false })).toBeVisible();
  });
});

test.describe("as the developer", () => {
  test.use({ storageState: authFile("developer") });

  test("reads the decision, reasons and comment through the API", async ({ request }) => {
    const list = await request.get("/api/v1/mini-programs/com.demo.coupons/versions", { headers: { authorization: "Bearer t_developer_demo" } });
    const v = ((await list.json()).items as { id: string; version: string }[]).find((i) => i.version === "1.2.0")!;
    const res = await request.get(`/api/v1/versions/${v.id}`, { headers: { authorization: "Bearer t_developer_demo" } });
    const body = await res.json();
    expect(body.status).toBe("rejected");
    expect(body.reviews.at(-1)).toMatchObject({ decision: "rejected", reasons: expect.arrayContaining(["security_risk", "undeclared_data_collection"]) });
    expect(body.reviews.at(-1).comment).toContain("stats.coupon-partner.example");
  });
});

test.describe("as an admin who uploaded a version", () => {
  test.use({ storageState: authFile("admin") });

  test("sees why they cannot decide on their own upload", async ({ page, request }) => {
    // Self-contained: other specs decide on the seeded versions.
    const auth = { authorization: "Bearer t_admin_demo" };
    const appId = `com.e2e.own${Date.now()}`;
    expect((await request.post("/api/v1/mini-programs", { headers: auth, data: { appId, name: "Own upload", category: "utilities", description: "" } })).status()).toBe(201);
    const zip = buildMiniProgramPackage({ appId, name: "Own upload", version: "1.0.0" });
    const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...auth, "content-type": "application/zip" }, data: zip });
    expect(up.status()).toBe(201);
    const id = (await up.json()).version.id as string;
    expect((await request.post(`/api/v1/versions/${id}/submit`, { headers: auth })).status()).toBe(200);

    await page.goto(`/o/demo/reviews/${id}`);
    await expect(page.getByTestId("own-upload")).toContainText("separation of duties");
    await expect(page.getByRole("button", { name: "Reject version" })).toHaveCount(0);
    const approve = await request.post(`/api/v1/versions/${id}/approve`, { headers: auth });
    expect(approve.status()).toBe(403);
  });
});
