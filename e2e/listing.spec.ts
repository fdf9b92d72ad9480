// Issue 17 item 4: a mini-program's writer uploads an icon and a screenshot and declares what personal data a
// permission collects; the reviewer sees them beside the package's permissions, with the undeclared_privacy
// warning for the permission the declaration does not explain.
import { expect, test } from "@playwright/test";
import { solidPng } from "../lib/listing/testing";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

test("listing and privacy reach the review page, with the finding for an unexplained permission", async ({ browser, request }) => {
  const auth = { authorization: "Bearer t_admin_demo" };
  const appId = `com.e2e.listing${Date.now()}`;
  expect((await request.post("/api/v1/mini-programs", { headers: auth, data: { appId, name: "Listing probe", category: "utilities", description: "" } })).status()).toBe(201);

  const admin = await (await browser.newContext({ storageState: authFile("admin") })).newPage();
  await admin.goto(`/o/demo/mini-programs/${appId}`);
  const panel = admin.getByTestId("listing-panel");
  await expect(panel).toBeVisible();
  // A non-image is refused with the field named, and nothing appears.
  await admin.getByTestId("listing-icon-file").setInputFiles({ name: "icon.svg", mimeType: "image/svg+xml", buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>') });
  await expect(panel.getByRole("alert")).toContainText("PNG, JPEG or WebP");
  await expect(admin.getByTestId("listing-icon")).toHaveCount(0);

  await admin.getByTestId("listing-icon-file").setInputFiles({ name: "icon.png", mimeType: "image/png", buffer: solidPng(128, 128) });
  await expect(admin.getByTestId("listing-icon")).toBeVisible();
  await expect.poll(() => admin.getByTestId("listing-icon").evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(128);
  await admin.getByTestId("listing-screenshot-file").setInputFiles({ name: "shot.png", mimeType: "image/png", buffer: solidPng(180, 320, [240, 180, 20]) });
  await expect(admin.getByTestId("listing-screenshots").getByRole("img")).toHaveCount(1);

  await panel.getByRole("button", { name: "Add permission" }).click();
  await panel.getByLabel("Permission").selectOption("location");
  await panel.getByLabel("Personal data collected").fill("Approximate position while the map is open");
  await panel.getByLabel("Purpose").fill("Show parking spaces nearby");
  await panel.getByRole("button", { name: "Save declaration" }).click();
  await expect(panel.getByRole("status")).toHaveText("Saved.");
  await admin.screenshot({ path: "test-results/listing-panel.png", fullPage: true });

  const zip = buildMiniProgramPackage({ appId, name: "Listing probe", version: "1.0.0", permissions: ["location", "camera"] });
  const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...auth, "content-type": "application/zip" }, data: zip });
  expect(up.status()).toBe(201);
  const id = (await up.json()).version.id as string;
  expect((await request.post(`/api/v1/versions/${id}/submit`, { headers: auth })).status()).toBe(200);

  const reviewer = await (await browser.newContext({ storageState: authFile("reviewer") })).newPage();
  await reviewer.goto(`/o/demo/reviews/${id}`);
  const review = reviewer.getByTestId("listing-review");
  await expect(review.getByTestId("review-icon")).toBeVisible();
  await expect(review.getByTestId("review-screenshot")).toHaveCount(1);
  await expect(review.locator('[data-permission="location"]')).toContainText("Show parking spaces nearby");
  await expect(review.getByTestId("finding-undeclared_privacy")).toContainText("Camera");
  await expect(review.getByTestId("finding-undeclared_privacy")).not.toContainText("Location");
  await reviewer.screenshot({ path: "test-results/listing-review.png", fullPage: true });

  // The image route answers with the image's type, no sniffing and a CSP that lets nothing run.
  const src = await review.getByTestId("review-icon").getAttribute("src");
  const res = await reviewer.request.get(src!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("image/png");
  expect(res.headers()["x-content-type-options"]).toBe("nosniff");
  expect(res.headers()["content-security-policy"]).toContain("default-src 'none'");
});
