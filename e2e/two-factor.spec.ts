// Two-factor authentication end to end (issue 15 item 4): a new admin enrols from Settings → Security (the key read
// from the page, codes computed with otpauth like an authenticator app), signs out, signs in with password + code,
// then with a recovery code, which is refused the second time. Then the organization requires two-factor: a member
// without it who signs in with a password is sent to set it up before using the console.
import { expect, test, type Page } from "@playwright/test";
import * as OTPAuth from "otpauth";
import { authFile, expectSignedIn, fillPasswordSignIn, signIn } from "./helpers";

// Each test signs in two or three times through argon2id: more than the default 30 s on a busy machine.
test.describe.configure({ mode: "serial", timeout: 120_000 });

const EMAIL = `two-factor-${Date.now()}@demo.test`;
const PASSWORD = "a-strong-password-2fa";
let secret = "";
let recovery: string[] = [];

/** What an authenticator app shows `steps` 30-second steps from now. */
const codeAt = (steps = 0) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: "SHA1", digits: 6, period: 30 }).generate({ timestamp: Date.now() + steps * 30_000 });

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).last().click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test("an admin joins, then turns on two-factor authentication from Settings → Security", async ({ browser }) => {
  // The owner invites: enforced single sign-on (e2e/sso.spec.ts) may have ended the seeded admin's password session.
  const adminCtx = await browser.newContext({ storageState: authFile("owner") });
  const admin = await adminCtx.newPage();
  await admin.goto("/o/demo/members");
  await admin.getByLabel("Email").fill(EMAIL);
  await admin.getByLabel("Role", { exact: true }).selectOption("admin");
  await admin.getByRole("button", { name: "Create invitation" }).click();
  const link = (await admin.getByTestId("one-time-secret").textContent())!.trim();
  await adminCtx.close();

  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await ctx.newPage();
  await page.goto(link);
  await page.getByLabel("Your name").fill("Tess Twofactor");
  await page.getByLabel("Choose a password").fill(PASSWORD);
  await page.getByRole("button", { name: "Accept invitation" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, EMAIL, PASSWORD);
  await expectSignedIn(page, EMAIL);

  await page.goto("/o/demo/settings");
  await page.getByTestId("security-link").click();
  await expect(page).toHaveURL(/\/o\/demo\/settings\/security$/);
  await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
  await expect(page.getByRole("img", { name: "QR code to add Atrium to an authenticator app" })).toBeVisible();
  secret = (await page.getByTestId("totp-secret").textContent())!.replace(/\s+/g, "");
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  // A wrong code first: refused, still off.
  const right = codeAt();
  await page.getByLabel("Code", { exact: true }).fill(right === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("That code is not right, or was already used").first()).toBeVisible();
  await page.getByLabel("Code", { exact: true }).fill(codeAt());
  await page.getByRole("button", { name: "Turn on" }).click();

  // The ten recovery codes, shown once.
  const codes = page.getByTestId("recovery-code");
  await expect(codes).toHaveCount(10);
  recovery = (await codes.allTextContents()).map((c) => c.trim());
  expect(new Set(recovery).size).toBe(10);
  await page.getByRole("button", { name: "I have saved them" }).click();
  await expect(page.getByTestId("recovery-codes")).toHaveCount(0);
  await expect(page.getByTestId("recovery-left")).toHaveText("10 unused recovery codes left.");
  await page.reload();
  await expect(page.getByTestId("recovery-code")).toHaveCount(0);
  await expect(page.getByText("On", { exact: true })).toBeVisible();
  await signOut(page);
  await ctx.close();
});

test("signing in with a password then asks for the code; no code, no session", async ({ page }) => {
  await page.goto("/sign-in");
  await fillPasswordSignIn(page, EMAIL, PASSWORD);
  await expect(page.getByTestId("sign-in-code-step")).toBeVisible();
  // No session yet: the console sends back to sign in.
  const probe = await page.context().newPage();
  await probe.goto("/o/demo");
  await expect(probe).toHaveURL(/\/sign-in/);
  await probe.close();

  await page.getByLabel("Code", { exact: true }).fill("12345x");
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not right, or was already used.")).toBeVisible();
  // The step after the one enrolment used: an authenticator a little ahead, and never the spent step.
  await page.getByLabel("Code", { exact: true }).fill(codeAt(1));
  await page.getByRole("button", { name: "Verify" }).click();
  await expectSignedIn(page, EMAIL);
  await signOut(page);
});

test("a recovery code signs in once; the same code again is refused", async ({ page }) => {
  await page.goto("/sign-in");
  await fillPasswordSignIn(page, EMAIL, PASSWORD);
  await page.getByLabel("Code", { exact: true }).fill(recovery[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expectSignedIn(page, EMAIL);
  await page.goto("/o/demo/settings/security");
  await expect(page.getByTestId("recovery-left")).toHaveText("9 unused recovery codes left.");
  await signOut(page);

  await fillPasswordSignIn(page, EMAIL, PASSWORD);
  await page.getByLabel("Code", { exact: true }).fill(recovery[0]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("That code is not right, or was already used.")).toBeVisible();
  await expect(page.getByTestId("sign-in-code-step")).toBeVisible();
});

test("an organization that requires two-factor sends a member without it to set it up", async ({ browser, page }) => {
  // The admin with two-factor (a recovery code, as the app's last step is spent) turns the requirement on.
  await page.goto("/sign-in");
  await fillPasswordSignIn(page, EMAIL, PASSWORD);
  await page.getByLabel("Code", { exact: true }).fill(recovery[1]!);
  await page.getByRole("button", { name: "Verify" }).click();
  await expectSignedIn(page, EMAIL);
  await page.goto("/o/demo/settings");
  // The settings page has a Save per form (the organization's name and slug above this one).
  const requirement = page.locator("form").filter({ has: page.getByLabel("Require two-factor authentication") });
  await page.getByLabel("Require two-factor authentication").check();
  await requirement.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Saved", { exact: true })).toBeVisible();

  try {
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const member = await ctx.newPage();
    await signIn(member, "analyst@demo.test");
    await expect(member).toHaveURL(/\/o\/demo\/settings\/security\?required=1$/);
    await expect(member.getByTestId("two-factor-required")).toContainText("Demo Enterprise requires two-factor authentication");
    await member.goto("/o/demo/members");
    await expect(member).toHaveURL(/\/o\/demo\/settings\/security\?required=1$/);
    await expect(member.getByRole("button", { name: "Set up two-factor authentication" })).toBeVisible();
    await ctx.close();

    // The audit log shows the change.
    await page.goto("/o/demo/audit");
    await expect(page.getByRole("cell", { name: "Changed whether members need two-factor authentication" }).first()).toBeVisible();
  } finally {
    await page.goto("/o/demo/settings");
    await page.getByLabel("Require two-factor authentication").uncheck();
    await requirement.getByRole("button", { name: "Save" }).click();
    await expect(page.getByText("Saved", { exact: true })).toBeVisible();
  }
});
