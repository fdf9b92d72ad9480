"use server";
// The single sign-on settings page's actions: the same service as /api/v1/sso, for owners and admins.
import { headers } from "next/headers";
import { z } from "zod";
import { orgAction } from "@/lib/actions/safe-action";
import { deleteSsoSettings, putSsoSettings, ssoSettingsInput } from "@/lib/services/sso";
import { ssoRedirectUri } from "@/lib/sso/urls";

export const saveSsoAction = orgAction({ name: "sso.save", permission: "settings.manage", input: ssoSettingsInput }, async (ctx, input) =>
  putSsoSettings(ctx, input, ssoRedirectUri(await headers())),
);

export const disableSsoAction = orgAction({ name: "sso.disable", permission: "settings.manage", input: z.object({}) }, async (ctx) =>
  deleteSsoSettings(ctx, ssoRedirectUri(await headers())),
);
