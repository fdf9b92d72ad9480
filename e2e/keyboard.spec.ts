// Issue 20 item 7: two complete flows operated by keyboard only (no click, no fill): an admin registers a host app,
// and a reviewer approves a version. Every control on the way must be reachable with Tab, in an order that makes
// sense, show where the focus is, and work with Enter or Space; a dialog must take the focus and give it back.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { buildMiniProgramPackage } from "../lib/packages/zip-writer";
import { authFile, presentationOnly } from "./helpers";

/** Presses Tab until `target` has the focus (at most `max` times), as a person would; fails if it never does. */
async function tabTo(page: Page, target: Locator, max = 120): Promise<number> {
  for (let presses = 0; presses <= max; presses++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return presses;
    await page.keyboard.press("Tab");
  }
  throw new Error(`${target} cannot be reached with Tab in ${max} presses`);
}

/** The focused element shows where it is: an outline or a ring (box-shadow) that is visible. */
async function expectVisibleFocus(target: Locator) {
  const style = await target.evaluate((el) => {
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0, ring: s.boxShadow !== "none" };
  });
  expect(style.outline || style.ring, "a focused control shows a focus indicator").toBe(true);
}

// Focus order and indicators are markup and CSS: checked in the PGlite run (the same flows' data is checked on both
// databases by hosts.spec.ts and reviews.spec.ts).
test.describe("an admin, by keyboard only", () => {
  presentationOnly();
  test.use({ storageState: authFile("admin") });

  test("registers a host app and reaches its one-time credentials", async ({ page }) => {
    await page.goto("/o/demo/hosts");
    // The form is controlled by React: keys pressed before it hydrates would be lost.
    await page.waitForLoadState("networkidle");
    const register = page.getByRole("main").getByRole("link", { name: "Register host app" }).first();
    await tabTo(page, register);
    await expectVisibleFocus(register);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/hosts\/new$/);
    await page.waitForLoadState("networkidle");

    const name = `Keyboard SuperApp ${Date.now()}`;
    await tabTo(page, page.getByLabel("Name"));
    await page.keyboard.type(name);
    const platform = page.getByLabel("Platform 1");
    await tabTo(page, platform);
    await expectVisibleFocus(platform);
    // A closed <select> takes type-ahead: "a" picks Android.
    await page.keyboard.type("a");
    await expect(platform).toHaveValue("android");
    await tabTo(page, page.getByLabel("Package name (Android)"));
    await page.keyboard.type("com.keyboard.superapp");
    const submit = page.getByRole("button", { name: "Register host app" });
    await tabTo(page, submit);
    await expectVisibleFocus(submit);
    await page.keyboard.press("Enter");

    await expect(page.getByTestId("host-created")).toBeVisible();
    await expect(page.getByTestId("one-time-secret")).toHaveText(/^\s*sk_/);
    // From the credentials, the next step is reachable too.
    const open = page.getByRole("link", { name: "Open host app" });
    await tabTo(page, open);
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name })).toBeVisible();
  });
});

test.describe("a reviewer, by keyboard only", () => {
  presentationOnly();
  test.use({ storageState: authFile("reviewer") });

  test("opens a submission from the queue and approves it through the confirmation", async ({ page, request }) => {
    // A submission by the admin (a reviewer never decides on their own upload).
    const auth = { authorization: "Bearer t_admin_demo" };
    const appId = `com.e2e.keyboard${Date.now()}`;
    const appName = `Keyboard probe ${Date.now() % 100000}`;
    expect((await request.post("/api/v1/mini-programs", { headers: auth, data: { appId, name: appName, category: "utilities", description: "" } })).status()).toBe(201);
    const zip = buildMiniProgramPackage({ appId, name: appName, version: "1.0.0" });
    const up = await request.post(`/api/v1/mini-programs/${appId}/versions`, { headers: { ...auth, "content-type": "application/zip" }, data: zip });
    expect(up.status()).toBe(201);
    const id = (await up.json()).version.id as string;
    expect((await request.post(`/api/v1/versions/${id}/submit`, { headers: auth })).status()).toBe(200);

    await page.goto("/o/demo/reviews");
    await page.waitForLoadState("networkidle");
    const entry = page.getByRole("main").locator(`a[href$="/reviews/${id}"]`).first();
    await tabTo(page, entry, 200);
    await expectVisibleFocus(entry);
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/reviews/${id}$`));
    await page.waitForLoadState("networkidle");

    // The trigger comes before its (closed) dialog's own "Approve" in the page.
    const approve = page.getByRole("button", { name: "Approve", exact: true }).first();
    await tabTo(page, approve, 200);
    await expectVisibleFocus(approve);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect(dialog).toBeVisible();
    // The dialog takes the focus, and Tab stays inside it.
    await expect.poll(() => dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      expect(await dialog.evaluate((d) => d.contains(document.activeElement)), "focus stays in the dialog").toBe(true);
    }
    // Escape closes it and gives the focus back to the button that opened it; nothing was decided.
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(approve).toBeFocused();
    await page.keyboard.press("Space");
    await expect(dialog).toBeVisible();
    await tabTo(page, dialog.getByRole("button", { name: "Approve" }), 10);
    await page.keyboard.press("Enter");

    // A reused keep-alive connection the server has just closed answers ECONNRESET: asked again, not failed.
    const status = async () => {
      try {
        return (await (await request.get(`/api/v1/versions/${id}`, { headers: auth })).json()).status as string;
      } catch {
        return "unreachable";
      }
    };
    await expect.poll(status).toBe("approved");
    await expect(dialog).toBeHidden();
  });
});
