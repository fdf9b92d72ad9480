"use server";
// Two-factor authentication (issue 15 item 4): a person's own enrolment on the Security page, and the organization's
// "require two-factor authentication" setting for owners and admins. Setting it up is never held back by an
// organization's requirement of it (twoFactorSetup).
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import {
  beginTwoFactor,
  codeInput,
  confirmTwoFactor,
  disableTwoFactor,
  proofInput,
  regenerateRecoveryCodes,
  requireInput,
  setTwoFactorRequired,
} from "@/lib/services/two-factor";

export const beginTwoFactorAction = orgAction({ name: "twoFactor.begin", permission: "account.manage", input: z.object({}), twoFactorSetup: true }, (ctx) => beginTwoFactor(ctx));

export const confirmTwoFactorAction = orgAction({ name: "twoFactor.confirm", permission: "account.manage", input: codeInput, twoFactorSetup: true }, (ctx, input) =>
  confirmTwoFactor(ctx, input.code),
);

export const regenerateRecoveryCodesAction = orgAction({ name: "twoFactor.regenerateRecoveryCodes", permission: "account.manage", input: codeInput }, (ctx, input) =>
  regenerateRecoveryCodes(ctx, input.code),
);

export const disableTwoFactorAction = orgAction({ name: "twoFactor.disable", permission: "account.manage", input: proofInput }, (ctx, input) => disableTwoFactor(ctx, input.proof));

export const requireTwoFactorAction = orgAction({ name: "organization.requireTwoFactor", permission: "settings.manage", input: requireInput }, (ctx, input) =>
  setTwoFactorRequired(ctx, input.required),
);
