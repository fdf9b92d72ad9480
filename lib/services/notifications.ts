// The inbox (issue 17 item 5). Every event that reaches webhooks passes through `notifyForEvent` in the same
// transaction (lib/services/webhooks.ts enqueueWebhook), which writes one row per person it concerns:
//   version.submitted → the organization's reviewers, admins and owners, not the uploader;
//   version.approved, .rejected, .revoked → the uploader;
//   rollout.halted, permission_request.created → admins and owners; a request's decision → whoever asked.
// A person reads only their own rows, in the organization they are acting in. With SMTP configured each row is
// also mailed (lib/notifications/mailer.ts) after the commit.
import { and, count, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import { selectHost } from "@/db/queries/hosts";
import { memberships, miniPrograms, notifications, users, type Role } from "@/db/schema";
import { authorize, requireUserActor, type OrgContext } from "@/lib/authz/context";
import { newId } from "@/lib/ids";
import { kickMailer, mailEnabled } from "@/lib/notifications/mailer";
import type { NotificationEvent, NotificationParams } from "@/lib/notifications/text";
import { decodeCursor, toPage } from "./pagination";

type Payload = Record<string, unknown>;
const obj = (v: unknown): Payload => (v && typeof v === "object" && !Array.isArray(v) ? (v as Payload) : {});
const text = (v: unknown): string | null => (typeof v === "string" ? v : null);

const ADMINS: Role[] = ["owner", "admin"];
const REVIEWERS: Role[] = ["owner", "admin", "reviewer"];

async function membersWithRoles(tx: DbOrTx, orgId: string, roles: Role[]): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.role, roles), isNull(users.disabledAt)));
  return rows.map((r) => r.userId);
}

async function memberByEmail(tx: DbOrTx, orgId: string, email: string | null): Promise<string | null> {
  if (!email) return null;
  const [row] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(users.email, email), isNull(users.disabledAt)))
    .limit(1);
  return row?.userId ?? null;
}

async function appName(tx: DbOrTx, orgId: string, appId: string | null): Promise<string | null> {
  if (!appId) return null;
  const [row] = await tx.select({ name: miniPrograms.name }).from(miniPrograms).where(and(eq(miniPrograms.orgId, orgId), eq(miniPrograms.appId, appId))).limit(1);
  return row?.name ?? null;
}

async function hostName(tx: DbOrTx, orgId: string, hostId: string | null): Promise<string | null> {
  if (!hostId) return null;
  return (await selectHost(tx, orgId, hostId))?.name ?? null;
}

type Plan = { recipients: string[]; params: NotificationParams; href: string };

/** Who an event concerns and what they are told; null for events that concern nobody in particular. */
async function planFor(tx: DbOrTx, orgId: string, event: string, payload: Payload): Promise<Plan | null> {
  const data = obj(payload.data);
  if (event.startsWith("version.")) {
    const v = obj(data.version);
    const id = text(v.id);
    const appId = text(v.appId);
    if (!id || !appId) return null;
    const uploader = await memberByEmail(tx, orgId, text(v.uploadedBy));
    const base = { appId, name: await appName(tx, orgId, appId), version: text(v.version), actor: text(payload.actor) };
    if (event === "version.submitted") {
      const recipients = (await membersWithRoles(tx, orgId, REVIEWERS)).filter((u) => u !== uploader);
      return { recipients, params: { ...base, uploader: text(v.uploadedBy) }, href: `reviews/${id}` };
    }
    if (event === "version.approved" || event === "version.rejected" || event === "version.revoked") {
      const reviews = Array.isArray(v.reviews) ? v.reviews : [];
      const last = obj(reviews.at(-1));
      const detail = event === "version.revoked" ? text(v.revokeReason) : text(last.comment) || null;
      return { recipients: uploader ? [uploader] : [], params: { ...base, detail }, href: `mini-programs/${appId}/versions/${id}` };
    }
    return null;
  }
  if (event === "rollout.halted") {
    const hostId = text(data.hostId);
    const appId = text(data.appId);
    const assignmentId = text(data.assignmentId);
    if (!hostId || !appId || !assignmentId) return null;
    const params = { appId, name: await appName(tx, orgId, appId), version: text(obj(data.candidate).version), hostName: await hostName(tx, orgId, hostId), detail: text(data.haltReason) };
    return { recipients: await membersWithRoles(tx, orgId, ADMINS), params, href: `hosts/${hostId}/assignments/${assignmentId}` };
  }
  if (event.startsWith("permission_request.")) {
    const r = obj(data.request ?? data);
    const hostId = text(r.hostId);
    const appId = text(r.appId);
    if (!hostId || !appId) return null;
    const base = { appId, name: await appName(tx, orgId, appId), hostName: await hostName(tx, orgId, hostId), actor: text(payload.actor) };
    if (event === "permission_request.created") {
      return { recipients: await membersWithRoles(tx, orgId, ADMINS), params: { ...base, detail: text(r.reason) }, href: `hosts/${hostId}#requests` };
    }
    // A decision goes to whoever asked (their email, or "<email> (API token)").
    const asker = await memberByEmail(tx, orgId, text(r.requestedBy)?.replace(/ \(API token\)$/, "") ?? null);
    return { recipients: asker ? [asker] : [], params: { ...base, detail: text(r.comment) || null }, href: `hosts/${hostId}#requests` };
  }
  return null;
}

