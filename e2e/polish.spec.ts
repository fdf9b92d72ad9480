// Issue 13's console polish, as a user meets it in the browser: page titles, icons, dates in the viewer's zone and
// language, a readable audit log at any width, focus after a keyboard submit, host tabs and sidebar on long or
// narrow pages, and no console errors on any main page for any role.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { authFile, ON_POSTGRES, presentationOnly, ROLES, type DemoRole } from "./helpers";

const base = () => test.info().project.use.baseURL!;
async function useLocale(page: Page, locale: "en" | "zh-CN") {
  await page.context().addCookies([{ name: "atrium_locale", value: locale, url: base() }]);
}

test.describe("page titles", () => {
  presentationOnly();
  test.use({ storageState: authFile("owner") });

  test("each page names itself, the organization and the product, in the reader's language", async ({ page }) => {
    const expectations: [string, string][] = [
      ["/o/demo", "Overview · Demo Enterprise · Atrium"],
      ["/o/demo/reviews", "Reviews · Demo Enterprise · Atrium"],
      ["/o/demo/audit", "Audit log · Demo Enterprise · Atrium"],
      ["/o/demo/hosts/new", "Register a host app · Demo Enterprise · Atrium"],
      ["/o/demo/settings/webhooks", "Webhooks · Demo Enterprise · Atrium"],
    ];
    for (const [path, title] of expectations) {
      await page.goto(path);
      await expect(page).toHaveTitle(title);
    }
    await page.goto("/o/demo/hosts");
    await page.getByRole("link", { name: "Demo SuperApp" }).first().click();
    await expect(page).toHaveTitle("Demo SuperApp · Demo Enterprise · Atrium");
    await page.getByRole("link", { name: "Credentials" }).click();
    await expect(page).toHaveTitle("Credentials · Demo SuperApp · Demo Enterprise · Atrium");

    await useLocale(page, "zh-CN");
    await page.goto("/o/demo/audit");
    await expect(page).toHaveTitle("审计日志 · Demo Enterprise · Atrium");
    await page.goto("/o/demo/mini-programs");
    await expect(page).toHaveTitle("小程序 · Demo Enterprise · Atrium");
  });

  test("signed out, the sign-in page has its own title", async ({ browser }) => {
    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await ctx.newPage();
    await page.goto("/sign-in");
    await expect(page).toHaveTitle("Sign in · Atrium");
    await ctx.close();
  });
});

test.describe("icons and manifest", () => {
  presentationOnly();
  test("are served to anyone, and every page links them", async ({ browser, request }) => {
    for (const [path, type] of [
      ["/favicon.ico", /image\/(x-icon|vnd\.microsoft\.icon)/],
      ["/icon.svg", /image\/svg\+xml/],
      ["/apple-touch-icon.png", /image\/png/],
      ["/icon-192.png", /image\/png/],
      ["/icon-512.png", /image\/png/],
    ] as const) {
      const res = await request.get(path, { maxRedirects: 0 });
      expect(res.status(), path).toBe(200);
      expect(res.headers()["content-type"], path).toMatch(type);
    }
    const manifest = await request.get("/manifest.webmanifest", { maxRedirects: 0 });
    expect(manifest.status()).toBe(200);
    const m = await manifest.json();
    expect(m.name).toBe("Atrium");
    expect(m.icons.map((i: { sizes: string }) => i.sizes)).toEqual(expect.arrayContaining(["192x192", "512x512"]));

    const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } });
    const page = await ctx.newPage();
    await page.goto("/sign-in");
    await expect(page.locator('link[rel="icon"][href^="/favicon.ico"]')).toHaveCount(1);
    await expect(page.locator('link[rel="icon"][href^="/icon.svg"]')).toHaveCount(1);
    await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveCount(1);
    await expect(page.locator('link[rel="manifest"]')).toHaveCount(1);
    await ctx.close();
  });
});

