// Issue 17 item 3 (CONTRACT §12) from refusal to assignment: a developer checks a version against a host whose
// policy lacks what it needs, asks the host's admins in one click, the admin sees the count on the overview and
// approves on the host page, and the version is then assigned.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

const ADMIN = { authorization: "Bearer t_admin_demo" };
const DEVELOPER = { authorization: "Bearer t_developer_demo" };
const REVIEWER = { authorization: "Bearer t_reviewer_demo" };

async function pick(select: Locator, text: string) {
  const value = await select.locator("option", { hasText: text }).first().getAttribute("value");
  await select.selectOption(value!);
}

async function ok<T>(res: { status(): number; json(): Promise<unknown>; text(): Promise<string> }, status = 200): Promise<T> {
  if (res.status() !== status) throw new Error(`expected ${status}, got ${res.status()}: ${await res.text()}`);
  return (await res.json()) as T;
}

async function signedInAs(page: Page, who: "developer" | "admin") {
  const ctx = await page.context().browser()!.newContext({ storageState: authFile(who), baseURL: test.info().project.use.baseURL });
  return ctx.newPage();
}

test("a developer asks in one click, an admin approves on the host page, the assignment then succeeds", async ({ page, request }) => {
  test.setTimeout(90_000);
  const stamp = Date.now().toString(36);
  const appId = `com.e2e.scanner${stamp}`;
  const hostName = `Strict host ${stamp}`;

  // The developer's mini-program with an approved version that needs the camera and a domain the host does not allow.
  await ok(await request.post("/api/v1/mini-programs", { headers: DEVELOPER, data: { appId, name: `Scanner ${stamp}` } }), 201);
  const zip = buildMiniProgramPackage({ appId, name: `Scanner ${stamp}`, version: "1.0.0", permissions: ["camera"], domains: ["https://scan.demo.test"] });
  const up = await ok<{ version: { id: string } }>(
    await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...DEVELOPER, "content-type": "application/zip" }, data: Buffer.from(zip) }),
    201,
  );
  await ok(await request.post(`/api/v1/versions/${up.version.id}/submit`, { headers: DEVELOPER }));
  await ok(await request.post(`/api/v1/versions/${up.version.id}/approve`, { headers: REVIEWER, data: {} }));
  const host = await ok<{ id: string }>(
    await request.post("/api/v1/hosts", {
      headers: ADMIN,
      data: { name: hostName, platforms: [{ platform: "android", identifier: `com.e2e.strict${stamp}` }], policy: { allowedPermissions: ["location"], allowedDomains: [] } },
    }),
    201,
  );

  // The developer hits the policy error on the mini-program's page and asks in one click.
  const dev = await signedInAs(page, "developer");
  await dev.goto(`/o/demo/mini-programs/${appId}`);
  const where = dev.getByTestId("where-it-runs");
  await pick(where.getByLabel("Host app", { exact: true }), hostName);
  await pick(where.getByLabel("Version", { exact: true }), "1.0.0");
  await expect(where.getByTestId("policy-reasons")).toContainText("camera");
  await expect(where.getByRole("button", { name: "Assign", exact: true })).toHaveCount(0);
  await where.getByLabel("Why it needs this (optional)").fill("Scanning receipts needs the camera");
  await where.screenshot({ path: "test-results/permission-requests-ask.png" });
  await where.getByRole("button", { name: "Ask the host's admins for camera, https://scan.demo.test" }).click();
  await expect(where.getByTestId("permission-request-sent")).toBeVisible();
  await expect(where.getByTestId("permission-requests").getByTestId("request-status")).toHaveAttribute("data-status", "pending");

  // The admin sees the count on the overview, follows it to the host page, and approves.
  const admin = await signedInAs(page, "admin");
  await admin.goto("/o/demo");
  const banner = admin.getByTestId("overview-pending-requests");
  await expect(banner).toBeVisible();
  await banner.getByRole("link", { name: new RegExp(hostName) }).click();
  await expect(admin).toHaveURL(new RegExp(`/hosts/${host.id}`));
  const pending = admin.getByTestId("pending-requests");
  await expect(pending).toContainText(appId);
  await expect(pending).toContainText("Scanning receipts needs the camera");
  await admin.getByLabel("Comment (optional)").fill("Fine for receipts");
  await admin.getByTestId("host-requests").screenshot({ path: "test-results/permission-requests-pending.png" });
  await admin.getByRole("button", { name: "Approve and update the policy" }).click();
  await expect(admin.getByText("No requests wait for a decision.")).toBeVisible();
  await expect(admin.getByTestId("host-requests").getByTestId("request-status")).toHaveAttribute("data-status", "approved");

  // The policy now fits: the admin assigns the version from the host's page.
  await admin.goto(`/o/demo/hosts/${host.id}/assignments`);
  await pick(admin.getByLabel("Mini-program", { exact: true }), `Scanner ${stamp}`);
  await pick(admin.getByLabel("Version", { exact: true }), "1.0.0");
  await expect(admin.getByTestId("policy-fit")).not.toContainText("camera");
  await admin.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(admin.locator(`[data-testid="assignment-${appId}"]:visible`)).toBeVisible();

  // The developer sees the decision on the mini-program's page.
  await dev.reload();
  await expect(dev.getByTestId("where-it-runs").getByTestId("permission-requests").getByTestId("request-status")).toHaveAttribute("data-status", "approved");
  await expect(dev.getByTestId("request-decision")).toContainText("Fine for receipts");
  await dev.setViewportSize({ width: 390, height: 900 });
  await dev.screenshot({ path: "test-results/permission-requests-developer.png", fullPage: true });
  await admin.goto(`/o/demo/hosts/${host.id}`);
  await admin.screenshot({ path: "test-results/permission-requests-host.png", fullPage: true });
});

