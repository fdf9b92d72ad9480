// Issue 13, items 7–11, as an admin handling an incident walks it: what every user gets now, the kill switch on
// the assignment and version pages (the same confirmation and reason), the revocation on the timeline, replacing
// the stable version, reject confirmed like approve, and the review queue's baseline wording.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

test.use({ storageState: authFile("admin") });
// Each test builds its own data through the API and waits for client-side figures: slow on a shared machine.
test.describe.configure({ timeout: 120_000 });

const ADMIN = { authorization: "Bearer t_admin_demo" };
const REVIEWER = { authorization: "Bearer t_reviewer_demo" };
const stamp = Date.now().toString(36);

async function version(request: APIRequestContext, appId: string, v: string, approve: boolean): Promise<string> {
  const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, {
    headers: { ...ADMIN, "content-type": "application/zip" },
    data: buildMiniProgramPackage({ appId, name: "Incident lab", version: v }),
  });
  expect(up.status()).toBe(201);
  const id = (await up.json()).version.id as string;
  expect((await request.post(`/api/v1/versions/${id}/submit`, { headers: ADMIN })).status()).toBe(200);
  // The admin uploaded it, so a reviewer decides (separation of duties).
  if (approve) expect((await request.post(`/api/v1/versions/${id}/approve`, { headers: REVIEWER })).status()).toBe(200);
  return id;
}

/** A host running 1.0.0 of a fresh mini-program, with 1.1.0 paused at 10 %; 0.9.0 approved too. */
async function pausedRollout(request: APIRequestContext) {
  const appId = `com.e2e.incident${stamp}`;
  expect((await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId, name: "Incident lab", category: "utilities", description: "" } })).status()).toBe(201);
  const v090 = await version(request, appId, "0.9.0", true);
  const v100 = await version(request, appId, "1.0.0", true);
  const v110 = await version(request, appId, "1.1.0", true);
  const host = await request.post("/api/v1/hosts", { headers: ADMIN, data: { name: `Incident host ${stamp}`, platforms: [{ platform: "ios", identifier: `com.e2e.host${stamp}` }] } });
  expect(host.status()).toBe(201);
  const hostId = (await host.json()).id as string;
  const a = await request.post(`/api/v1/hosts/${hostId}/assignments`, { headers: ADMIN, data: { appId, versionId: v100 } });
  expect(a.status()).toBe(201);
  const id = (await a.json()).id as string;
  expect((await request.patch(`/api/v1/assignments/${id}`, { headers: ADMIN, data: { candidateVersionId: v110, rolloutPercent: 10, paused: true } })).status()).toBe(200);
  return { appId, hostId, id, v090, v100, v110, url: `/o/demo/hosts/${hostId}/assignments/${id}` };
}

test("an incident on a paused rollout: what users get, revoke from the assignment, replace the stable version", async ({ page, request }) => {
  const lab = await pausedRollout(request);
  await page.goto(lab.url);

  // Item 8: paused, everyone gets the stable version; the candidate is held, not "Delivered, 10% of users".
  const now = page.getByTestId("serving-now");
  await expect(now).toContainText(`Everyone on Incident host ${stamp} gets 1.0.0.`);
  await expect(now).toContainText("The rollout of 1.1.0 is paused at 10%: it reaches no one until you resume it.");
  await expect(page.getByTestId("rollout-percent").first()).toHaveText("Paused at 10%");
  await expect(page.locator('[data-delivery="held"]')).toHaveText("Held: paused");
  await expect(page.getByText("10% of users")).toHaveCount(0);

  // Item 7: the kill switch is here, confirmed with a reason like on the review page.
  const kill = page.getByTestId("assignment-kill-switch");
  await kill.getByRole("button", { name: "Revoke 1.0.0…" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke Incident lab 1.0.0?" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Revoke version" }).click();
  await expect(dialog.getByText("Say why the version is revoked.")).toBeVisible();
  await dialog.getByLabel("Reason").fill("Leaks session tokens to the log");
  await dialog.getByRole("button", { name: "Revoke version" }).click();
  await expect(dialog).toBeHidden();

  // Items 8 and 9: nobody gets it now, and the timeline says why.
  await expect(now).toContainText("Nobody on Incident host");
  await expect(now).toContainText("the stable version 1.0.0 is revoked");
  await expect(page.getByTestId("assignment-timeline").locator("li").first()).toContainText("The stable version 1.0.0 was revoked: Leaks session tokens to the log");
  const v = await request.get(`/api/v1/versions/${lab.v100}`, { headers: ADMIN });
  expect((await v.json()).status).toBe("revoked");

  // Item 9: replace the stable version directly, confirmed.
  const replace = page.getByTestId("replace-stable");
  await replace.getByLabel("New stable version").selectOption(lab.v090);
  await replace.getByRole("button", { name: "Make stable" }).click();
  const confirm = page.getByRole("dialog", { name: `Make 0.9.0 the stable version on Incident host ${stamp}?` });
  await confirm.getByRole("button", { name: "Make stable" }).click();
  await expect(now).toContainText(`Everyone on Incident host ${stamp} gets 0.9.0.`);
  await expect(page.getByTestId("assignment-timeline").locator("li").first()).toContainText("Replaced the stable version 1.0.0 with 0.9.0");
  const after = await (await request.get(`/api/v1/assignments/${lab.id}`, { headers: ADMIN })).json();
  expect(after).toMatchObject({ stableVersionId: lab.v090, previousStableVersionId: lab.v100, candidateVersionId: lab.v110, paused: true });
  const audit = await (await request.get("/api/v1/audit?limit=20", { headers: ADMIN })).json();
  expect((audit.items as { action: string }[]).map((e) => e.action)).toContain("assignment.replace_stable");
});

