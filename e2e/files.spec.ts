// Issue 17 item 2: every file of a version is readable from the review page: code highlighted and paged, images
// shown, binaries described.
import { expect, test } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201f5a0f9a80000000049454e44ae426082", "hex");

test.use({ storageState: authFile("reviewer") });

test("a reviewer reads every file of a submission", async ({ page, request }) => {
  const auth = { authorization: "Bearer t_admin_demo" };
  const appId = `com.e2e.files${Date.now()}`;
  expect((await request.post("/api/v1/mini-programs", { headers: auth, data: { appId, name: "Files probe", category: "utilities", description: "" } })).status()).toBe(201);
  const code = `function greet(name) {\n  return "<b>" + name + "</b>";\n}\n` + Array.from({ length: 500 }, (_, i) => `mp.showToast({ title: "${i}" });`).join("\n");
  const zip = buildMiniProgramPackage({ appId, name: "Files probe", version: "1.0.0", code: { "pages/index/index": code }, extraFiles: { "images/logo.png": PNG, "lib/engine.wasm": Buffer.from([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) } });
  const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...auth, "content-type": "application/zip" }, data: zip });
  expect(up.status()).toBe(201);
  const id = (await up.json()).version.id as string;
  expect((await request.post(`/api/v1/versions/${id}/submit`, { headers: auth })).status()).toBe(200);

  await page.goto(`/o/demo/reviews/${id}`);
  await page.getByTestId("browse-files").click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Files of Files probe 1.0.0");
  const list = page.getByTestId("file-list");
  await expect(list.getByRole("link")).toHaveCount(6);
  // app.json first, highlighted.
  await expect(page.getByTestId("file-view").getByRole("heading")).toHaveText("app.json");
  await expect(page.getByTestId("file-code")).toContainText(appId);

  await list.getByRole("link", { name: /pages\/index\/index\.js/ }).click();
  const codeEl = page.getByTestId("file-code");
  await expect(codeEl.locator(".hljs-keyword").first()).toHaveText("function");
  await expect(codeEl).toContainText('"<b>"');
  await expect(page.getByTestId("file-page")).toHaveText("Lines 1–400, page 1 of 2");
  await page.getByRole("link", { name: "Next →" }).click();
  await expect(page.getByTestId("file-page")).toHaveText("Lines 401–503, page 2 of 2");
  await expect(codeEl).toContainText('title: "499"');

  await list.getByRole("link", { name: /images\/logo\.png/ }).click();
  await expect(page.getByTestId("file-image")).toBeVisible();
  await list.getByRole("link", { name: /lib\/engine\.wasm/ }).click();
  await expect(page.getByTestId("file-binary")).toContainText("WebAssembly module");
});
