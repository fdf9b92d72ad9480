// Signs in once per role and saves the browser state, so specs start signed in.
import { test as setup } from "@playwright/test";
import { authFile, expectSignedIn, ROLES, signIn } from "./helpers";

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    await signIn(page, `${role}@demo.test`);
    await page.waitForURL(/\/o\/demo$/);
    await expectSignedIn(page, `${role}@demo.test`);
    await page.context().storageState({ path: authFile(role) });
  });
}

setup("sign in as admin@other.test", async ({ page }) => {
  await signIn(page, "admin@other.test");
  await page.waitForURL(/\/o\/other$/);
  await page.context().storageState({ path: authFile("other-admin") });
});