test.describe("dates in the viewer's language and time zone", () => {
  presentationOnly();
  test.use({ storageState: authFile("owner"), timezoneId: "Asia/Shanghai" });

  test("the audit log shows the browser's zone and says so; UTC when pinned", async ({ page }) => {
    await page.goto("/o/demo/audit");
    const first = page.getByTestId("audit-row").first().locator("time");
    await expect(first).toContainText("GMT+8");
    // The same instant as the server's ISO value, in Shanghai time.
    const iso = (await first.getAttribute("datetime"))!;
    const expected = new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", hour: "numeric", minute: "2-digit", second: "2-digit" }).format(new Date(iso));
    await expect(first).toContainText(expected);

    await page.getByTestId("time-zone-switch").last().selectOption("utc");
    await expect(page.getByTestId("audit-row").first().locator("time")).toContainText("UTC");
    await page.getByTestId("time-zone-switch").last().selectOption("auto");
    await expect(page.getByTestId("audit-row").first().locator("time")).toContainText("GMT+8");
  });

  test("analytics says when it was updated in Chinese, without AM/PM", async ({ page }) => {
    test.setTimeout(90_000);
    await useLocale(page, "zh-CN");
    await page.goto("/o/demo/analytics");
    const updated = page.getByText(/^更新于/);
    // The 90-day demo is computed on first view; give it the time a cold server needs.
    await expect(updated).toBeVisible({ timeout: 60_000 });
    await expect(updated).not.toContainText(/AM|PM/);
  });
});

test.describe("audit log", () => {
  test.use({ storageState: authFile("owner") });

  test("filters with pickers and shows each change as before → after, without cutting the address (1440 px)", async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/o/demo/audit");
    const action = page.getByLabel("Action", { exact: true });
    await expect(action).toHaveJSProperty("tagName", "SELECT");
    await expect(page.getByLabel("Object type")).toHaveJSProperty("tagName", "SELECT");
    await action.selectOption({ label: "Approved a version" });
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/action=version\.approve/);
    const rows = page.getByTestId("audit-row");
    await expect(rows.first()).toBeVisible();
    for (const row of await rows.all()) await expect(row).toContainText("Approved a version");
    const changes = rows.first().getByTestId("audit-changes");
    await expect(changes).toContainText("Status");
    await expect(changes).toContainText("in review → approved");
    // No raw JSON anywhere in the log.
    await expect(page.getByTestId("audit-table")).not.toContainText('{"');
    // Every column fits: the table does not scroll sideways at 1440 px.
    const region = page.getByRole("region", { name: "Audit log" });
    await expect(region).toHaveAttribute("data-testid", "audit-table");
    expect(await region.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0);
    // A table here: the column headers are visible and each entry is a row of five cells.
    await expect(page.getByRole("columnheader", { name: "Actor" })).toBeVisible();
    expect(await rows.first().evaluate((el) => getComputedStyle(el).display)).toBe("table-row");
  });

  test("at 390 px each entry is a card with every part visible, and nothing scrolls sideways", async ({ page }) => {
    presentationOnly();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/o/demo/audit");
    // The same rows as on a wide screen (rendered once), laid out as cards: no column headers on screen, and each
    // entry's action, time, changes and actor inside its own box.
    await expect(page.getByRole("columnheader", { name: "Actor" })).not.toBeInViewport();
    const cards = page.getByTestId("audit-row");
    const card = cards.first();
    await expect(card).toBeVisible();
    expect(await card.evaluate((el) => getComputedStyle(el).display)).toBe("grid");
    await expect(card.locator("time")).toBeVisible();
    await expect(card).toContainText("Actor");
    const box = (await card.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    for (const part of [card.locator("time"), card.getByText("Actor")]) {
      const b = (await part.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(box.x);
      expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
    }
    // Cards are apart: the second starts below the first.
    const second = (await cards.nth(1).boundingBox())!;
    expect(second.y).toBeGreaterThanOrEqual(box.y + box.height);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  });

  test("recent activity on the overview says what happened in words, to named objects", async ({ page }) => {
    await page.goto("/o/demo");
    const activity = page.getByTestId("recent-activity");
    await expect(activity.locator("li").first()).toBeVisible();
    const text = (await activity.innerText()).replace(/\S+@\S+/g, "");
    expect(text).not.toMatch(/\b(assignment|version|host|member|token|webhook|mini_program|collaborator)\.[a-z_]+\b/);
    expect(text).not.toMatch(/\b[a-z]{3}_[0-9a-z]{20,}\b/);
  });
});

