// axe on the main pages, desktop and phone width: no serious or critical violations.
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { authFile } from "./helpers";

const PAGES = ["/o/demo", "/o/demo/hosts", "/o/demo/mini-programs", "/o/demo/reviews", "/o/demo/analytics", "/o/demo/audit", "/o/demo/members", "/o/demo/tokens", "/o/demo/settings"];

test("the sign-in page has no serious accessibility violations", async ({ page }) => {
  await page.goto("/sign-in");
  const res = await new AxeBuilder({ page }).analyze();
  expect(res.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
});

test.describe("signed in", () => {
  test.use({ storageState: authFile("owner") });
  for (const path of PAGES) {
    test(`${path} has no serious accessibility violations`, async ({ page }) => {
      await page.goto(path);
      // Scan the page as a person reads it: after client data (the analytics dashboard) has loaded.
      await page.waitForLoadState("networkidle");
      const res = await new AxeBuilder({ page }).analyze();
      const serious = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
    });
  }

  test("on a phone the menu opens from a button and the page does not scroll sideways", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/o/demo/members");
    await page.getByRole("button", { name: "Open menu" }).click();
    await expect(page.locator("#mobile-nav").getByRole("link", { name: "Audit log" })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
