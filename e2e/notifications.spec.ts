// Issue 17 item 5: a submission reaches the reviewers' inbox; the bell counts it, the row leads to the review and
// is then read, and "Mark all as read" clears the bell; the uploader hears of the decision. Both languages.
import { expect, test, type Page } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile } from "./helpers";

const bell = (page: Page) => page.getByTestId("notification-bell").locator("visible=true");

test.describe("as a reviewer", () => {
  test.use({ storageState: authFile("reviewer") });

  test("a new submission shows on the bell and in the inbox, and opening it marks it read", async ({ page, request }) => {
    const dev = { authorization: "Bearer t_developer_demo" };
    const appId = `com.e2e.inbox${Date.now()}`;
    expect((await request.post("/api/v1/mini-programs", { headers: dev, data: { appId, name: "Inbox probe", category: "utilities", description: "" } })).status()).toBe(201);
    // Two submissions: one is opened from the inbox, the other is left for "Mark all as read".
    const ids: string[] = [];
    for (const version of ["1.0.0", "1.0.1"]) {
      const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...dev, "content-type": "application/zip" }, data: buildMiniProgramPackage({ appId, name: "Inbox probe", version }) });
      expect(up.status()).toBe(201);
      ids.push((await up.json()).version.id as string);
      expect((await request.post(`/api/v1/versions/${ids.at(-1)}/submit`, { headers: dev })).status()).toBe(200);
    }
    const id = ids[0]!;

    await page.goto("/o/demo");
    const count = Number(await bell(page).getByTestId("notification-count").innerText());
    expect(count).toBeGreaterThanOrEqual(2);
    await expect(bell(page)).toHaveAttribute("aria-label", `${count} unread notifications`);
    await bell(page).click();
    await expect(page).toHaveURL(/\/o\/demo\/notifications$/);
    const row = page.getByTestId("notification-list").getByRole("listitem").filter({ hasText: "Inbox probe 1.0.0 is waiting for review" });
    await expect(row).toHaveAttribute("data-unread", "true");
    await row.getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/o/demo/reviews/${id}$`));
    await expect(bell(page).getByTestId("notification-count")).toHaveText(String(count - 1));

    await page.goto("/o/demo/notifications");
    await expect(page.getByTestId("notification-list").getByRole("listitem").filter({ hasText: "Inbox probe 1.0.0 " })).toHaveAttribute("data-unread", "false");
    await expect(page.getByTestId("notification-list").getByRole("listitem").filter({ hasText: "Inbox probe 1.0.1 " })).toHaveAttribute("data-unread", "true");
    await page.getByRole("button", { name: "Mark all as read" }).click();
    await expect(page.getByTestId("notification-list").locator('li[data-unread="true"]')).toHaveCount(0);
    await expect(bell(page).getByTestId("notification-count")).toHaveCount(0);
    await expect(bell(page)).toHaveAttribute("aria-label", "No unread notifications");
  });
});

test.describe("as the developer", () => {
  test.use({ storageState: authFile("developer") });

  test("hears of the decision on their upload, in Chinese too", async ({ page, request, context }) => {
    const dev = { authorization: "Bearer t_developer_demo" };
    const appId = `com.e2e.decided${Date.now()}`;
    expect((await request.post("/api/v1/mini-programs", { headers: dev, data: { appId, name: "Decided probe", category: "utilities", description: "" } })).status()).toBe(201);
    const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...dev, "content-type": "application/zip" }, data: buildMiniProgramPackage({ appId, name: "Decided probe", version: "1.0.0" }) });
    const id = (await up.json()).version.id as string;
    expect((await request.post(`/api/v1/versions/${id}/submit`, { headers: dev })).status()).toBe(200);
    const rej = await request.post(`/api/v1/versions/${id}/reject`, { headers: { authorization: "Bearer t_reviewer_demo" }, data: { reasons: ["other"], comment: "Add a privacy note." } });
    expect(rej.status()).toBe(200);

    await page.goto("/o/demo/notifications");
    const row = page.getByTestId("notification-list").getByRole("listitem").filter({ hasText: "Your upload Decided probe 1.0.0 was rejected" });
    await expect(row).toContainText("Add a privacy note.");
    await expect(row).toContainText("by reviewer@demo.test");
    await context.addCookies([{ name: "atrium_locale", value: "zh-CN", url: page.url() }]);
    await page.reload();
    await expect(page.getByTestId("notification-list").getByRole("listitem").filter({ hasText: "您上传的 Decided probe 1.0.0 未通过审核" })).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("通知");
  });
});
