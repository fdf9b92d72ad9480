"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { changeRole, changeRoleInput, inviteInput, inviteMember, removeMember, removeMemberInput, revokeInvitation } from "@/lib/services/members";
import { endMemberSessions, memberRef } from "@/lib/services/sessions";
import { issueResetLink } from "@/lib/services/accounts";

export const inviteMemberAction = orgAction({ name: "members.invite", permission: "members.manage", input: inviteInput }, async (ctx, input) => {
  const r = await inviteMember(ctx, input);
  return { token: r.token, expiresAt: r.expiresAt.toISOString() };
});

export const revokeInvitationAction = orgAction(
  { name: "members.revokeInvitation", permission: "members.manage", input: z.object({ invitationId: z.string().min(1).max(64) }) },
  (ctx, input) => revokeInvitation(ctx, input.invitationId),
);

export const changeRoleAction = orgAction({ name: "members.changeRole", permission: "members.manage", input: changeRoleInput }, changeRole);

export const removeMemberAction = orgAction({ name: "members.remove", permission: "members.manage", input: removeMemberInput }, removeMember);

export const endMemberSessionsAction = orgAction({ name: "members.endSessions", permission: "members.manage", input: memberRef }, (ctx, input) =>
  endMemberSessions(ctx, input.userId),
);

/** A one-time password reset link for a member, shown once to copy (issue 20 item 2). */
export const issueResetLinkAction = orgAction({ name: "members.issueResetLink", permission: "members.manage", input: memberRef }, (ctx, input) =>
  issueResetLink(ctx, input.userId),
);
