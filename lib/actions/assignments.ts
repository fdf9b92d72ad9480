"use server";
// The console's assignment actions: thin wrappers over lib/services/assignments.ts, which authorizes again,
// checks the state and the revision the page was showing, and audits.
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import {
  assignInput,
  assignVersion,
  promoteAssignment,
  rollbackAssignment,
  unassign,
  updateAssignment,
  updateAssignmentInput,
} from "@/lib/services/assignments";

const id = z.string().min(1).max(64);
/** The console always sends the revision it showed, so acting on a stale page is a 409, never a surprise. */
const revision = z.number().int().positive();

export const assignAction = orgAction(
  { name: "assignments.assign", permission: "assignments.manage", input: assignInput.extend({ hostId: id }) },
  async (ctx, { hostId, ...input }) => {
    const a = await assignVersion(ctx, hostId, input);
    return { id: a.id, hostId: a.hostId };
  },
);

export const updateAssignmentAction = orgAction(
  { name: "assignments.update", permission: "assignments.manage", input: updateAssignmentInput.and(z.object({ id, revision })) },
  async (ctx, { id: assignmentId, ...input }) => {
    const a = await updateAssignment(ctx, assignmentId, input);
    return { revision: a.revision };
  },
);

const transition = z.object({ id, revision });

export const promoteAction = orgAction({ name: "assignments.promote", permission: "assignments.manage", input: transition }, async (ctx, input) => {
  const a = await promoteAssignment(ctx, input.id, { revision: input.revision });
  return { revision: a.revision };
});

export const rollbackAction = orgAction({ name: "assignments.rollback", permission: "assignments.manage", input: transition }, async (ctx, input) => {
  const a = await rollbackAssignment(ctx, input.id, { revision: input.revision });
  return { revision: a.revision };
});

export const unassignAction = orgAction({ name: "assignments.unassign", permission: "assignments.manage", input: transition }, async (ctx, input) => {
  const a = await unassign(ctx, input.id, { revision: input.revision });
  return { id: a.id, hostId: a.hostId };
});
