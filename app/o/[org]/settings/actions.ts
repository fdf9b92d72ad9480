"use server";
// Organization settings' server actions: thin, the service authorizes and audits.
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { rotateSigningKey } from "@/lib/services/manifest-keys";

export const rotateManifestKeyAction = orgAction({ name: "settings.rotateManifestKey", permission: "settings.manage", input: z.object({}) }, async (ctx) => {
  const keys = await rotateSigningKey(ctx);
  return { keyId: keys.find((k) => k.status === "active")?.keyId ?? null };
});
