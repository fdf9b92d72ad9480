// Issue 4's path as a developer walks it: create a mini-program, upload a package, read the report, submit.
import path from "node:path";
import { expect, test } from "@playwright/test";
import { authFile } from "./helpers";

const FIXTURES = path.join(import.meta.dirname, "..", "test", "fixtures", "packages");

test.use({ storageState: authFile("developer") });

test("a developer creates a mini-program, uploads a package, reads the report and submits it", async ({ page }) => {
  await page.goto("/o/demo/mini-programs");
  await page.getByRole("link", { name: "New mini-program" }).or(page.getByRole("button", { name: "New mini-program" })).first().click();
  await page.waitForLoadState("networkidle");
  await page.getByLabel("App ID").fill("com.example.fixture");
  await page.getByLabel("Name").fill("Fixture");
  await page.getByRole("button", { name: "Create mini-program" }).click();
  await expect(page.getByRole("heading", { name: "Fixture" })).toBeVisible();

  await page.getByTestId("upload-input").setInputFiles(path.join(FIXTURES, "bad-traversal.zip"));
  await expect(page.getByText("The package was rejected. Fix the errors below and upload it again.")).toBeVisible();
  await expect(page.getByText("unsafe_path").first()).toBeVisible();

  await page.getByTestId("upload-input").setInputFiles(path.join(FIXTURES, "ok-1.1.0-warnings.zip"));
  await expect(page.getByText("Version 1.1.0 was uploaded as a draft.")).toBeVisible();
  for (const code of ["undeclared_permission", "platform_specific_api", "undeclared_domain"]) {
    await expect(page.getByText(code).first()).toBeVisible();
  }
  await expect(page.getByText(/^[0-9a-f]{64}$/).first()).toBeVisible();
  await page.getByRole("button", { name: "Submit for review" }).first().click();
  const confirm = page.getByRole("dialog");
  if (await confirm.isVisible().catch(() => false)) await confirm.getByRole("button", { name: /Submit/ }).click();
  await expect(page.getByText("Version 1.1.0 was uploaded and submitted for review.")).toBeVisible();
});

test("the API refuses a package over the size limit with 413", async ({ request }) => {
  const res = await request.post("/api/v1/mini-programs/com.demo.coupons/versions", {
    headers: { authorization: "Bearer t_developer_demo", "content-type": "application/zip" },
    data: Buffer.alloc(11 * 1024 * 1024),
  });
  expect(res.status()).toBe(413);
  expect((await res.json()).error.code).toBe("payload_too_large");
});
