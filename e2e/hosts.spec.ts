// Issue 3's path as an admin walks it: register a host for iOS and Android, copy its credentials once,
// and the reference SDK client signs requests the server accepts.
import { expect, test } from "@playwright/test";
import { AtriumSdkClient } from "../sdk-client";
import { authFile } from "./helpers";

test.use({ storageState: authFile("admin") });

test("an admin registers a host app and its SDK credentials work once copied", async ({ page, baseURL }) => {
  await page.goto("/o/demo/hosts");
  await page.getByRole("link", { name: "Register host app" }).first().click();
  // The form is controlled by React: typing before it hydrates would be reset. Adding a platform row works only once
  // it has (a quiet network is no proof on a loaded machine: CI saw the name typed and then lost).
  await page.getByRole("button", { name: "Add platform" }).click();
  await expect(page.getByLabel("Platform 2")).toBeVisible();
  const name = `E2E SuperApp ${Date.now()}`;
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Platform 1").selectOption("ios");
  await page.getByLabel("Bundle ID (iOS)").fill("com.e2e.superapp");
  await page.getByLabel("Platform 2").selectOption("android");
  await page.getByLabel("Package name (Android)").fill("com.e2e.superapp");
  await page.getByRole("button", { name: "Register host app" }).click();

  await expect(page.getByTestId("host-created")).toBeVisible();
  const sdkKey = (await page.getByTestId("sdk-key").textContent())!.trim();
  const sdkSecret = (await page.getByTestId("one-time-secret").textContent())!.trim();
  expect(sdkSecret).toMatch(/^sk_/);

  const client = new AtriumSdkClient({ baseUrl: baseURL!, sdkKey, sdkSecret });
  const first = await client.getManifest({ user: "u-1", platform: "ios", sdkVersion: "3.0.0" });
  expect(first.manifest.miniPrograms).toEqual([]);
  const again = await client.getManifest({ user: "u-1", platform: "ios", sdkVersion: "3.0.0" });
  expect(again.notModified).toBe(true);

  const wrong = new AtriumSdkClient({ baseUrl: baseURL!, sdkKey, sdkSecret: "sk_wrong" });
  await expect(wrong.getManifest({ user: "u-1", platform: "ios", sdkVersion: "3.0.0" })).rejects.toMatchObject({ status: 401 });

  // The secret is never shown again.
  await page.getByRole("link", { name: "Open host app" }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByText(sdkSecret)).toHaveCount(0);
});

test.describe("as an analyst", () => {
  test.use({ storageState: authFile("analyst") });
  test("host apps are read-only and the register page does not exist", async ({ page }) => {
    await page.goto("/o/demo/hosts");
    await expect(page.getByRole("link", { name: "Register host app" })).toHaveCount(0);
    const res = await page.goto("/o/demo/hosts/new");
    expect(res?.status()).toBe(404);
  });
});
