// Organizations (issue 20 item 1): create one in the browser, rename it, change its slug and follow an old link,
// hand it to another member, delete it. Works only on its own throwaway organization: demo and other stay untouched.
import { expect, test } from "@playwright/test";
import { authFile, PASSWORD } from "./helpers";

test.use({ storageState: authFile("owner") });

test("create, rename, change the slug (old links redirect), transfer and delete a throwaway organization", async ({ page, browser }) => {
  // One story across two browsers and a dozen pages: longer than the default 30 s on a loaded machine.
  test.setTimeout(120_000);
  const stamp = Date.now().toString(36);
  const slug = `e2e-org-${stamp}`;
  await page.goto("/o/demo");
  await page.getByTestId("new-org-link").first().click();
  await expect(page).toHaveURL(/\/o\/new$/);
  await page.getByLabel("Name").fill(`E2E Org ${stamp}`);
  await page.getByLabel("Slug").fill("admin");
  await page.getByTestId("create-org-submit").click();
  await expect(page.getByText("This slug is reserved by the console; choose another")).toBeVisible();
  await page.getByLabel("Slug").fill(slug);
  await page.getByTestId("create-org-submit").click();
  await expect(page).toHaveURL(new RegExp(`/o/${slug}$`));
  await expect(page.getByTestId("current-role")).toHaveText("Owner");

  await page.goto(`/o/${slug}/settings`);
  await page.getByTestId("org-name-input").fill(`Renamed ${stamp}`);
  await page.getByTestId("org-rename-save").click();
  await expect(page.getByTestId("org-switcher").locator("option:checked")).toHaveText(`Renamed ${stamp}`);

  // A taken slug is refused, then a free one is taken and the old address still leads here.
  await page.getByTestId("org-slug-input").fill("other");
  await page.getByTestId("org-slug-save").click();
  await expect(page.getByText("Already taken")).toBeVisible();
  const moved = `${slug}-b`;
  await page.getByTestId("org-slug-input").fill(moved);
  await page.getByTestId("org-slug-save").click();
  await expect(page).toHaveURL(new RegExp(`/o/${moved}/settings$`));
  await page.goto(`/o/${slug}/audit?x=1`);
  await expect(page).toHaveURL(new RegExp(`/o/${moved}/audit\\?x=1$`));

  // Another member: the admin of Demo, invited and accepting in their own browser.
  await page.goto(`/o/${moved}/members`);
  await page.getByLabel("Email").fill("admin@demo.test");
  await page.getByLabel("Role", { exact: true }).selectOption("developer");
  await page.getByRole("button", { name: "Create invitation" }).click();
  const link = (await page.getByTestId("one-time-secret").textContent())!.trim();
  const adminCtx = await browser.newContext({ storageState: authFile("admin") });
  const admin = await adminCtx.newPage();
  await admin.goto(link);
  await admin.getByRole("button", { name: "Accept invitation" }).click();
  await expect(admin).toHaveURL(new RegExp(`/o/${moved}`));

  await page.goto(`/o/${moved}/settings`);
  await page.getByTestId("transfer-to").selectOption({ index: 1 });
  await page.getByTestId("transfer-password").fill("wrong-password");
  await page.getByTestId("transfer-submit").click();
  await expect(page.getByText("The password is not correct")).toBeVisible();
  await page.getByTestId("transfer-password").fill(PASSWORD);
  await page.getByTestId("transfer-submit").click();
  await expect(page.getByTestId("current-role")).toHaveText("Admin");
  await expect(page.getByTestId("transfer-to")).toHaveCount(0);

  // The new owner deletes the empty organization, confirmed by its slug.
  await admin.goto(`/o/${moved}/settings`);
  await admin.getByTestId("delete-confirm").fill(moved);
  await admin.getByTestId("delete-submit").click();
  await expect(admin).not.toHaveURL(new RegExp(`/o/${moved}`));
  await adminCtx.close();
  const gone = await page.goto(`/o/${moved}`);
  expect(gone?.status()).toBe(404);

  // The seeded organizations are as they were.
  await page.goto("/o/demo/settings");
  await expect(page.getByTestId("org-name-input")).toHaveValue("Demo Enterprise");
});
