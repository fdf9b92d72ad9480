"use server";
// Organizations themselves (issue 20 item 1), for the first-run screen, /o/new and Settings: thin, the service
// authorizes, validates and audits.
import { z } from "zod";
import { getDb } from "@/db";
import { assertSameOrigin, orgAction, toActionError, type ActionResult } from "@/lib/actions/safe-action";
import { getRequestIp, getSessionUser } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { findUnsafeJson } from "@/lib/validation";
import {
  createOrganization,
  deleteOrganization,
  deleteOrganizationInput,
  orgNameSchema,
  slugSchema,
  transferOwnership,
  transferOwnershipInput,
  updateOrganization,
} from "@/lib/services/organizations";

/**
 * No organization context yet: any signed-in person, unless ALLOW_ORG_CREATION=0 (the service refuses then, whatever
 * the page showed).
 */
export async function createOrganizationAction(input: { name: string; slug?: string }): Promise<ActionResult<{ slug: string }>> {
  try {
    await assertSameOrigin();
    const user = await getSessionUser();
    if (!user) throw new AppError("unauthenticated", "Your session has ended; sign in again");
    const unsafe = findUnsafeJson(input);
    if (unsafe) return { ok: false, error: { code: "invalid_input", message: "Some fields need attention", fieldErrors: { [unsafe.path]: [unsafe.message] } } };
    const slug = typeof input?.slug === "string" && input.slug.trim() === "" ? undefined : input?.slug;
    const org = await createOrganization(await getDb(), { userId: user.id, email: user.email, name: user.name }, { name: input?.name, slug }, { ip: await getRequestIp() });
    return { ok: true, data: { slug: org.slug } };
  } catch (e) {
    return { ok: false, error: toActionError(e) };
  }
}

// The organization itself (issue 20 item 1): admins rename; the slug, a transfer and deletion are the owner's.
export const renameOrganizationAction = orgAction({ name: "organization.rename", permission: "organization.rename", input: z.object({ name: orgNameSchema }) }, async (ctx, input) => {
  const org = await updateOrganization(ctx, { name: input.name });
  return { name: org.name };
});

export const changeOrganizationSlugAction = orgAction({ name: "organization.changeSlug", permission: "organization.manage", input: z.object({ slug: slugSchema }) }, async (ctx, input) => {
  const org = await updateOrganization(ctx, { slug: input.slug });
  return { slug: org.slug };
});

export const transferOwnershipAction = orgAction({ name: "organization.transferOwnership", permission: "organization.manage", input: transferOwnershipInput }, async (ctx, input) => {
  return transferOwnership(ctx, input);
});

export const deleteOrganizationAction = orgAction({ name: "organization.delete", permission: "organization.manage", input: deleteOrganizationInput }, async (ctx, input) => {
  return deleteOrganization(ctx, input);
});