test("the version page has the same kill switch", async ({ page, request }) => {
  const appId = `com.e2e.vpage${stamp}`;
  expect((await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId, name: "Version page lab", category: "utilities", description: "" } })).status()).toBe(201);
  const id = await version(request, appId, "1.0.0", true);
  await page.goto(`/o/demo/mini-programs/${appId}/versions/${id}`);
  await page.getByRole("button", { name: "Revoke 1.0.0…" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke Version page lab 1.0.0?" });
  // Escape cancels and changes nothing.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  expect((await (await request.get(`/api/v1/versions/${id}`, { headers: ADMIN })).json()).status).toBe("approved");
  await page.getByRole("button", { name: "Revoke 1.0.0…" }).click();
  await dialog.getByLabel("Reason").fill("Crashes at start on Android 9");
  await dialog.getByRole("button", { name: "Revoke version" }).click();
  await expect(page.getByTestId("status-note")).toContainText("Crashes at start on Android 9");
  await expect(page.getByRole("button", { name: "Revoke 1.0.0…" })).toHaveCount(0);
});

test.describe("as a reviewer", () => {
  test.use({ storageState: authFile("reviewer") });

  test("rejecting is confirmed like approving (item 10), and the queue says when nothing approved precedes a version (item 11)", async ({ page, request }) => {
    const appId = `com.e2e.neverok${stamp}`;
    expect((await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId, name: "Never approved", category: "utilities", description: "" } })).status()).toBe(201);
    const first = await version(request, appId, "1.0.0", false);
    await page.goto(`/o/demo/reviews?app=${appId}`);
    await expect(page.locator(`[data-version-id="${first}"]`)).toContainText("First version");

    await page.goto(`/o/demo/reviews/${first}`);
    await page.waitForLoadState("networkidle");
    await page.getByLabel("Broken functionality").check();
    await page.getByRole("button", { name: "Reject version" }).click();
    const dialog = page.getByRole("dialog", { name: "Reject Never approved 1.0.0?" });
    await expect(dialog).toContainText("Rejection is final");
    await expect(dialog).toContainText("Broken functionality");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect((await (await request.get(`/api/v1/versions/${first}`, { headers: ADMIN })).json()).status).toBe("in_review");
    await page.getByRole("button", { name: "Reject version" }).click();
    await dialog.getByRole("button", { name: "Reject version" }).click();
    await expect(page.getByText("Status: Rejected", { exact: false })).toBeVisible();

    const second = await version(request, appId, "1.1.0", false);
    await page.goto(`/o/demo/reviews?app=${appId}`);
    await expect(page.locator(`[data-version-id="${second}"]`)).toContainText("No approved version to compare with");
    await expect(page.locator(`[data-version-id="${second}"]`)).not.toContainText("First version");
    await page.goto(`/o/demo/reviews/${second}`);
    await expect(page.getByTestId("diff-baseline")).toContainText("none was approved");
  });
});
