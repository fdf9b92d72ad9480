// Each role sees the navigation CONTRACT §1 gives it, and the server refuses what the menu hides.
import { expect, test } from "@playwright/test";
import { authFile, ROLES, type DemoRole } from "./helpers";

const EXPECTED: Record<DemoRole, string[]> = {
  owner: ["Overview", "Host apps", "Mini-programs", "Releases", "Reviews", "Analytics", "Audit log", "Members", "API tokens", "Settings"],
  admin: ["Overview", "Host apps", "Mini-programs", "Releases", "Reviews", "Analytics", "Audit log", "Members", "API tokens", "Settings"],
  reviewer: ["Overview", "Host apps", "Mini-programs", "Releases", "Reviews", "Analytics", "Members", "Settings"],
  developer: ["Overview", "Host apps", "Mini-programs", "Releases", "Analytics", "Members", "API tokens", "Settings"],
  analyst: ["Overview", "Host apps", "Mini-programs", "Releases", "Analytics", "Members", "Settings"],
};

for (const role of ROLES) {
  test.describe(`as ${role}`, () => {
    test.use({ storageState: authFile(role) });

    test("sees exactly the navigation for the role", async ({ page }) => {
      await page.goto("/o/demo");
      const nav = page.getByRole("navigation", { name: "Main navigation" }).last();
      // Above the menu, creating an organization (ALLOW_ORG_CREATION is on by default); below it, the person's account.
      await expect(nav.getByRole("link")).toHaveText(["+ New organization", ...EXPECTED[role], "Your account"]);
      await expect(page.getByTestId("current-role")).toHaveText(role[0]!.toUpperCase() + role.slice(1));
    });
  });
}

test.describe("hidden pages are refused on the server too", () => {
  test.use({ storageState: authFile("analyst") });
  test("an analyst opening the audit log gets the not-found page", async ({ page }) => {
    const res = await page.goto("/o/demo/audit");
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  });
  test("an analyst cannot download the audit CSV", async ({ request }) => {
    const res = await request.get("/o/demo/audit/export");
    expect(res.status()).toBe(403);
  });
});
