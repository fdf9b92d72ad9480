// Issue 6's path as an admin walks it: assign a version to two hosts, roll a new one out to 10 %, raise it to
// 50 %, pause, promote, roll back; the reference SDK client sees each step in the signed manifest.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { AtriumSdkClient } from "../sdk-client";
import { authFile } from "./helpers";

test.use({ storageState: authFile("admin") });

async function pick(select: Locator, text: string) {
  const value = await select.locator("option", { hasText: text }).first().getAttribute("value");
  await select.selectOption(value!);
}

async function hostId(page: Page, name: string): Promise<string> {
  const res = await page.request.get("/api/v1/hosts?limit=200", { headers: { authorization: "Bearer t_admin_demo" } });
  return ((await res.json()).items as { id: string; name: string }[]).find((h) => h.name === name)!.id;
}

async function weatherIds(page: Page) {
  const res = await page.request.get("/api/v1/mini-programs/com.demo.weather/versions", { headers: { authorization: "Bearer t_admin_demo" } });
  const items = (await res.json()).items as { id: string; version: string; status: string }[];
  return Object.fromEntries(items.map((v) => [v.version, v]));
}

async function assignWeather(page: Page, host: string) {
  await page.goto(`/o/demo/hosts/${await hostId(page, host)}/assignments`);
  await page.waitForLoadState("networkidle");
  await pick(page.getByLabel("Mini-program", { exact: true }), "Weather");
  await pick(page.getByLabel("Version", { exact: true }), "2.0.0");
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.locator(`[data-testid="assignment-com.demo.weather"]:visible`)).toBeVisible();
}

test("an admin assigns to two hosts and walks a staged rollout to promotion and back", async ({ page, baseURL }) => {
  // A reviewer approves the newer version first (the admin uploaded it, so cannot).
  const versions = await weatherIds(page);
  if (versions["2.1.0"]!.status === "in_review") {
    const ok = await page.request.post(`/api/v1/versions/${versions["2.1.0"]!.id}/approve`, { headers: { authorization: "Bearer t_reviewer_demo" } });
    expect(ok.status()).toBe(200);
  }

  await assignWeather(page, "Demo Workplace");
  await assignWeather(page, "Demo SuperApp");

  const client = new AtriumSdkClient({ baseUrl: baseURL!, sdkKey: "ak_e2e_demo_key", sdkSecret: "sk_e2e_demo_secret" });
  const weatherFor = async (user: string) =>
    (await client.getManifest({ user, platform: "ios", sdkVersion: "9.0.0" })).manifest.miniPrograms.find((m) => m.appId === "com.demo.weather")?.version;
  expect(await weatherFor("user-1")).toBe("2.0.0");

  await page.locator(`[data-testid="assignment-com.demo.weather"]:visible`).getByRole("link", { name: /Manage|Details/ }).first().click();
  await page.waitForLoadState("networkidle");
  await pick(page.getByLabel("Candidate version"), "2.1.0");
  await page.getByRole("button", { name: "Set as candidate" }).click();
  await expect(page.getByTestId("rollout-current")).toHaveText("Now: 0% of users");

  for (const percent of [10, 50]) {
    await page.getByRole("group", { name: "Quick steps" }).getByRole("button", { name: `${percent}%`, exact: true }).click();
    await page.getByRole("button", { name: `Apply ${percent}%` }).click();
    await expect(page.getByTestId("rollout-current")).toHaveText(`Now: ${percent}% of users`);
  }
  const users = Array.from({ length: 200 }, (_, i) => `e2e-user-${i}`);
  const on = async () => (await Promise.all(users.map(weatherFor))).filter((v) => v === "2.1.0").length;
  const at50 = await on();
  expect(at50).toBeGreaterThan(60);
  expect(at50).toBeLessThan(140);

  await page.getByRole("button", { name: "Pause" }).click();
  await expect(page.getByText("Paused: everyone gets the stable version")).toBeVisible();
  expect(await on()).toBe(0);
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();

  await page.getByRole("button", { name: "Promote to stable" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Promote to stable" }).click();
  await expect(page.getByText("No candidate: everyone gets the stable version.")).toBeVisible();
  expect(await on()).toBe(users.length);

  await page.getByRole("button", { name: "Roll back" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Roll back" }).click();
  await expect.poll(async () => weatherFor("user-1")).toBe("2.0.0");
  await expect(page.getByTestId("assignment-timeline")).toContainText(/rollback|Rolled back/i);
});
