import { browserTimeZone, TIME_ZONE_COOKIE } from "@/lib/i18n/time-zone";
import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from "@playwright/test";

export const ROLES = ["owner", "admin", "reviewer", "developer", "analyst"] as const;
export type DemoRole = (typeof ROLES)[number];
export const PASSWORD = process.env.SEED_PASSWORD ?? "demo-password";
// One directory of saved sign-ins per database: CI runs the PGlite and PostgreSQL suites side by side.
// And one per part of the suite (E2E_PART, playwright.config.ts), which CI runs side by side on two servers.
const AUTH_DIR = `e2e/.auth${process.env.TEST_DATABASE_URL ? "-pg" : ""}${process.env.E2E_PART ? `-${process.env.E2E_PART}` : ""}`;
export const authFile = (who: string) => `${AUTH_DIR}/${who}.json`;

/** Email first (a domain with single sign-on would go to its provider here), then the password. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/sign-in");
  await fillPasswordSignIn(page, email, password);
}

/** The sign-in form from its email step: Continue, then the password. */
export async function fillPasswordSignIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Signs in over HTTP, as the form's server action does in the end (Auth.js's credentials callback, with its CSRF
 * token), and checks the session it opened: the saved sign-ins of auth.setup.ts without loading pages, which cost a
 * browser most of a CPU-second each. The form itself is what e2e/sign-in.spec.ts drives.
 */
export async function signInOverHttp(request: APIRequestContext, email: string, password = PASSWORD) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  const res = await request.post("/api/auth/callback/credentials", { form: { email, password, csrfToken, callbackUrl: "/" }, maxRedirects: 0 });
  expect(res.status(), `sign-in of ${email}`).toBe(302);
  expect(res.headers()["location"] ?? "", `sign-in of ${email}`).not.toContain("error");
  const session = (await (await request.get("/api/auth/session")).json()) as { user?: { email?: string } } | null;
  expect(session?.user?.email).toBe(email);
}

/**
 * Saves a signed-in context's state for the specs, with the time zone cookie the console's first page would have
 * written (components/time-zone-sync.tsx), as a browser that signed in through the pages has it: without it, every
 * spec's first page would write it (and, away from UTC, re-render once).
 */
export async function saveSignIn(context: BrowserContext, baseURL: string, who: string) {
  const zone = browserTimeZone();
  if (zone) await context.addCookies([{ name: TIME_ZONE_COOKIE, value: encodeURIComponent(zone), url: baseURL, sameSite: "Lax", expires: Math.floor(Date.now() / 1000) + 31_536_000 }]);
  await context.storageState({ path: authFile(who) });
}

/**
 * Signs the seeded members in again and saves their browser state, as auth.setup.ts did: for a spec that ended their
 * password sessions (enforcing single sign-on does), so the specs after it still start signed in.
 */
export async function refreshSignIns(browser: Browser, baseURL: string, roles: readonly DemoRole[] = ROLES) {
  for (const role of roles) {
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL });
    await signInOverHttp(ctx.request, `${role}@demo.test`);
    await saveSignIn(ctx, baseURL, role);
    await ctx.close();
  }
}

export async function expectSignedIn(page: Page, email: string) {
  await expect(page.getByTestId("whoami")).toContainText(email);
}

// npm test runs the suite twice, on PGlite and then on PostgreSQL (TEST_DATABASE_URL). What a check reads only from
// markup, CSS, language and layout does not depend on the database: it runs in the PGlite run, and the PostgreSQL run
// keeps to what reads and writes data, which keeps CI inside its time.
export const ON_POSTGRES = !!process.env.TEST_DATABASE_URL;
export function presentationOnly() {
  test.skip(ON_POSTGRES, "presentation only: checked in the PGlite run");
}
