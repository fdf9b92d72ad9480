// Signs in once per role and saves the browser state, so specs start signed in. Over HTTP (signInOverHttp): the
// sign-in form is what e2e/sign-in.spec.ts drives.
import { test as setup } from "@playwright/test";
import { ROLES, saveSignIn, signInOverHttp } from "./helpers";

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ context, baseURL }) => {
    await signInOverHttp(context.request, `${role}@demo.test`);
    await saveSignIn(context, baseURL!, role);
  });
}

setup("sign in as admin@other.test", async ({ context, baseURL }) => {
  await signInOverHttp(context.request, "admin@other.test");
  await saveSignIn(context, baseURL!, "other-admin");
});
