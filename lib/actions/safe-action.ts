// The layered server-action helper: same-origin request → signed-in member of the organization → permission
// from the one table → validated input → service. Services write the audit entry in their transaction.
// Every action registers here, so the permission-matrix test can find an action that has no row.
import { headers } from "next/headers";
import { z } from "zod";
import type { Permission } from "@/lib/authz/permissions";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { getActionContext } from "@/lib/auth/session";
import { AppError, toErrorBody, type ErrorCode } from "@/lib/errors";
import { isSameOrigin } from "@/lib/same-origin";
import { findUnsafeJson, zodFieldErrors } from "@/lib/validation";

export { zodFieldErrors };

export type ActionError = { code: ErrorCode; message: string; fieldErrors?: Record<string, string[]>; details?: unknown };
export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: ActionError };

/** `twoFactorSetup`: the action sets up two-factor, so an organization's requirement of it never blocks it. */
export type ActionMeta = { name: string; permission: Permission; twoFactorSetup?: boolean };

/** Refuses a cross-site or Origin-less mutation, whatever Next's own check does. */
export async function assertSameOrigin(): Promise<void> {
  const h = await headers();
  if (!isSameOrigin(h.get("origin"), h.get("x-forwarded-host") ?? h.get("host"))) throw new AppError("forbidden", "Cross-site request refused");
}

export function toActionError(e: unknown): ActionError {
  if (e instanceof z.ZodError) {
    return { code: "invalid_input", message: "Some fields need attention", fieldErrors: zodFieldErrors(e) };
  }
  const { body } = toErrorBody(e);
  const out: ActionError = { code: body.error.code, message: body.error.message };
  if (body.error.details !== undefined) out.details = body.error.details;
  return out;
}

export function orgAction<S extends z.ZodType, T>(
  meta: ActionMeta & { input: S },
  handler: (ctx: OrgContext, input: z.output<S>) => Promise<T>,
): (orgSlug: string, input: z.input<S>) => Promise<ActionResult<T>> {
  return async (orgSlug, rawInput) => {
    try {
      await assertSameOrigin();
      const ctx = await getActionContext(String(orgSlug), { twoFactorSetup: meta.twoFactorSetup });
      authorize(ctx, meta.permission);
      // The same rule as the API's bodies: NUL, lone surrogates and prototype keys never reach a service.
      const unsafe = findUnsafeJson(rawInput);
      if (unsafe) return { ok: false, error: { code: "invalid_input", message: "Some fields need attention", fieldErrors: { [unsafe.path]: [unsafe.message] } } };
      const parsed = meta.input.safeParse(rawInput);
      if (!parsed.success) {
        return { ok: false, error: { code: "invalid_input", message: "Some fields need attention", fieldErrors: zodFieldErrors(parsed.error) } };
      }
      return { ok: true, data: await handler(ctx, parsed.data) };
    } catch (e) {
      return { ok: false, error: toActionError(e) };
    }
  };
}
