// Enterprise sign-in in the browser (CONTRACT §9, issue 15 item 3), against a real OpenID provider: oidc-provider,
// started here on a loopback port with a client registered for this console's callback. The first sign-in creates
// the member, the second signs in; a wrong audience, an expired token, a bad state, a replayed code and an
// unverified email are refused with a clear page and create nothing. Enforced single sign-on refuses a member's
// password and keeps the owner's.
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { startTestIdp, type TestIdp } from "../test/oidc-idp";
import { authFile, expectSignedIn, fillPasswordSignIn, PASSWORD, refreshSignIns } from "./helpers";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const BASE = `http://127.0.0.1:${PORT}`;
const DOMAIN = "demo-sso.test";
const OWNER = { authorization: "Bearer t_owner_demo" };

let idp: TestIdp;
let api: APIRequestContext;
/** The owner's browser, kept open for the whole file: it reads the members page. */
let ownerContext: BrowserContext;
let ownerPage: Page;

test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ playwright, browser }) => {
  ownerContext = await browser.newContext({ storageState: authFile("owner"), baseURL: BASE });
  ownerPage = await ownerContext.newPage();
  idp = await startTestIdp({ redirectUris: [`${BASE}/sign-in/sso/callback`] });
  api = await playwright.request.newContext({ baseURL: BASE, extraHTTPHeaders: OWNER });
  const res = await api.put("/api/v1/sso", { data: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, domains: [DOMAIN], defaultRole: "developer" } });
  expect(res.status(), await res.text()).toBe(200);
  expect((await res.json()).redirectUri).toBe(`${BASE}/sign-in/sso/callback`);
});

test.afterAll(async () => {
  await api?.delete("/api/v1/sso");
  await api?.dispose();
  await ownerContext?.close();
  await idp?.close();
});

test.afterEach(() => {
  idp.tamper = null;
});

/** The email step, then the provider's login form (the email is already filled in from login_hint). */
async function throughProvider(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL((u) => u.origin === idp.issuer);
  await expect(page.locator('input[name="login"]')).toHaveValue(email);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

/** Runs `go` with the provider holding its redirect back to the console: answers that URL, unvisited. */
async function heldCallback(page: Page, go: () => Promise<void>): Promise<URL> {
  idp.held = null;
  idp.hold = true;
  try {
    await go();
    // The provider's page has loaded: no navigation of the flow is still under way.
    await expect(page.getByText("Held by the test")).toBeVisible();
    expect(idp.held).not.toBeNull();
  } finally {
    idp.hold = false;
  }
  return idp.held!;
}

async function ssoSignIns(email: string): Promise<{ changes: Record<string, unknown> }[]> {
  const res = await api.get(`/api/v1/audit?action=sso.sign_in&actor=${encodeURIComponent(email)}&limit=50`);
  expect(res.status()).toBe(200);
  return (await res.json()).items;
}

/** Whether the owner's members page lists this email. */
async function isMember(email: string): Promise<boolean> {
  await ownerPage.goto("/o/demo/members");
  await expect(ownerPage.getByRole("heading", { name: "Members" })).toBeVisible();
  return (await ownerPage.getByText(email, { exact: true }).count()) > 0;
}

async function expectRefused(page: Page, code: string, text: RegExp, email: string) {
  await page.waitForURL(new RegExp(`/sign-in\\?sso_error=${code}$`));
  const alert = page.getByRole("alert").filter({ hasText: text });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText("Nothing was changed");
  // Still signed out: the console sends the visitor back to sign in.
  await page.goto("/o/demo");
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await ssoSignIns(email)).toEqual([]);
  expect(await isMember(email)).toBe(false);
}

