"use server";
// The console's release actions: thin wrappers over lib/services/releases.ts, which authorizes again, checks the
// state and audits.
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { cancelRelease, createRelease, createReleaseInput, promoteRing } from "@/lib/services/releases";

const id = z.string().min(1).max(64);

export const createReleaseAction = orgAction({ name: "releases.create", permission: "assignments.manage", input: createReleaseInput }, async (ctx, input) => {
  const r = await createRelease(ctx, input);
  return { id: r.id };
});

export const cancelReleaseAction = orgAction(
  { name: "releases.cancel", permission: "assignments.manage", input: z.object({ id, revision: z.number().int().positive() }) },
  async (ctx, input) => {
    const r = await cancelRelease(ctx, input.id, { revision: input.revision });
    return { status: r.status };
  },
);

export const promoteRingAction = orgAction(
  { name: "releases.promote_ring", permission: "assignments.manage", input: z.object({ id, ring: z.number().int().min(0) }) },
  async (ctx, input) => {
    const r = await promoteRing(ctx, input.id, { ring: input.ring });
    return { status: r.status, currentRing: r.currentRing };
  },
);
