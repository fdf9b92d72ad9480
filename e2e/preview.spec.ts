// Issue 17 item 1: a reviewer runs a submitted package in the console, safely. A hostile page tries the parent's
// DOM, the console's cookies, the network and the top window, and loops forever; it gets nothing, its mp calls are
// answered or refused from its manifest in a live log, navigation between its pages works, and Stop always works.
import { expect, test } from "@playwright/test";
import { buildZip, miniProgramEntries } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

const PROBES = `
function report(name, fn) {
  var r;
  try { r = "got " + String(fn()).slice(0, 60); } catch (e) { r = "blocked"; }
  mp.showToast({ title: "probe " + name + " " + r });
}
Page({
  data: { greeting: "Hello from the package" },
  onLoad: function () {
    report("parent-document", function () { return parent.document.title; });
    report("cookie", function () { return document.cookie; });
    report("storage", function () { return localStorage.length; });
    report("top-location", function () { top.location.href = "https://evil.example/"; return "navigated"; });
    fetch("/api/v1/hosts", { credentials: "include" }).then(
      function (r) { mp.showToast({ title: "probe fetch got " + r.status }); },
      function () { mp.showToast({ title: "probe fetch blocked" }); }
    );
    mp.getLocation({ success: function (l) { mp.showToast({ title: "located " + l.latitude }); } });
    mp.chooseImage({});
    mp.request({ url: "https://tracker.example/collect" });
    mp.request({ url: "https://api.demo.test/items", success: function (r) { mp.showToast({ title: "request " + r.statusCode }); } });
  },
  tap: function () { this.setData({ greeting: "Tapped" }); }
});
`;

// No trace here: a trace's screencast waits for every frame's compositor, and the looping page's never answers, so
// tracing (not the console) would stall the Stop click. Chromium itself keeps the console responsive (shown below).
test.use({ storageState: authFile("reviewer"), trace: "off" });

test("a reviewer previews a hostile package: isolated, logged, navigable, stoppable", async ({ page, request, context }) => {
  const auth = { authorization: "Bearer t_admin_demo" };
  const appId = `com.e2e.preview${Date.now()}`;
  expect((await request.post("/api/v1/mini-programs", { headers: auth, data: { appId, name: "Preview probe", category: "utilities", description: "" } })).status()).toBe(201);
  const INDEX_HTML = '<view>{{greeting}}</view>\n<button bindtap="tap">Tap me</button>\n<navigator url="/pages/detail/detail?from=index">Details</navigator>\n';
  const entries = miniProgramEntries({
    appId,
    name: "Preview probe",
    version: "1.0.0",
    pages: ["pages/index/index", "pages/detail/detail", "pages/loop/loop"],
    permissions: ["location"],
    domains: ["https://api.demo.test"],
    code: { "pages/index/index": PROBES, "pages/loop/loop": "for (;;) {}\n" },
  });
  const zip = buildZip(entries.map((e) => (e.name === "pages/index/index.html" ? { ...e, data: INDEX_HTML } : e)));
  const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...auth, "content-type": "application/zip" }, data: zip });
  expect(up.status()).toBe(201);
  const id = (await up.json()).version.id as string;
  expect((await request.post(`/api/v1/versions/${id}/submit`, { headers: auth })).status()).toBe(200);
  const cookiesBefore = await context.cookies();

  await page.goto(`/o/demo/reviews/${id}`);
  const consoleUrl = page.url();
  const preview = page.getByTestId("package-preview");
  await preview.getByRole("button", { name: "Open preview" }).click();
  const frameEl = page.getByTestId("preview-frame");
  await expect(frameEl).toHaveAttribute("sandbox", "allow-scripts");
  const frame = page.frameLocator('[data-testid="preview-frame"]');
  await expect(frame.getByText("Hello from the package")).toBeVisible();

  const log = page.getByTestId("preview-log");
  for (const probe of ["parent-document", "cookie", "storage", "fetch"]) {
    await expect(log).toContainText(`probe ${probe} blocked`);
  }
  await expect(log).not.toContainText("probe fetch got");
  await expect(log).toContainText("located 31.2304");
  await expect(log).toContainText("request 200");
  await expect(log.locator('li[data-outcome="refused"]', { hasText: "mp.chooseImage" })).toContainText("album");
  await expect(log.locator('li[data-outcome="refused"]', { hasText: "tracker.example" })).toContainText("https://tracker.example");
  await expect(page.getByTestId("preview-refusals")).toHaveText("2 refused");
  // The top window was never moved, and the console's cookies are as they were.
  expect(page.url()).toBe(consoleUrl);
  expect(await context.cookies()).toEqual(cookiesBefore);

  // The page's own interactions and navigation work inside the frame.
  await frame.getByRole("button", { name: "Tap me" }).click();
  await expect(frame.getByText("Tapped")).toBeVisible();
  await frame.getByText("Details").click();
  await expect(log).toContainText("page pages/detail/detail loaded");
  await expect(frame.locator("text")).toHaveText("detail");

  // A page that never returns: the console stays usable, and Stop removes it.
  await preview.getByLabel("Page").selectOption("pages/loop/loop");
  await expect(frameEl).toBeVisible();
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => 6 * 7)).toBe(42);
  await preview.getByRole("button", { name: "Stop" }).click();
  await expect(frameEl).toHaveCount(0);
  await expect(page.getByTestId("preview-stopped")).toBeVisible();
  await page.getByRole("link", { name: /Reviews/ }).first().click();
  await expect(page).toHaveURL(/\/o\/demo\/reviews$/);
});

test("a preview URL opened on its own is sandboxed too, and dead without a valid token", async ({ page, request }) => {
  const res = await request.get("/preview/v1.AAAA.BBBB.CCCC/pages/index/index");
  expect(res.status()).toBe(404);
  expect(res.headers()["content-security-policy"]).toContain("sandbox allow-scripts");
  expect(res.headers()["x-frame-options"]).toBe("SAMEORIGIN");
  void page;
});
