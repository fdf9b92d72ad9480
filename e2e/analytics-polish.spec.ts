// Issue 13, items 4–6, in the browser: today's unfinished day is marked (charts, tables, CSV) and an open
// retention window reads "not yet"; a custom range is validated with a message and starts from the range shown;
// figures being replaced are dimmed; every host is in the filters and a new host's empty state says what to do.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { authFile, presentationOnly } from "./helpers";

test.use({ storageState: authFile("admin") });
// Each test builds its own data through the API and waits for client-side figures: slow on a shared machine.
test.describe.configure({ timeout: 120_000 });

const ADMIN = { authorization: "Bearer t_admin_demo" };
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = utcDay(Date.now());
const YESTERDAY = utcDay(Date.now() - 86_400_000);

test("today is marked as so far, and yesterday's retention reads not yet, never 0%", async ({ page }) => {
  await page.goto("/o/demo/analytics?range=7");
  await expect(page.getByTestId("analytics-headlines")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("partial-note")).toContainText("is not over");

  const usage = page.getByTestId("chart-usage");
  await usage.getByText("Show data as a table").click();
  const rows = usage.getByRole("row");
  await expect(rows.last()).toContainText("so far");
  await expect(rows.nth(1)).not.toContainText("so far");

  // The retention table, newest cohort first: today's and yesterday's D1 are open windows.
  const yesterday = page.getByTestId("chart-retention").locator(`tr[data-day="${YESTERDAY}"]`);
  await expect(page.getByTestId("retention-not-yet").first()).toHaveText("not yet");
  await expect(yesterday.getByTestId("retention-not-yet").first()).toHaveText("not yet");

  // The API the charts are drawn from agrees (CONTRACT §7).
  const api = await (await page.request.get(`/api/v1/analytics/overview?from=${YESTERDAY}&to=${TODAY}`, { headers: ADMIN })).json();
  expect(api.days.map((d: { partial: boolean }) => d.partial)).toEqual([false, true]);
  expect(api.days[0].retentionD1).toBeNull();

  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export days (CSV)" }).click();
  const csv = fs.readFileSync((await (await download).path())!, "utf8").trimEnd().split("\r\n");
  expect(csv[0]!.endsWith(",note")).toBe(true);
  expect(csv.at(-1)).toMatch(new RegExp(`^${TODAY},.*,so far$`));
  expect(csv.at(-2)).toMatch(new RegExp(`^${YESTERDAY},.*,$`));
});

test("a custom range starts from the range shown and is validated with a message", async ({ page }) => {
  presentationOnly();
  await page.goto("/o/demo/analytics?range=7");
  await expect(page.getByTestId("analytics-headlines")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Custom" }).click();
  await expect(page.getByLabel("From", { exact: true })).toHaveValue(utcDay(Date.now() - 6 * 86_400_000));
  await expect(page.getByLabel("To", { exact: true })).toHaveValue(TODAY);

  await page.getByLabel("From", { exact: true }).fill("2020-01-01");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("custom-range-error")).toContainText("at most 366 days");
  await expect(page.getByLabel("From", { exact: true })).toHaveAttribute("aria-invalid", "true");
  // Nothing applied: the URL still holds the range shown.
  expect(new URL(page.url()).searchParams.get("from")).not.toBe("2020-01-01");

  // A link with a range over the limit says so instead of silently showing 30 days.
  await page.goto("/o/demo/analytics?range=custom&from=2020-01-01&to=2026-01-01");
  await expect(page.getByTestId("range-rejected")).toContainText("longer than 366 days");
});

test("figures being replaced are dimmed and marked busy until the new range arrives", async ({ page }) => {
  presentationOnly();
  await page.goto("/o/demo/analytics?range=7");
  await expect(page.getByTestId("analytics-headlines")).toBeVisible({ timeout: 30_000 });
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/analytics/data?view=overview*", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole("button", { name: "90 days" }).click();
  const content = page.getByTestId("analytics-content");
  await expect(content).toHaveAttribute("data-stale", "true");
  await expect(content).toHaveAttribute("aria-busy", "true");
  await expect(page.getByText("Loading the new range…")).toBeVisible();
  release();
  await expect(content).toHaveAttribute("data-stale", "false");
});

test("a new host app is in the filters, and its empty state leads to its SDK credentials", async ({ page }) => {
  const stamp = Date.now().toString(36);
  const res = await page.request.post("/api/v1/hosts", { headers: ADMIN, data: { name: `Fresh host ${stamp}`, platforms: [{ platform: "android", identifier: `com.e2e.fresh${stamp}` }] } });
  expect(res.status()).toBe(201);
  const hostId = (await res.json()).id as string;

  await page.goto("/o/demo/analytics");
  await expect(page.getByTestId("analytics-headlines")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("combobox", { name: "Host app", exact: true }).selectOption(hostId);
  const next = page.getByTestId("empty-next-step");
  await expect(page.getByText(`Fresh host ${stamp} has sent no events yet`)).toBeVisible();
  await expect(next).toHaveAttribute("data-kind", "host");
  await next.getByRole("link", { name: `Open Fresh host ${stamp}'s SDK credentials` }).click();
  await expect(page).toHaveURL(new RegExp(`/o/demo/hosts/${hostId}/credentials$`));

  // The host's own analytics tab says the same.
  await page.goto(`/o/demo/hosts/${hostId}/analytics`);
  await expect(page.getByTestId("empty-next-step")).toHaveAttribute("data-kind", "host");
});
