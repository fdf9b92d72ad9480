// Issue 16 as a user sees it: the API reference linked from API tokens, a webhook's test event and delivery
// log, and the API's idempotency and rate-limit headers over real HTTP.
import { expect, test } from "@playwright/test";
import { authFile } from "./helpers";

test.describe("as an admin", () => {
  test.use({ storageState: authFile("admin") });

  test("opens the API reference from the API tokens page", async ({ page, request }) => {
    await page.goto("/o/demo/tokens");
    await page.getByRole("link", { name: "API reference" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
    const upload = page.locator("#uploadVersion");
    await expect(upload).toContainText("/api/v1/mini-programs/{appId}/versions");
    await expect(upload).toContainText("application/zip");
    await expect(page.locator("#createHost")).toContainText("Idempotency-Key");
    await page.getByRole("link", { name: "Host", exact: true }).first().click();
    await expect(page).toHaveURL(/#schema-Host$/);
    const doc = await request.get("/api/v1/openapi.json");
    expect(doc.status()).toBe(200);
    expect((await doc.json()).openapi).toBe("3.1.0");
  });

  test("sends a test event to an endpoint and reads it in the endpoint's delivery log", async ({ page }) => {
    await page.goto("/o/demo/settings/webhooks");
    await page.getByLabel("URL").fill("https://hooks.atrium-e2e-nowhere-7f3k2.com/receiver");
    await page.getByLabel("Version approved").check();
    await page.getByRole("button", { name: "Add endpoint" }).click();
    await expect(page.getByText("Copy the signing secret now")).toBeVisible();
    const endpoint = page.getByTestId("webhook-endpoints").locator("li", { hasText: "atrium-e2e-nowhere-7f3k2.com" });
    await endpoint.getByRole("button", { name: "Send test event" }).click();
    // The host does not resolve: the outcome is shown at once, with the reason.
    await expect(page.getByTestId("webhook-test-result")).toContainText("Test event failed");
    await endpoint.getByRole("link", { name: "Delivery log" }).click();
    await expect(page.getByRole("heading", { name: /Delivery log of https:\/\/hooks\.atrium-e2e-nowhere-7f3k2\.com/ })).toBeVisible();
    const row = page.getByTestId("webhook-deliveries").locator("tr").first();
    await expect(row).toContainText("webhook.test");
    await expect(row).toHaveAttribute("data-status", "failed");
    await expect(row.getByRole("button", { name: "Redeliver" })).toBeEnabled();
  });
});

test("the API answers rate-limit headers and replays an idempotent POST", async ({ request }) => {
  const headers = { authorization: "Bearer t_admin_demo", "idempotency-key": `e2e-${Date.now()}` };
  const body = { appId: `com.e2e.idem${Date.now().toString(36)}`, name: "Idempotent" };
  const first = await request.post("/api/v1/mini-programs", { headers, data: body });
  expect(first.status()).toBe(201);
  expect(Number(first.headers()["ratelimit-limit"])).toBeGreaterThan(0);
  expect(first.headers()["ratelimit-remaining"]).toMatch(/^\d+$/);
  const again = await request.post("/api/v1/mini-programs", { headers, data: body });
  expect(again.status()).toBe(201);
  expect(again.headers()["idempotent-replayed"]).toBe("true");
  expect(await again.json()).toEqual(await first.json());
  const other = await request.post("/api/v1/mini-programs", { headers, data: { ...body, name: "Another" } });
  expect(other.status()).toBe(409);
});
