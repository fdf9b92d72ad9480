// Issue 13 items 1 and 13, issue 12 item 17: a real upload goes through the worker pool of the production
// build, and its report reads in the reader's language, parameters included, with the zip bomb's sizes told
// truthfully.
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile, presentationOnly } from "./helpers";

test.use({ storageState: authFile("developer") });
presentationOnly();

const FIXTURES = path.join(import.meta.dirname, "..", "test", "fixtures", "packages");
const auth = { authorization: "Bearer t_developer_demo" };

async function useLocale(page: Page, locale: "en" | "zh-CN") {
  const url = String(test.info().project.use.baseURL);
  await page.context().addCookies([{ name: "atrium_locale", value: locale, url }]);
}

test("an uploaded package's findings read in Chinese and in English, with their parameters", async ({ page, request }) => {
  const appId = `com.example.i18n${Date.now()}`;
  const created = await request.post("/api/v1/mini-programs", { headers: auth, data: { appId, name: "I18n check" } });
  expect(created.status()).toBe(201);
  const pkg = buildMiniProgramPackage({
    appId,
    version: "1.0.0",
    code: { "pages/index/index": "function f(mp){ mp.getLocation() } if(a)/'/.test(b);mp.scanCode({});" },
    extraFiles: { "pages/index/banner.html": '<image src="https://img.tracker.example.org/a.png"/>' },
  });
  const upload = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...auth, "content-type": "application/zip" }, data: pkg });
  expect(upload.status()).toBe(201);
  const body = (await upload.json()) as { version: { id: string }; inspection: { warnings: { code: string; message: string; params?: unknown }[] } };
  // The API keeps code and English message, and adds the parameters.
  expect(body.inspection.warnings).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ code: "undeclared_permission", message: expect.stringContaining("mp.scanCode"), params: expect.objectContaining({ api: "scanCode", permission: "camera" }) }),
      expect.objectContaining({ code: "undeclared_domain", params: expect.objectContaining({ host: "img.tracker.example.org" }) }),
    ]),
  );
  expect(body.inspection.warnings.some((w) => w.message.includes("getLocation"))).toBe(false);

  const versionPage = `/o/demo/mini-programs/${appId}/versions/${body.version.id}`;
  await useLocale(page, "zh-CN");
  await page.goto(versionPage);
  const report = page.getByTestId("inspection-report");
  await expect(report.getByText("未声明的权限").first()).toBeVisible();
  await expect(report.getByText("pages/index/index.js 调用了 mp.scanCode，需要“相机 (camera)”权限，但 app.json 没有声明。")).toBeVisible();
  await expect(report.getByText("pages/index/banner.html 中有指向 img.tracker.example.org 的 URL，该域名不在 app.json 的 domains 中。")).toBeVisible();

  await useLocale(page, "en");
  await page.goto(versionPage);
  await expect(
    page.getByTestId("inspection-report").getByText('pages/index/index.js calls mp.scanCode, which needs the "Camera (camera)" permission; app.json does not declare it.'),
  ).toBeVisible();
});

test("a zip bomb's report says how far reading got and what the headers claim, in Chinese", async ({ page, request }) => {
  const appId = `com.example.bomb${Date.now()}`;
  expect((await request.post("/api/v1/mini-programs", { headers: auth, data: { appId, name: "Bomb check" } })).status()).toBe(201);
  await useLocale(page, "zh-CN");
  await page.goto(`/o/demo/mini-programs/${appId}`);
  await page.getByTestId("upload-input").setInputFiles(path.join(FIXTURES, "bad-zip-bomb.zip"));
  const report = page.getByTestId("inspection-report");
  await expect(report.getByText("压缩比异常").first()).toBeVisible();
  await expect(report.getByTestId("unpacked-size")).toHaveText(/^超过 [\d.]+ MiB$/);
  await expect(report.getByTestId("read-stopped")).toContainText("文件头声称解压后共 60 MiB");
});
