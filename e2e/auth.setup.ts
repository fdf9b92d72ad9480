// Signs in once per role and saves the browser state, so specs start signed in. Over HTTP (signInOverHttp): the
// sign-in form is what e2e/sign-in.spec.ts drives.
import { test as setup } from "@playwright/test";
import { authFile, ROLES, signInOverHttp } from "./helpers";

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ context }) => {
    await signInOverHttp(context.request, `${role}@demo.test`);
    await context.storageState({ path: authFile(role) });
  });
}

setup("sign in as admin@other.test", async ({ context }) => {
  await signInOverHttp(context.request, "admin@other.test");
  await context.storageState({ path: authFile("other-admin") });
});
