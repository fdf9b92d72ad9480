import { expect, test } from "@playwright/test";
import { expectSignedIn, fillPasswordSignIn, signIn } from "./helpers";

test("a wrong password shows a clear error and signs nobody in", async ({ page }) => {
  await signIn(page, "admin@demo.test", "not-the-password");
  await expect(page.getByRole("alert").filter({ hasText: "not correct" })).toHaveText("The email or password is not correct.");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByLabel("Email")).toHaveValue("admin@demo.test");
});

test("a signed-out visitor is sent to sign in, and back afterwards", async ({ page }) => {
  await page.goto("/o/demo/members");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fo%2Fdemo%2Fmembers/);
  await fillPasswordSignIn(page, "admin@demo.test");
  await expect(page).toHaveURL(/\/o\/demo\/members$/);
  await expect(page.getByRole("heading", { name: "Members" })).toBeVisible();
});

test("signing out ends the session on the server: the old cookie no longer works", async ({ page, context }) => {
  await signIn(page, "reviewer@demo.test");
  await expectSignedIn(page, "reviewer@demo.test");
  const cookies = await context.cookies();
  await page.getByRole("button", { name: "Sign out" }).last().click();
  await expect(page).toHaveURL(/\/sign-in/);
  // Replaying the old session cookie must not sign anyone in.
  await context.addCookies(cookies);
  await page.goto("/o/demo");
  await expect(page).toHaveURL(/\/sign-in/);
});
