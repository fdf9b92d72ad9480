"use server";
import { redirect } from "next/navigation";
import { revokeSession, signOut } from "@/lib/auth";
import { getSessionUser } from "@/lib/auth/session";
import { assertSameOrigin } from "@/lib/actions/safe-action";

/** Revokes this browser's session row (so the JWT is dead everywhere at once), then clears the cookie. */
export async function signOutAction(): Promise<void> {
  await assertSameOrigin();
  const user = await getSessionUser();
  if (user) await revokeSession(user.sessionId);
  await signOut({ redirect: false });
  redirect("/sign-in");
}
