import { expect, test } from "@playwright/test";
import { authFile, presentationOnly } from "./helpers";

test.use({ storageState: authFile("admin") });
presentationOnly();

test("switching to Simplified Chinese translates the console and persists", async ({ page }) => {
  await page.goto("/o/demo");
  await expect(page.getByRole("heading", { name: "Overview", exact: true })).toBeVisible();
  await page.getByTestId("language-switch").last().selectOption("zh-CN");
  await expect(page.getByRole("heading", { name: "概览", exact: true })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await page.goto("/o/demo/members");
  await expect(page.getByRole("heading", { name: "成员", exact: true })).toBeVisible();
  await page.getByTestId("language-switch").last().selectOption("en");
  await expect(page.getByRole("heading", { name: "Members", exact: true })).toBeVisible();
});
