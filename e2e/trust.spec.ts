// CONTRACT §13 in the console: release notes reach the reviewer as text, and the manifest signing keys show on a
// host's credentials page, with rotation from the organization settings.
import { expect, test } from "@playwright/test";
import { authFile } from "./helpers";

const NOTES = "## Parking 1.1.0\n\n- A history page of past sessions\n- <b>not bold</b>: markup stays text";

test.describe("release notes", () => {
  test("written by the developer, shown on the review page and in the diff header", async ({ browser, request }) => {
    const list = await request.get("/api/v1/mini-programs/com.demo.parking/versions", { headers: { authorization: "Bearer t_developer_demo" } });
    const v = ((await list.json()).items as { id: string; version: string }[]).find((i) => i.version === "1.1.0")!;
    const patched = await request.patch(`/api/v1/versions/${v.id}`, { headers: { authorization: "Bearer t_developer_demo" }, data: { notes: NOTES } });
    expect(patched.status()).toBe(200);

    const context = await browser.newContext({ storageState: authFile("reviewer") });
    const page = await context.newPage();
    await page.goto(`/o/demo/reviews/${v.id}`);
    const notes = page.getByTestId("release-notes").first();
    await expect(notes).toContainText("A history page of past sessions");
    // Markup is shown as text, never rendered.
    await expect(notes).toContainText("<b>not bold</b>");
    await expect(notes.locator("b")).toHaveCount(0);
    await expect(page.getByTestId("release-notes-details")).toBeVisible();
    await page.screenshot({ path: "test-results/trust-review-notes.png", fullPage: true });
    await context.close();
  });
});

test.describe("manifest signing keys", () => {
  test.use({ storageState: authFile("admin") });

  test("show on a host's credentials page; rotating in the settings adds a new active key and keeps the old one retiring", async ({ page, request }) => {
    const hosts = await request.get("/api/v1/hosts?limit=200", { headers: { authorization: "Bearer t_admin_demo" } });
    const host = ((await hosts.json()).items as { id: string; name: string }[]).find((h) => h.name === "Demo SuperApp")!;
    const hostUrl = `/o/demo/hosts/${host.id}`;
    await page.goto(`${hostUrl}/credentials`);
    const keys = page.getByTestId("manifest-key");
    await expect(keys.first()).toHaveAttribute("data-status", "active");
    const before = await keys.count();

    await page.goto("/o/demo/settings");
    await page.getByRole("button", { name: "Rotate signing key" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Rotate signing key" }).click();
    await expect(page.getByTestId("manifest-key-rotated")).toBeVisible();

    await page.goto(`${hostUrl}/credentials`);
    await expect(page.locator('[data-testid="manifest-key"][data-status="active"]')).toHaveCount(1);
    await expect(page.locator('[data-testid="manifest-key"][data-status="retiring"]')).toHaveCount(Math.max(1, before));
    await page.screenshot({ path: "test-results/trust-credentials-keys.png", fullPage: true });
  });
});
