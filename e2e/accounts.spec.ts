// Accounts (issue 20 item 2): the account page from the sidebar (name, language, password change ending the other
// sessions) and the reset link an admin issues, on a throwaway member made through an invitation, so the seeded
// users' passwords never change. The e2e server has no SMTP_URL: the forgot form sends people to an administrator.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { authFile, fillPasswordSignIn, signIn } from "./helpers";

test.describe.configure({ mode: "serial" });
test.use({ storageState: authFile("admin") });

const email = `account-${Date.now()}@demo.test`;
const FIRST = "first-password-123";
const SECOND = "second-password-456";
const THIRD = "third-password-789";

const fresh = (browser: Browser) => browser.newContext({ storageState: { cookies: [], origins: [] } });

async function invite(page: Page): Promise<string> {
  await page.goto("/o/demo/members");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("analyst");
  await page.getByRole("button", { name: "Create invitation" }).click();
  return (await page.getByTestId("one-time-secret").textContent())!.trim();
}

test("a member edits their profile and changes their password; their other session ends, this one stays", async ({ page, browser }) => {
  // Two browsers of a fresh person and four argon2 hashes: longer than the default on a small machine.
  test.setTimeout(120_000);
  const link = await invite(page);
  const a = await fresh(browser);
  const pa = await a.newPage();
  await pa.goto(link);
  await pa.getByLabel("Your name").fill("Acct Person");
  await pa.getByLabel("Choose a password").fill(FIRST);
  await pa.getByRole("button", { name: "Accept invitation" }).click();
  await expect(pa).toHaveURL(/\/sign-in/);
  await signIn(pa, email, FIRST);
  await expect(pa.getByTestId("whoami")).toContainText(email);
  // A second browser of the same person.
  const b = await fresh(browser);
  const pb = await b.newPage();
  await signIn(pb, email, FIRST);
  await expect(pb.getByTestId("whoami")).toContainText(email);

  // From the sidebar's user block, by keyboard.
  await pa.getByTestId("account-link").focus();
  await pa.keyboard.press("Enter");
  await expect(pa).toHaveURL(/\/o\/demo\/account$/);
  await expect(pa.getByRole("heading", { name: "Your account" })).toBeVisible();
  const profile = pa.getByTestId("profile-form");
  await profile.getByLabel("Name").fill("Acct Renamed");
  await profile.getByLabel("Language").selectOption("zh-CN");
  await pa.getByRole("button", { name: "Save profile" }).click();
  // Saved on the person: the page comes back in Chinese, and the name is theirs everywhere.
  await expect(pa.getByRole("heading", { name: "你的账户" })).toBeVisible();
  await expect(pa.locator("#account-name")).toHaveValue("Acct Renamed");

  // Password change: the wrong current password changes nothing; the right one ends the other session only.
  await pa.locator("#current-password").fill("not-my-password");
  await pa.locator("#new-password").fill(SECOND);
  await pa.getByRole("button", { name: "修改密码" }).click();
  await expect(pa.getByText("The current password is wrong")).toBeVisible();
  await pa.locator("#current-password").fill(FIRST);
  await pa.locator("#new-password").fill(SECOND);
  await pa.getByRole("button", { name: "修改密码" }).click();
  await expect(pa.getByTestId("password-changed")).toContainText("1");
  await pb.reload();
  await expect(pb).toHaveURL(/\/sign-in/);
  await pa.reload();
  await expect(pa.getByTestId("whoami")).toContainText(email);
  await a.close();

  // The new password signs in; and the language chosen comes with the person to a new browser.
  await fillPasswordSignIn(pb, email, SECOND);
  await expect(pb.getByTestId("whoami")).toContainText(email);
  await expect(pb.locator("html")).toHaveAttribute("lang", "zh-CN");
  await b.close();
});

test("an admin issues a one-time reset link; it works once; without SMTP the forgot form says to ask an admin", async ({ page, browser }) => {
  await page.goto("/o/demo/members");
  await page.getByTestId(`member-${email}`).getByRole("button", { name: "Reset password" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Issue the link" }).click();
  const link = (await page.getByTestId("reset-link-created").getByTestId("one-time-secret").textContent())!.trim();
  expect(link).toContain("/reset-password/");

  const g = await fresh(browser);
  const pg = await g.newPage();
  await pg.goto("/sign-in");
  await pg.getByRole("link", { name: "Forgot password?" }).click();
  await expect(pg.getByTestId("forgot-no-mail")).toContainText("Ask an owner or admin");

  await pg.goto(link);
  await expect(pg.getByText(`For ${email}.`)).toBeVisible();
  await pg.getByLabel("New password").fill(THIRD);
  await pg.getByRole("button", { name: "Set the new password" }).click();
  await expect(pg.getByTestId("reset-done")).toBeVisible();
  await pg.goto(link);
  await expect(pg.getByText("This reset link was already used")).toBeVisible();
  await pg.goto("/reset-password/prs_00000000000000000000000000.nonsense");
  await expect(pg.getByText("This reset link is not valid")).toBeVisible();
  await signIn(pg, email, THIRD);
  await expect(pg.getByTestId("whoami")).toContainText(email);
  await g.close();
});
