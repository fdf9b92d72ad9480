"use server";
// The sessions page's actions: a person signs out one of their other sessions, or all of them.
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { revokeMyOtherSessions, revokeMySession, sessionRef } from "@/lib/services/sessions";

export const revokeSessionAction = orgAction({ name: "sessions.revoke", permission: "account.manage", input: sessionRef }, (ctx, input) =>
  revokeMySession(ctx, input.sessionId),
);

export const revokeOtherSessionsAction = orgAction({ name: "sessions.revokeOthers", permission: "account.manage", input: z.object({}) }, (ctx) =>
  revokeMyOtherSessions(ctx),
);
