"use server";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { createToken, createTokenInput, revokeToken } from "@/lib/services/tokens";

export const createTokenAction = orgAction({ name: "tokens.create", permission: "tokens.manage", input: createTokenInput }, async (ctx, input) => {
  const r = await createToken(ctx, input);
  return { id: r.id, token: r.token, scope: r.scope };
});

export const revokeTokenAction = orgAction(
  { name: "tokens.revoke", permission: "tokens.manage", input: z.object({ tokenId: z.string().min(1).max(64) }) },
  (ctx, input) => revokeToken(ctx, input.tokenId),
);
