import { expect, type Page } from "@playwright/test";

export const ROLES = ["owner", "admin", "reviewer", "developer", "analyst"] as const;
export type DemoRole = (typeof ROLES)[number];
export const PASSWORD = process.env.SEED_PASSWORD ?? "demo-password";
export const authFile = (who: string) => `e2e/.auth/${who}.json`;

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function expectSignedIn(page: Page, email: string) {
  await expect(page.getByTestId("whoami")).toContainText(email);
}
