import { expect, test } from "@playwright/test";
import { authFile } from "./helpers";

test.describe("a member of another organization", () => {
  test.use({ storageState: authFile("other-admin") });

  for (const path of ["/o/demo", "/o/demo/members", "/o/demo/audit", "/o/demo/hosts"]) {
    test(`gets not-found for ${path}`, async ({ page }) => {
      const res = await page.goto(path);
      expect(res?.status()).toBe(404);
      await expect(page.getByText("Demo Enterprise")).toHaveCount(0);
    });
  }

  test("sees only their own organization in the switcher", async ({ page }) => {
    await page.goto("/o/other");
    const options = page.getByTestId("org-switcher").first().locator("option");
    await expect(options).toHaveText(["Other Corp"]);
  });
});

test("API tokens see only their organization", async ({ request }) => {
  const demo = await request.get("/api/v1/mini-programs", { headers: { authorization: "Bearer t_admin_demo" } });
  const other = await request.get("/api/v1/mini-programs", { headers: { authorization: "Bearer t_admin_other" } });
  const demoItems = (await demo.json()).items as { id: string }[];
  const otherItems = (await other.json()).items as { id: string }[];
  expect(demoItems.length).toBeGreaterThan(otherItems.length);
  expect(demoItems.map((i) => i.id).filter((id) => otherItems.some((o) => o.id === id))).toEqual([]);
  const anon = await request.get("/api/v1/audit");
  expect(anon.status()).toBe(401);
  expect((await anon.json()).error.code).toBe("unauthenticated");
});
