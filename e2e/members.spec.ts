import { expect, test } from "@playwright/test";
import { authFile, signIn } from "./helpers";

test.describe("as an admin", () => {
  test.use({ storageState: authFile("admin") });

  test("invites a member who joins through the link, once", async ({ page, browser }) => {
    await page.goto("/o/demo/members");
    const email = `invitee-${Date.now()}@demo.test`;
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Role", { exact: true }).selectOption("reviewer");
    await page.getByRole("button", { name: "Create invitation" }).click();
    const link = (await page.getByTestId("one-time-secret").textContent())!.trim();
    expect(link).toContain("/invite/");

    // A fresh visitor: browser.newContext() would otherwise inherit the admin's storage state.
    const guest = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const g = await guest.newPage();
    await g.goto(link);
    await expect(g.getByText("You are invited to Demo Enterprise as Reviewer.")).toBeVisible();
    await g.getByLabel("Your name").fill("Ivy Invitee");
    await g.getByLabel("Choose a password").fill("a-strong-password-1");
    await g.getByRole("button", { name: "Accept invitation" }).click();
    await expect(g).toHaveURL(/\/sign-in/);
    await signIn(g, email, "a-strong-password-1");
    await expect(g.getByTestId("current-role")).toHaveText("Reviewer");
    await g.goto(link);
    await expect(g.getByRole("alert").filter({ hasText: "invalid" })).toContainText("invalid, already used, or expired");
    await guest.close();

    await page.reload();
    await expect(page.getByTestId(`member-${email}`)).toContainText("Reviewer");
  });

  test("cannot change or remove the owner", async ({ page }) => {
    await page.goto("/o/demo/members");
    const owner = page.getByTestId("member-owner@demo.test");
    await expect(owner.getByRole("combobox")).toHaveCount(0);
    await expect(owner.getByRole("button", { name: "Remove" })).toHaveCount(0);
  });

  test("creates an API token that is shown once and works against the API", async ({ page, request }) => {
    await page.goto("/o/demo/tokens");
    await page.getByLabel("Name").fill("e2e pipeline");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("one-time-secret").textContent())!.trim();
    const res = await request.get("/api/v1/hosts", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status()).toBe(200);
    await page.reload();
    await expect(page.getByTestId("one-time-secret")).toHaveCount(0);
    await expect(page.getByRole("cell", { name: /e2e pipeline/ })).toBeVisible();
  });
});