test("the first sign-in creates the member with the default role; the second signs the same person in", async ({ page }) => {
  const email = `ada.lovelace.${Date.now()}@${DOMAIN}`;
  await throughProvider(page, email);
  await page.waitForURL(/\/o\/demo$/);
  await expectSignedIn(page, email);
  expect(await isMember(email)).toBe(true);
  const [first] = await ssoSignIns(email);
  expect(first!.changes).toMatchObject({ subject: idp.subjectOf(email), issuer: idp.issuer, created: true, joined: "developer" });

  await page.getByRole("button", { name: "Sign out" }).last().click();
  await expect(page).toHaveURL(/\/sign-in/);
  // The provider remembers this browser: no login form this time, straight back to the console.
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(/\/o\/demo$/);
  await expectSignedIn(page, email);
  const both = await ssoSignIns(email);
  expect(both).toHaveLength(2);
  expect(both[0]!.changes).toMatchObject({ created: false, joined: null, role: "developer" });
});

test("an ID token for another audience is refused, and nothing is created", async ({ page }) => {
  const email = `aud.${Date.now()}@${DOMAIN}`;
  idp.tamper = "audience";
  await throughProvider(page, email);
  await expectRefused(page, "audience", /issued for another application/, email);
});

test("an expired ID token is refused, and nothing is created", async ({ page }) => {
  const email = `late.${Date.now()}@${DOMAIN}`;
  idp.tamper = "expired";
  await throughProvider(page, email);
  await expectRefused(page, "token_expired", /has expired/, email);
});

test("a bad state is refused, and nothing is created", async ({ page }) => {
  const email = `state.${Date.now()}@${DOMAIN}`;
  const back = await heldCallback(page, () => throughProvider(page, email));
  back.searchParams.set("state", "forged-state-from-another-browser");
  await page.goto(back.href);
  await expectRefused(page, "state", /does not belong to the sign-in this browser started/, email);
});

test("a replayed code is refused by the provider, and creates nothing more", async ({ page }) => {
  const email = `replay.${Date.now()}@${DOMAIN}`;
  const first = await heldCallback(page, () => throughProvider(page, email));
  await page.goto(first.href);
  await page.waitForURL(/\/o\/demo$/);
  await page.getByRole("button", { name: "Sign out" }).last().click();
  await expect(page).toHaveURL(/\/sign-in/);
  // A new sign-in in this browser (its own state and verifier), handed the code that was already used.
  const second = await heldCallback(page, async () => {
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Continue" }).click();
  });
  second.searchParams.set("code", first.searchParams.get("code")!);
  await page.goto(second.href);
  await page.waitForURL(/\/sign-in\?sso_error=code_rejected$/);
  await expect(page.getByRole("alert").filter({ hasText: /already used or has expired/ })).toBeVisible();
  await page.goto("/o/demo");
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await ssoSignIns(email)).toHaveLength(1);
});

test("an unverified email is refused, and nothing is created", async ({ page }) => {
  const email = `unverified.${Date.now()}@${DOMAIN}`;
  await throughProvider(page, email);
  await expectRefused(page, "email_unverified", /has not verified your email address/, email);
});

test("enforced single sign-on refuses a member's password and keeps the owner's", async ({ page, browser }) => {
  test.setTimeout(120_000); // and four members signed in again after it
  const on = await api.put("/api/v1/sso", { data: { issuer: idp.issuer, clientId: idp.clientId, domains: [DOMAIN], defaultRole: "developer", enforced: true } });
  expect(on.status(), await on.text()).toBe(200);
  try {
    await page.goto("/sign-in");
    await fillPasswordSignIn(page, "developer@demo.test", PASSWORD);
    await expect(page.getByRole("alert").filter({ hasText: "requires single sign-on" })).toBeVisible();
    await page.goto("/o/demo");
    await expect(page).toHaveURL(/\/sign-in/);

    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL: BASE });
    const owner = await ctx.newPage();
    await owner.goto("/sign-in");
    await fillPasswordSignIn(owner, "owner@demo.test", PASSWORD);
    await owner.waitForURL(/\/o\/demo$/);
    await expectSignedIn(owner, "owner@demo.test");
    await ctx.close();
  } finally {
    const off = await api.put("/api/v1/sso", { data: { issuer: idp.issuer, clientId: idp.clientId, domains: [DOMAIN], defaultRole: "developer", enforced: false } });
    expect(off.status()).toBe(200);
    // Enforcing ended every member's password session, the saved ones the later specs start from included.
    await refreshSignIns(browser, BASE, ["admin", "reviewer", "developer", "analyst"]);
  }
});