test.describe("focus after a keyboard submit", () => {
  presentationOnly();
  test.use({ storageState: authFile("owner") });

  test("registering a host app moves focus to the secret shown once; an invalid submit to the field", async ({ page }) => {
    await page.goto("/o/demo/hosts/new");
    const name = page.getByLabel("Name");
    await name.focus();
    await page.keyboard.press("Enter");
    await expect(page.locator(":focus")).toHaveAttribute("aria-invalid", "true");

    await name.fill(`Keyboard Host ${Date.now()}`);
    await page.getByLabel("Bundle ID (iOS)").fill(`com.keyboard.k${Date.now()}`);
    await page.getByLabel("Bundle ID (iOS)").press("Enter");
    const panel = page.getByTestId("one-time-secret-panel");
    await expect(panel).toBeVisible();
    await expect(panel).toBeFocused();
  });

  test("creating an API token moves focus to the token shown once", async ({ page }) => {
    await page.goto("/o/demo/tokens");
    await page.getByLabel("Name").fill(`keyboard-${Date.now()}`);
    await page.getByLabel("Name").press("Enter");
    await expect(page.getByTestId("one-time-secret-panel")).toBeFocused();
  });
});

test.describe("layout on narrow and long pages", () => {
  presentationOnly();
  test.use({ storageState: authFile("owner") });

  test("at 390 px every host tab is fully visible (they wrap)", async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/o/demo/hosts");
    await page.getByRole("link", { name: "Demo SuperApp" }).first().click();
    const tabs = page.getByTestId("host-tabs").getByRole("link");
    await expect(tabs).toHaveCount(5);
    for (const tab of await tabs.all()) {
      const box = (await tab.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    await expect(page.getByTestId("host-tabs").getByRole("link", { name: "Analytics" })).toBeInViewport({ ratio: 1 });
  });

  test("the sidebar's background reaches the bottom of the window on a long page", async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 600 });
    await page.goto("/o/demo/audit");
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const inSidebar = await page.evaluate(() => {
      const el = document.elementFromPoint(120, window.innerHeight - 4);
      return !!el?.closest('[data-testid="sidebar"]');
    });
    expect(inSidebar).toBe(true);
    // Its footer stays reachable in a short window.
    await page.getByTestId("sidebar").getByRole("button", { name: "Sign out" }).scrollIntoViewIfNeeded();
    await expect(page.getByTestId("sidebar").getByRole("button", { name: "Sign out" })).toBeInViewport();
  });
});

async function collectErrors(browser: Browser, role: string) {
  const ctx = await browser.newContext({ storageState: authFile(role) });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  await page.goto("/o/demo");
  const links = await page.getByRole("navigation", { name: "Main navigation" }).last().getByRole("link").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).pathname));
  for (const path of [...new Set(links)]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
  }
  await ctx.close();
  return { errors, visited: links.length };
}

test.describe("no console errors", () => {
  test("on every main page, for every role", async ({ browser }) => {
    // Each role walks on one database, and on each a role that sees every page (the owner, an admin) loads every
    // page's queries: what a role changes is the markup and the client's requests, the same on both databases.
    // (All five roles on PGlite took 68 of its browser suite's 614 s in CI.) The roles walk side by
    // side, a context each: a walk mostly waits for the network to go quiet.
    const onPostgres: readonly DemoRole[] = ["admin", "developer"];
    const roles = ROLES.filter((r) => onPostgres.includes(r) === ON_POSTGRES);
    test.setTimeout(240_000);
    const walks = await Promise.all(roles.map(async (role) => ({ role, ...(await collectErrors(browser, role)) })));
    for (const { role, visited } of walks) expect(visited, role).toBeGreaterThan(3);
    expect(walks.flatMap(({ role, errors }) => errors.map((e) => `${role}: ${e}`))).toEqual([]);
  });
});
