"use server";
import { orgAction } from "@/lib/actions/safe-action";
import { markNotificationsRead, markReadInput } from "@/lib/services/notifications";

/** Marks one's own notifications read: every member, for themselves only. */
export const markNotificationsReadAction = orgAction({ name: "notifications.markRead", permission: "account.manage", input: markReadInput }, (ctx, input) =>
  markNotificationsRead(ctx, input),
);