test("sessions: a member sees where they are signed in, and signs out everywhere else", async ({ page, browser }) => {
  const email = `sessions.${Date.now()}@${DOMAIN}`;
  await throughProvider(page, email);
  await page.waitForURL(/\/o\/demo$/);
  const other = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL: BASE });
  const laptop = await other.newPage();
  await throughProvider(laptop, email);
  await laptop.waitForURL(/\/o\/demo$/);

  await page.goto("/o/demo/settings/sessions");
  await expect(page.getByRole("heading", { name: "Your sessions" })).toBeVisible();
  await expect(page.getByTestId("session-current")).toContainText("This device");
  await expect(page.getByTestId("session")).toHaveCount(1);
  await expect(page.getByTestId("session")).toContainText("Signed in through Demo Enterprise's identity provider");
  await expect(page.getByTestId("session")).toContainText("127.0.0.1");
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByText("This is your only session.")).toBeVisible();
  await laptop.goto("/o/demo/hosts");
  await expect(laptop).toHaveURL(/\/sign-in/);
  await page.goto("/o/demo/hosts");
  await expect(page).toHaveURL(/\/o\/demo\/hosts$/);
  await other.close();
});

test("sessions: an owner ends every session of a member from the members page", async ({ page }) => {
  const email = `ended.${Date.now()}@${DOMAIN}`;
  await throughProvider(page, email);
  await page.waitForURL(/\/o\/demo$/);
  await ownerPage.goto("/o/demo/members");
  const row = ownerPage.getByTestId(`member-${email}`);
  await expect(row.getByTestId("member-sessions")).toHaveText("1 session");
  await row.getByRole("button", { name: "End sessions" }).click();
  await ownerPage.getByRole("dialog").getByRole("button", { name: "End sessions" }).click();
  await expect(row.getByTestId("member-sessions")).toHaveText("No sessions");
  await page.goto("/o/demo/hosts");
  await expect(page).toHaveURL(/\/sign-in/);
});

test.describe("the settings page", () => {
  test.use({ storageState: authFile("owner") });

  test("shows the provider, the redirect URI and whether a secret is set, never the secret; saves a change", async ({ page }) => {
    await page.goto("/o/demo/settings");
    await page.getByTestId("sso-link").click();
    await expect(page.getByRole("heading", { name: "Single sign-on" })).toBeVisible();
    await expect(page.getByLabel("Issuer URL")).toHaveValue(idp.issuer);
    await expect(page.getByTestId("sso-redirect-uri")).toHaveText(`${BASE}/sign-in/sso/callback`);
    await expect(page.getByText("set", { exact: true })).toBeVisible();
    await expect(page.locator("#sso-client-secret")).toHaveValue("");
    expect(await page.content()).not.toContain(idp.clientSecret);
    await page.getByLabel("Role for new members").selectOption("analyst");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("sso-saved")).toBeVisible();
    // Kept on the server: a fresh load shows it.
    await page.reload();
    await expect(page.getByLabel("Role for new members")).toHaveValue("analyst");
    const saved = await (await api.get("/api/v1/sso")).json();
    expect(saved).toMatchObject({ defaultRole: "analyst", clientSecretSet: true });

    // A bad issuer: the reason beside the field, nothing saved.
    await page.getByLabel("Issuer URL").fill("https://127.0.0.1:9");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.locator("#sso-issuer-error")).toContainText(/could not be reached|valid OpenID Connect/);
    expect((await (await api.get("/api/v1/sso")).json()).issuer).toBe(idp.issuer);
  });
});
