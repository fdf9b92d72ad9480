"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import {
  createHost,
  createHostInput,
  hostPlatformsSchema,
  hostStatusSchema,
  policyPatchSchema,
  rotateSecret,
  setHostStatus,
  updateHost,
  urlSchemeSchema,
} from "@/lib/services/hosts";

const hostId = z.string().min(1).max(64);

export const createHostAction = orgAction({ name: "hosts.create", permission: "hosts.manage", input: createHostInput }, async (ctx, input) => {
  const host = await createHost(ctx, input);
  return { id: host.id, name: host.name, sdkKey: host.sdkKey, sdkSecret: host.sdkSecret };
});

export const updateHostDetailsAction = orgAction(
  {
    name: "hosts.update",
    permission: "hosts.manage",
    input: z.object({
      hostId,
      name: createHostInput.shape.name,
      description: createHostInput.shape.description,
      platforms: hostPlatformsSchema,
      urlScheme: urlSchemeSchema.optional(),
    }),
  },
  async (ctx, { hostId: id, ...details }) => {
    const host = await updateHost(ctx, id, details);
    return { name: host.name, description: host.description, platforms: host.platforms, urlScheme: host.urlScheme };
  },
);

export const setHostStatusAction = orgAction(
  { name: "hosts.setStatus", permission: "hosts.manage", input: z.object({ hostId, status: hostStatusSchema }) },
  async (ctx, input) => {
    const host = await setHostStatus(ctx, input.hostId, input.status);
    return { status: host.status };
  },
);

export const updatePolicyAction = orgAction(
  { name: "hosts.updatePolicy", permission: "hosts.manage", input: z.object({ hostId, policy: policyPatchSchema }) },
  async (ctx, input) => {
    const host = await updateHost(ctx, input.hostId, { policy: input.policy });
    return { policy: host.policy };
  },
);

export const rotateSecretAction = orgAction({ name: "hosts.rotateSecret", permission: "hosts.manage", input: z.object({ hostId }) }, async (ctx, input) => {
  const host = await rotateSecret(ctx, input.hostId);
  return { sdkSecret: host.sdkSecret, previousSecretExpiresAt: host.previousSecretExpiresAt };
});
