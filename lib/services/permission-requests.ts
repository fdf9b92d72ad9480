// Permission requests (CONTRACT §12, issue 17): someone who may upload a mini-program asks a host app for the
// permissions and domains its policy lacks; an owner or admin approves (the policy widens in the same transaction)
// or rejects with a comment. One service behind /api/v1 and the console's actions. Deciding is a conditional update
// on `status = 'pending'` after the row is read FOR UPDATE, so two deciders racing get one 200 and one 409.
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import { selectHost } from "@/db/queries/hosts";
import { collaborators, hostApps, permissionRequests, PERMISSION_REQUEST_STATUSES, type HostPolicy, type PermissionRequest, type PermissionRequestStatus } from "@/db/schema";
import { authorize, isCollaboratorScoped, type OrgContext } from "@/lib/authz/context";
import { recordAudit } from "@/lib/audit";
import { conflict, invalidInput, notFound } from "@/lib/errors";
import { isId, newId } from "@/lib/ids";
import { PERMISSIONS } from "@/lib/packages/catalog";
import { kickWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { sdkChangeCommitted } from "@/lib/sdk-server/change-feed";
import { domainSchema, permissionSchema, widenHostPolicy } from "./hosts";
import { findReachableMiniProgram } from "./mini-programs";
import { decodeCursor, toPage } from "./pagination";
import { enqueueWebhook } from "./webhooks";

// ---------------------------------------------------------------------------------------------------------
// Input schemas, shared by /api/v1 and the server actions
// ---------------------------------------------------------------------------------------------------------

export const createPermissionRequestInput = z.object({
  appId: z.string({ error: "Choose a mini-program" }).trim().min(1, "Choose a mini-program").max(214),
  permissions: z
    .array(permissionSchema)
    .max(PERMISSIONS.length * 2)
    .default([])
    .transform((list) => PERMISSIONS.filter((p) => list.includes(p))),
  domains: z
    .array(domainSchema)
    .max(100, "At most 100 domains")
    .default([])
    .transform((list) => [...new Set(list)]),
  reason: z.string().trim().max(1000, "At most 1,000 characters").default(""),
});
export type CreatePermissionRequestInput = z.output<typeof createPermissionRequestInput>;

export const decidePermissionRequestInput = z.object({
  comment: z.string().trim().max(1000, "At most 1,000 characters").default(""),
});
export type DecidePermissionRequestInput = z.output<typeof decidePermissionRequestInput>;

export const permissionRequestFilter = z.object({
  status: z.enum(PERMISSION_REQUEST_STATUSES, { error: "status is pending, approved or rejected" }).optional(),
});
export type PermissionRequestFilter = z.output<typeof permissionRequestFilter>;

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

export function permissionRequestToJson(r: PermissionRequest, hostName?: string) {
  return {
    id: r.id,
    hostId: r.hostId,
    ...(hostName !== undefined ? { hostName } : {}),
    appId: r.appId,
    permissions: r.permissions,
    domains: r.domains,
    reason: r.reason,
    status: r.status,
    requestedBy: r.requestedByLabel,
    decidedBy: r.decidedByLabel,
    decidedAt: r.decidedAt?.toISOString() ?? null,
    comment: r.comment,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
export type PermissionRequestJson = ReturnType<typeof permissionRequestToJson>;

/** What of `want` the policy does not allow yet (an "any domain" policy lacks no domain). */
export function missingFromPolicy(policy: HostPolicy, want: { permissions: string[]; domains: string[] }): { permissions: string[]; domains: string[] } {
  const allowedDomains = policy.allowedDomains === null ? null : new Set(policy.allowedDomains.map((d) => d.toLowerCase()));
  return {
    permissions: want.permissions.filter((p) => !policy.allowedPermissions.includes(p)),
    domains: allowedDomains === null ? [] : want.domains.filter((d) => !allowedDomains.has(d.toLowerCase())),
  };
}

function actorLabel(ctx: OrgContext): string {
  return ctx.actor.type === "token" ? `${ctx.actor.email} (API token)` : ctx.actor.email;
}

function eventPayload(ctx: OrgContext, type: string, request: PermissionRequestJson): Record<string, unknown> {
  return { id: newId("evt"), type, createdAt: new Date().toISOString(), orgId: ctx.org.id, actor: ctx.actor.email, data: { request } };
}

async function findHostRow(db: DbOrTx, ctx: OrgContext, hostId: string) {
  const host = await selectHost(db, ctx.org.id, hostId);
  // Another organization's host answers exactly like a missing one (CONTRACT §1).
  if (!host) throw notFound("Host app");
  return host;
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

/**
 * A host's requests, newest first. Whoever may read the host reads them, except that developers see only the
 * requests of mini-programs they collaborate on (as they see only those mini-programs).
 */
export async function listHostRequests(ctx: OrgContext, hostId: string, page: { limit: number; cursor?: string } = { limit: 50 }, filter: PermissionRequestFilter = {}) {
  authorize(ctx, "catalog.read");
  await findHostRow(ctx.db, ctx, hostId);
  const before = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select()
    .from(permissionRequests)
    .where(
      and(
        eq(permissionRequests.orgId, ctx.org.id),
        eq(permissionRequests.hostId, hostId),
        filter.status ? eq(permissionRequests.status, filter.status) : undefined,
        before ? lt(permissionRequests.id, before) : undefined,
        scopeOf(ctx),
      ),
    )
    .orderBy(desc(permissionRequests.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.id);
  return { items: p.items.map((r) => permissionRequestToJson(r)), nextCursor: p.nextCursor };
}

/** The collaborator scope, expressed on the request's mini-program id. */
function scopeOf(ctx: OrgContext) {
  if (!isCollaboratorScoped(ctx)) return undefined;
  return inArray(
    permissionRequests.miniProgramId,
    ctx.db
      .select({ id: collaborators.miniProgramId })
      .from(collaborators)
      .where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.userId, ctx.actor.userId))),
  );
}

/** Requests of one mini-program on every host (its page shows the developer where their requests stand). */
export async function listMiniProgramRequests(ctx: OrgContext, appId: string, limit = 50) {
  authorize(ctx, "catalog.read");
  const mp = await findReachableMiniProgram(ctx, appId);
  const rows = await ctx.db
    .select({ r: permissionRequests, hostName: hostApps.name })
    .from(permissionRequests)
    .innerJoin(hostApps, and(eq(hostApps.orgId, permissionRequests.orgId), eq(hostApps.id, permissionRequests.hostId)))
    .where(and(eq(permissionRequests.orgId, ctx.org.id), eq(permissionRequests.miniProgramId, mp.id)))
    .orderBy(desc(permissionRequests.id))
    .limit(limit);
  return rows.map((x) => permissionRequestToJson(x.r, x.hostName));
}

/** The requests waiting for a decision, per host (the overview's count and links, for those who decide). */
export async function pendingRequestsByHost(ctx: OrgContext): Promise<{ hostId: string; hostName: string; count: number }[]> {
  authorize(ctx, "hosts.manage");
  const rows = await ctx.db
    .select({ hostId: permissionRequests.hostId, hostName: hostApps.name, count: sql<number>`count(*)::int` })
    .from(permissionRequests)
    .innerJoin(hostApps, and(eq(hostApps.orgId, permissionRequests.orgId), eq(hostApps.id, permissionRequests.hostId)))
    .where(and(eq(permissionRequests.orgId, ctx.org.id), eq(permissionRequests.status, "pending")))
    .groupBy(permissionRequests.hostId, hostApps.name)
    .orderBy(hostApps.name);
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

/**
 * Asks the host for what its policy lacks. Only what is still missing is recorded; a request for nothing (or only
 * for what is already allowed) is 422 `invalid_input` with `details.reason = "nothing_to_request"`.
 */
export async function createPermissionRequest(ctx: OrgContext, hostId: string, input: CreatePermissionRequestInput): Promise<PermissionRequestJson> {
  authorize(ctx, "miniPrograms.write");
  const host = await findHostRow(ctx.db, ctx, hostId);
  // A developer who does not collaborate on it gets not_found, as for any mini-program they cannot reach.
  const mp = await findReachableMiniProgram(ctx, input.appId);
  if (input.permissions.length === 0 && input.domains.length === 0) {
    throw invalidInput("Ask for at least one permission or domain", { reason: "nothing_to_request", fields: { permissions: ["Ask for at least one permission or domain"] } });
  }
  const missing = missingFromPolicy(host.policy, input);
  if (missing.permissions.length === 0 && missing.domains.length === 0) {
    throw invalidInput("This host's policy already allows everything asked for", { reason: "nothing_to_request", alreadyAllowed: { permissions: input.permissions, domains: input.domains } });
  }
  const id = newId("prq");
  const json = await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(permissionRequests)
      .values({
        orgId: ctx.org.id,
        id,
        hostId: host.id,
        miniProgramId: mp.id,
        appId: mp.appId,
        permissions: missing.permissions,
        domains: missing.domains,
        reason: input.reason,
        status: "pending",
        requestedBy: ctx.actor.userId,
        requestedByLabel: actorLabel(ctx),
      })
      .returning();
    const out = permissionRequestToJson(row!);
    await recordAudit(tx, ctx, {
      action: "permission_request.create",
      objectType: "permission_request",
      objectId: id,
      changes: { hostId: host.id, appId: mp.appId, permissions: missing.permissions, domains: missing.domains, reason: input.reason },
    });
    await enqueueWebhook(tx, ctx.org.id, "permission_request.created", eventPayload(ctx, "permission_request.created", out));
    return out;
  });
  kickWebhookDispatcher();
  return json;
}

async function decide(ctx: OrgContext, requestId: string, to: Exclude<PermissionRequestStatus, "pending">, input: DecidePermissionRequestInput): Promise<PermissionRequestJson> {
  authorize(ctx, "hosts.manage");
  if (!isId("prq", requestId)) throw notFound("Permission request");
  const json = await ctx.db.transaction(async (tx) => {
    // Held for the transaction: a second decider waits here, then reads the decided status and gets 409.
    const [current] = await tx
      .select()
      .from(permissionRequests)
      .where(and(eq(permissionRequests.orgId, ctx.org.id), eq(permissionRequests.id, requestId)))
      .for("update")
      .limit(1);
    if (!current) throw notFound("Permission request");
    if (current.status !== "pending") throw conflict(`This request is already ${current.status}`, { status: current.status });
    const now = new Date();
    const [updated] = await tx
      .update(permissionRequests)
      .set({ status: to, decidedBy: ctx.actor.userId, decidedByLabel: actorLabel(ctx), decidedAt: now, comment: input.comment, updatedAt: now })
      .where(and(eq(permissionRequests.orgId, ctx.org.id), eq(permissionRequests.id, requestId), eq(permissionRequests.status, "pending")))
      .returning();
    if (!updated) throw conflict("This request was decided by someone else at the same time", { status: "decided" });
    if (to === "approved") {
      await widenHostPolicy(tx, ctx, current.hostId, { permissions: current.permissions, domains: current.domains }, { permissionRequestId: requestId });
    }
    const out = permissionRequestToJson(updated);
    await recordAudit(tx, ctx, {
      action: to === "approved" ? "permission_request.approve" : "permission_request.reject",
      objectType: "permission_request",
      objectId: requestId,
      changes: { from: "pending", to, hostId: current.hostId, appId: current.appId, permissions: current.permissions, domains: current.domains, comment: input.comment },
    });
    const event = to === "approved" ? "permission_request.approved" : "permission_request.rejected";
    await enqueueWebhook(tx, ctx.org.id, event, eventPayload(ctx, event, out));
    return { out, hostId: to === "approved" ? current.hostId : null };
  });
  // The widened policy is in the verifier's cached host row: dropped here, and by NOTIFY in other processes.
  if (json.hostId) await sdkChangeCommitted({ orgId: ctx.org.id, hostId: json.hostId });
  kickWebhookDispatcher();
  return json.out;
}

/** Approves: the host's policy gains the request's permissions and domains in the same transaction. */
export function approvePermissionRequest(ctx: OrgContext, requestId: string, input: DecidePermissionRequestInput = { comment: "" }) {
  return decide(ctx, requestId, "approved", input);
}

export function rejectPermissionRequest(ctx: OrgContext, requestId: string, input: DecidePermissionRequestInput = { comment: "" }) {
  return decide(ctx, requestId, "rejected", input);
}
