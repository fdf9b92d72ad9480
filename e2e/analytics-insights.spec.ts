// Issue 18, items 3 and 4, in the browser: error groups (grouped messages, sparkline, new-in-version badge, CSV),
// the link from a version page, pages and custom events, and the funnel builder, in English and in Chinese. Reads
// the seeded demo only (nothing is changed), and checks the figures against the API they are drawn from.
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { authFile } from "./helpers";

test.use({ storageState: authFile("analyst") });
test.describe.configure({ timeout: 90_000 });

const AUTH = { authorization: "Bearer t_analyst_demo" };
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = utcDay(Date.now());
const SHOTS = process.env.INSIGHTS_SHOTS;

async function useLocale(page: Page, locale: "en" | "zh-CN") {
  await page.context().addCookies([{ name: "atrium_locale", value: locale, url: String(test.info().project.use.baseURL) }]);
}

test("error groups: grouped, new in a version, CSV, and linked from the version page (English)", async ({ page }) => {
  await useLocale(page, "en");
  const from = utcDay(Date.now() - 89 * 86_400_000);
  const api = await (await page.request.get(`/api/v1/analytics/errors?from=${from}&to=${TODAY}&appId=com.demo.parking`, { headers: AUTH })).json();
  expect(api.items.length).toBeGreaterThan(1);

  await page.goto("/o/demo/analytics/errors?appId=com.demo.parking&range=90");
  await expect(page.getByRole("heading", { name: "Error groups" })).toBeVisible();
  const rows = page.getByTestId("error-group");
  await expect(rows).toHaveCount(api.items.length, { timeout: 30_000 });
  // The seed's payment errors carry a different order id each: one group, not one row per message.
  await expect(rows.first()).toContainText(api.items[0].fingerprint);
  await expect(page.getByRole("link", { name: "Errors", exact: true })).toHaveAttribute("aria-current", "page");
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/errors-desktop.png`, fullPage: true });

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  const csv = fs.readFileSync((await (await download).path())!, "utf8").trimEnd().split("\r\n");
  expect(csv[0]).toBe("fingerprint,message,count,users,firstSeen,lastSeen,versions,newInVersion");
  expect(csv).toHaveLength(api.items.length + 1);

  // With a version chosen, groups never seen in an earlier version carry the badge, as the API says.
  const version = api.items[0].versions.at(-1) as string;
  await page.getByLabel("Version").selectOption(version);
  await expect(page).toHaveURL(new RegExp(`version=${version.replace(/\./g, "\\.")}`));
  const perVersion = await (await page.request.get(`/api/v1/analytics/errors?from=${from}&to=${TODAY}&appId=com.demo.parking&version=${version}`, { headers: AUTH })).json();
  await expect(rows).toHaveCount(perVersion.items.length);
  await expect(page.getByText("New in this version")).toHaveCount(perVersion.items.filter((i: { newInVersion: boolean }) => i.newInVersion).length);

  // The version page links to its error groups.
  const versions = await (await page.request.get("/api/v1/mini-programs/com.demo.parking/versions", { headers: AUTH })).json();
  const approved = (versions.items as { id: string; version: string; status: string }[]).find((v) => v.status === "approved" || v.status === "revoked")!;
  await page.goto(`/o/demo/mini-programs/com.demo.parking/versions/${approved.id}`);
  await page.getByTestId("error-groups-link").click();
  await expect(page).toHaveURL(new RegExp(`/analytics/errors\\?appId=com\\.demo\\.parking&version=${approved.version.replace(/\./g, "\\.")}`));
  await expect(page.getByLabel("Version")).toHaveValue(approved.version);
});

test("pages, custom events and a funnel, by keyboard (Chinese)", async ({ page }) => {
  await useLocale(page, "zh-CN");
  const from = utcDay(Date.now() - 29 * 86_400_000);
  await page.goto("/o/demo/analytics/pages?appId=com.demo.coupons&range=30");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.getByRole("heading", { name: "页面与事件", level: 1 })).toBeVisible();
  const pagesTable = page.getByRole("region", { name: "按页面统计的页面浏览" });
  await expect(pagesTable.getByRole("rowheader", { name: "pages/detail/detail" })).toBeVisible({ timeout: 30_000 });
  const events = page.getByRole("region", { name: "按名称统计的自定义事件" });
  await expect(events.getByRole("rowheader", { name: "share" })).toBeVisible();

  // The builder starts from the two most viewed pages; a third step, the "share" event, chosen by keyboard.
  await page.getByRole("button", { name: "添加步骤" }).focus();
  await page.keyboard.press("Enter");
  const third = page.getByLabel("第 3 步", { exact: true });
  await third.focus();
  await third.selectOption("event:share");
  // The biggest mini-programs' funnels take seconds: while one is counted the builder says so. The answer is held
  // back here until that was seen.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/analytics/funnel", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole("button", { name: "显示漏斗" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("status").filter({ hasText: "正在统计会话…" })).toBeVisible();
  await expect(page.getByRole("button", { name: "显示漏斗" })).toBeDisabled();
  release();
  const steps = page.getByTestId("funnel-step");
  await expect(steps).toHaveCount(3, { timeout: 30_000 });
  await expect(page.getByRole("status").filter({ hasText: "正在统计会话…" })).toHaveCount(0);
  await page.unroute("**/analytics/funnel");

  const chosen = await Promise.all([1, 2].map((n) => page.getByLabel(`第 ${n} 步`, { exact: true }).inputValue()));
  const body = {
    from,
    to: TODAY,
    appId: "com.demo.coupons",
    steps: [...chosen.map((c) => ({ type: "page", value: c.slice("page:".length) })), { type: "event", value: "share" }],
  };
  const api = await (await page.request.post("/api/v1/analytics/funnel", { headers: AUTH, data: body })).json();
  for (const [i, s] of (api.steps as { sessions: number; users: number }[]).entries()) {
    await expect(steps.nth(i)).toContainText(`${s.sessions.toLocaleString("zh-CN")} 个会话`);
  }
  await expect(steps.first()).toContainText("为第一步的 100%");
  if (SHOTS) {
    await page.screenshot({ path: `${SHOTS}/pages-zh-desktop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/pages-zh-390.png`, fullPage: true });
    await page.goto("/o/demo/analytics/errors?appId=com.demo.parking&range=90");
    await expect(page.getByTestId("error-group").first()).toBeVisible({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/errors-zh-390.png`, fullPage: true });
  }
});