test("an admin rejects with a comment, and an admin who assigns can ask from the refusal", async ({ page, request }) => {
  const stamp = Date.now().toString(36);
  const appId = `com.e2e.refused${stamp}`;
  const hostName = `Closed host ${stamp}`;
  await ok(await request.post("/api/v1/mini-programs", { headers: ADMIN, data: { appId, name: `Refused ${stamp}` } }), 201);
  const zip = buildMiniProgramPackage({ appId, name: `Refused ${stamp}`, version: "1.0.0", permissions: ["nfc"], domains: [] });
  const up = await ok<{ version: { id: string } }>(
    await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...ADMIN, "content-type": "application/zip" }, data: Buffer.from(zip) }),
    201,
  );
  await ok(await request.post(`/api/v1/versions/${up.version.id}/submit`, { headers: ADMIN }));
  await ok(await request.post(`/api/v1/versions/${up.version.id}/approve`, { headers: REVIEWER, data: {} }));
  const host = await ok<{ id: string }>(
    await request.post("/api/v1/hosts", { headers: ADMIN, data: { name: hostName, platforms: [{ platform: "android", identifier: `com.e2e.closed${stamp}` }], policy: { allowedPermissions: [] } } }),
    201,
  );

  const admin = await signedInAs(page, "admin");
  await admin.goto(`/o/demo/hosts/${host.id}/assignments`);
  await pick(admin.getByLabel("Mini-program", { exact: true }), `Refused ${stamp}`);
  await pick(admin.getByLabel("Version", { exact: true }), "1.0.0");
  await admin.getByRole("button", { name: "Assign", exact: true }).click();
  const refusal = admin.getByRole("alert").filter({ hasText: "nfc" });
  await expect(refusal).toBeVisible();
  await refusal.getByRole("button", { name: "Ask the host's admins for nfc" }).click();
  await expect(admin.getByTestId("permission-request-sent")).toBeVisible();

  await admin.goto(`/o/demo/hosts/${host.id}`);
  const item = admin.getByTestId("pending-requests").locator("li").first();
  await item.getByRole("button", { name: "Reject", exact: true }).click();
  await item.getByRole("button", { name: "Reject with this comment" }).click();
  await expect(item.getByText("Say why, so the developer knows what to change.")).toBeVisible();
  await item.getByLabel("Comment", { exact: true }).fill("NFC is not offered in this app");
  await item.getByRole("button", { name: "Reject with this comment" }).click();
  await expect(admin.getByTestId("host-requests").getByTestId("request-decision")).toContainText("NFC is not offered in this app");
  const policy = await ok<{ policy: { allowedPermissions: string[] } }>(await request.get(`/api/v1/hosts/${host.id}`, { headers: ADMIN }));
  expect(policy.policy.allowedPermissions).toEqual([]);
});
