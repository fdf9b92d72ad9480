"use server";
import { getDb } from "@/db";
import { assertSameOrigin, toActionError, type ActionResult } from "@/lib/actions/safe-action";
import { getRequestIp, getSessionUser } from "@/lib/auth/session";
import { acceptInput, acceptInvitation } from "@/lib/services/members";

/** No organization context yet: the invitation token itself is the authorization. */
export async function acceptInvitationAction(input: { token: string; name?: string; password?: string }): Promise<ActionResult<{ orgSlug: string; signedIn: boolean }>> {
  try {
    await assertSameOrigin();
    const parsed = acceptInput.parse(input);
    const user = await getSessionUser();
    const r = await acceptInvitation(await getDb(), parsed, user ? { id: user.id, email: user.email } : null, await getRequestIp());
    return { ok: true, data: { orgSlug: r.orgSlug, signedIn: !!user } };
  } catch (e) {
    return { ok: false, error: toActionError(e) };
  }
}
