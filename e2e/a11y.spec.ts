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

// Issue 13: the pages the release and analytics polish changed, in both languages and both themes, with the
// kill switch's confirmation open where it lives. One test per page and variant: each is a cold page on the server.
test.describe("release and analytics pages, every language and theme", () => {
  test.use({ storageState: authFile("owner") });
  test.describe.configure({ timeout: 90_000 });
  const auth = { authorization: "Bearer t_owner_demo" };
  const PAGES = ["analytics", "host analytics", "review queue", "review", "version", "assignment"] as const;

  async function pathOf(request: import("@playwright/test").APIRequestContext, name: (typeof PAGES)[number]): Promise<string | null> {
    const hosts = (await (await request.get("/api/v1/hosts?limit=200", { headers: auth })).json()).items as { id: string; name: string }[];
    const superApp = hosts.find((h) => h.name === "Demo SuperApp")!;
    if (name === "analytics") return "/o/demo/analytics";
    if (name === "host analytics") return `/o/demo/hosts/${superApp.id}/analytics`;
    if (name === "review queue") return "/o/demo/reviews";
    const versions = (await (await request.get("/api/v1/mini-programs/com.demo.parking/versions", { headers: auth })).json()).items as { id: string; status: string }[];
    if (name === "review") {
      const inReview = versions.find((v) => v.status === "in_review");
      return inReview ? `/o/demo/reviews/${inReview.id}` : null;
    }
    if (name === "version") return `/o/demo/mini-programs/com.demo.parking/versions/${versions.find((v) => v.status === "approved")!.id}`;
    const assignments = (await (await request.get(`/api/v1/hosts/${superApp.id}/assignments`, { headers: auth })).json()).items as { id: string; appId: string }[];
    return `/o/demo/hosts/${superApp.id}/assignments/${assignments.find((a) => a.appId === "com.demo.coupons")!.id}`;
  }

  for (const locale of ["en", "zh-CN"]) {
    for (const theme of ["light", "dark"]) {
      for (const name of PAGES) {
        test(`${name}, ${locale}, ${theme}: no serious accessibility violations`, async ({ page, context, baseURL }) => {
          await context.addCookies([
            { name: "atrium_locale", value: locale, url: baseURL! },
            { name: "atrium_theme", value: theme, url: baseURL! },
          ]);
          const path = await pathOf(page.request, name);
          test.skip(path === null, "nothing in review");
          await page.goto(path!);
          await page.waitForLoadState("networkidle");
          await expect(page.locator("html")).toHaveAttribute("lang", locale);
          const scan = async (label: string) => {
            const res = await new AxeBuilder({ page }).analyze();
            const serious = res.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
            expect(serious.map((v) => `${label} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
          };
          await scan(path!);
          const revoke = page.getByTestId("revoke-control").getByRole("button").first();
          if (await revoke.isVisible()) {
            await revoke.click();
            await expect(page.getByTestId("revoke-dialog")).toBeVisible();
            await scan(`${path} (revoke dialog)`);
            await page.keyboard.press("Escape");
          }
        });
      }
    }
  }
});