/**
 * Writes the inbox rows an event calls for, in the caller's transaction. Returns how many. `at` dates them (the
 * demo seed tells of events from its past; they are read, and never mailed, when older than a day).
 */
export async function notifyForEvent(tx: DbOrTx, orgId: string, event: string, payload: Payload, at?: Date): Promise<number> {
  const plan = await planFor(tx, orgId, event, payload);
  if (!plan || plan.recipients.length === 0) return 0;
  const now = at ?? new Date();
  const old = at !== undefined && Date.now() - at.getTime() > 86_400_000;
  const mail = mailEnabled() && at === undefined;
  await tx.insert(notifications).values(
    [...new Set(plan.recipients)].map((userId) => ({
      orgId,
      id: newId("ntf", now.getTime()),
      userId,
      event,
      params: plan.params,
      href: plan.href,
      createdAt: now,
      readAt: old ? now : null,
      emailState: mail ? ("pending" as const) : ("none" as const),
      emailNextAt: mail ? now : null,
    })),
  );
  if (mail) kickMailer(100);
  return plan.recipients.length;
}

export type NotificationJson = { id: string; event: NotificationEvent | string; params: NotificationParams; href: string; createdAt: string; read: boolean };

const toJson = (n: typeof notifications.$inferSelect): NotificationJson => ({
  id: n.id,
  event: n.event,
  params: n.params,
  href: n.href,
  createdAt: n.createdAt.toISOString(),
  read: n.readAt !== null,
});

export const listNotificationsInput = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(30),
  cursor: z.string().max(200).optional(),
  unread: z.boolean().optional(),
});

export async function listNotifications(ctx: OrgContext, input: z.output<typeof listNotificationsInput>) {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx).userId;
  const before = decodeCursor(input.cursor);
  const rows = await ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.orgId, ctx.org.id), eq(notifications.userId, me), before ? lt(notifications.id, before) : undefined, input.unread ? isNull(notifications.readAt) : undefined))
    .orderBy(desc(notifications.id))
    .limit(input.limit + 1);
  const page = toPage(rows, input.limit, (r) => r.id);
  return { items: page.items.map(toJson), nextCursor: page.nextCursor };
}

/** The bell's figure. Not for API tokens: an inbox belongs to a signed-in person. */
export async function unreadNotificationCount(ctx: OrgContext): Promise<number> {
  if (ctx.actor.type !== "user") return 0;
  const [row] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.orgId, ctx.org.id), eq(notifications.userId, ctx.actor.userId), isNull(notifications.readAt)));
  return Number(row?.n ?? 0);
}

export const markReadInput = z.union([z.object({ ids: z.array(z.string().min(1).max(64)).min(1).max(100) }), z.object({ all: z.literal(true) })]);

/**
 * Marks one's own notifications read (or all of them). A read mark is the reader's view, not a change to the
 * organization, so it is not in the audit log. Answers the unread count after.
 */
export async function markNotificationsRead(ctx: OrgContext, input: z.output<typeof markReadInput>): Promise<{ unread: number }> {
  authorize(ctx, "account.manage");
  const me = requireUserActor(ctx).userId;
  await ctx.db
    .update(notifications)
    .set({ readAt: new Date() })
    .where(and(eq(notifications.orgId, ctx.org.id), eq(notifications.userId, me), isNull(notifications.readAt), "ids" in input ? inArray(notifications.id, input.ids) : undefined));
  return { unread: await unreadNotificationCount(ctx) };
}

