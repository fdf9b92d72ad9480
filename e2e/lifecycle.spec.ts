// Issue 20: a mini-program's lifecycle in the console (archive, restore, delete behind confirmation dialogs) and the
// grouped webhook events form. Works only on mini-programs it creates: seeded ones are read by other specs.
import { expect, test } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

const auth = { authorization: "Bearer t_admin_demo" };

test("archive and restore a mini-program; delete a draft-only one", async ({ browser, request }) => {
  const stamp = Date.now();
  const appId = `com.e2e.archive${stamp}`;
  const draftId = `com.e2e.delete${stamp}`;
  for (const [id, name] of [[appId, "Archive probe"], [draftId, "Delete probe"]]) {
    expect((await request.post("/api/v1/mini-programs", { headers: auth, data: { appId: id, name } })).status()).toBe(201);
  }
  const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, {
    headers: { ...auth, "content-type": "application/zip" },
    data: buildMiniProgramPackage({ appId, version: "1.0.0" }),
  });
  expect(up.status()).toBe(201);

  const page = await (await browser.newContext({ storageState: authFile("admin") })).newPage();
  await page.goto(`/o/demo/mini-programs/${appId}`);
  await page.getByTestId("lifecycle-actions").getByRole("button", { name: "Archive" }).click();
  const dialog = page.getByRole("dialog", { name: "Archive Archive probe?" });
  await expect(dialog).toContainText("leaves every host app's manifest");
  await dialog.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByTestId("archived-badge")).toBeVisible();
  await expect(page.getByTestId("upload-disabled")).toBeDisabled();
  await expect(page.getByTestId("upload-disabled")).toHaveAccessibleDescription(/Uploads are closed/);
  await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
  // The API agrees, and refuses an upload with 409.
  expect(await (await request.get(`/api/v1/mini-programs/${appId}`, { headers: auth })).json()).toMatchObject({ status: "archived" });
  const refused = await request.post(`/api/v1/mini-programs/${appId}/versions`, {
    headers: { ...auth, "content-type": "application/zip" },
    data: buildMiniProgramPackage({ appId, version: "2.0.0" }),
  });
  expect(refused.status()).toBe(409);
  await page.screenshot({ path: "test-results/lifecycle-archived.png", fullPage: true });

  // Off the default list, on the Archived one.
  await page.goto("/o/demo/mini-programs");
  await expect(page.getByText(appId)).toHaveCount(0);
  await page.getByTestId("status-filter").selectOption("archived");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId(`mini-program-${appId}`)).toContainText("Archived");

  await page.goto(`/o/demo/mini-programs/${appId}`);
  await page.getByTestId("lifecycle-actions").getByRole("button", { name: "Restore" }).click();
  await page.getByRole("dialog", { name: "Restore Archive probe?" }).getByRole("button", { name: "Restore" }).click();
  await expect(page.getByTestId("archived-badge")).toHaveCount(0);
  await expect(page.getByTestId("upload-disabled")).toHaveCount(0);

  await page.goto(`/o/demo/mini-programs/${draftId}`);
  await page.getByTestId("lifecycle-actions").getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog", { name: "Delete Delete probe?" }).getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/o\/demo\/mini-programs$/);
  expect((await request.get(`/api/v1/mini-programs/${draftId}`, { headers: auth })).status()).toBe(404);
});

test("webhook events come in groups that select and clear as one", async ({ browser }) => {
  const page = await (await browser.newContext({ storageState: authFile("admin") })).newPage();
  await page.goto("/o/demo/settings/webhooks");
  const hosts = page.getByTestId("event-group-hosts");
  const all = hosts.getByRole("checkbox", { name: "All Host apps events" });
  await expect(all).toBeChecked();
  await all.focus();
  await page.keyboard.press("Space");
  await expect(hosts.getByRole("checkbox", { name: /host\.created/ })).not.toBeChecked();
  await hosts.getByRole("checkbox", { name: /host\.disabled/ }).check();
  await expect(all).toHaveAttribute("aria-checked", "mixed");
  await page.getByTestId("webhook-events").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "test-results/lifecycle-webhook-events.png", fullPage: true });
});
