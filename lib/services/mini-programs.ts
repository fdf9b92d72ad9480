// Mini-programs and their collaborators (CONTRACT §1, §3). Developers reach only the mini-programs they
// collaborate on; one they cannot reach answers exactly like a missing one.
import { and, asc, desc, eq, gt, ilike, inArray, isNotNull, isNull, notInArray, or, type SQL } from "drizzle-orm";
import { cache } from "react";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import {
  assignments,
  collaborators,
  memberships,
  miniProgramMedia,
  miniProgramPrivacy,
  miniPrograms,
  permissionRequests,
  reviews,
  users,
  versions,
  type MiniProgram,
  type Role,
  type VersionStatus,
} from "@/db/schema";
import { authorize, isCollaboratorScoped, type OrgContext } from "@/lib/authz/context";
import { PERMISSIONS } from "@/lib/authz/permissions";
import { recordAudit } from "@/lib/audit";
import { conflict, invalidInput, notFound } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { invalidateManifest, touchManifests } from "@/lib/sdk-server/snapshot";
import { decodeCursor, toPage } from "./pagination";
import { emitEvent } from "./webhooks";

export const MINI_PROGRAM_CATEGORIES = [
  "business",
  "education",
  "entertainment",
  "finance",
  "food",
  "health",
  "lifestyle",
  "productivity",
  "shopping",
  "social",
  "travel",
  "utilities",
  "other",
] as const;
export type MiniProgramCategory = (typeof MINI_PROGRAM_CATEGORIES)[number];

const APP_ID_MAX = 100;
// Reverse-DNS: two or more dot-separated labels, each a letter first, then letters, digits or inner hyphens.
// Lower case only, because app.json's appId must match it exactly and case-only twins would confuse people.
const APP_ID_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;

export const appIdSchema = z
  .string()
  .trim()
  .min(1, "Enter an app ID")
  .max(APP_ID_MAX, `At most ${APP_ID_MAX} characters`)
  .regex(APP_ID_PATTERN, "Use reverse-DNS notation in lower case, such as com.example.coupons");

export function isValidAppId(value: string): boolean {
  return value.length <= APP_ID_MAX && APP_ID_PATTERN.test(value);
}

const nameSchema = z.string().trim().min(1, "Enter a name").max(80, "At most 80 characters");
const descriptionSchema = z.string().trim().max(2000, "At most 2,000 characters");

export const createMiniProgramInput = z.object({
  appId: appIdSchema,
  name: nameSchema,
  category: z.enum(MINI_PROGRAM_CATEGORIES).default("other"),
  description: descriptionSchema.default(""),
});
export type CreateMiniProgramInput = z.output<typeof createMiniProgramInput>;

export const updateMiniProgramInput = z
  .object({
    name: nameSchema.optional(),
    category: z.enum(MINI_PROGRAM_CATEGORIES).optional(),
    description: descriptionSchema.optional(),
  })
  .strict();
export type UpdateMiniProgramInput = z.output<typeof updateMiniProgramInput>;

export const listMiniProgramsFilter = z.object({
  q: z.string().trim().max(100).optional(),
  category: z.enum(MINI_PROGRAM_CATEGORIES).optional(),
  /** Issue 20: "active" (the default: what people work on), "archived", or "all". */
  status: z.enum(["active", "archived", "all"]).optional(),
});
export type ListMiniProgramsFilter = z.output<typeof listMiniProgramsFilter>;

export const collaboratorInput = z.object({ email: z.string().trim().toLowerCase().email("Enter an email address").max(320) });
export const removeCollaboratorInput = z.object({ userId: z.string().min(1).max(64) });

export function miniProgramToJson(m: MiniProgram) {
  return {
    id: m.id,
    appId: m.appId,
    name: m.name,
    category: m.category,
    description: m.description,
    icon: m.icon,
    status: m.archivedAt ? ("archived" as const) : ("active" as const),
    archivedAt: m.archivedAt ? m.archivedAt.toISOString() : null,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}
export type MiniProgramJson = ReturnType<typeof miniProgramToJson>;

/** The condition that limits developers to mini-programs they collaborate on. */
export function miniProgramScope(ctx: OrgContext) {
  if (!isCollaboratorScoped(ctx)) return undefined;
  return inArray(
    miniPrograms.id,
    ctx.db
      .select({ id: collaborators.miniProgramId })
      .from(collaborators)
      .where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.userId, ctx.actor.userId))),
  );
}

/** The mini-program with this appId if the actor may reach it, else not_found. */
export async function findReachableMiniProgram(ctx: OrgContext, appId: string, db: DbOrTx = ctx.db): Promise<MiniProgram> {
  // A malformed appId cannot exist; answering not_found keeps probing uninformative.
  if (!isValidAppId(appId)) throw notFound("Mini-program");
  return db === ctx.db ? readReachableOncePerRender(ctx, appId) : readReachable(ctx, appId, db);
}

async function readReachable(ctx: OrgContext, appId: string, db: DbOrTx): Promise<MiniProgram> {
  const [row] = await db
    .select()
    .from(miniPrograms)
    .where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.appId, appId), miniProgramScope(ctx)))
    .limit(1);
  if (!row) throw notFound("Mini-program");
  return row;
}

// A page renders the same mini-program for its metadata, its header and each panel (versions, collaborators,
// candidates, listing, where it runs): eight reads of one row on the mini-program page, each a turn of PGlite's
// queue. React's cache keeps one per render and context; outside a render (route handlers, server actions, jobs,
// tests) it calls through every time, so a read after a change in the same request is never stale.
const readReachableOncePerRender = cache((ctx: OrgContext, appId: string) => readReachable(ctx, appId, ctx.db));

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type LatestVersion = { id: string; version: string; status: VersionStatus; createdAt: string };

export async function listMiniPrograms(ctx: OrgContext, page: { limit: number; cursor?: string }, filter: ListMiniProgramsFilter = {}) {
  authorize(ctx, "catalog.read");
  const after = decodeCursor(page.cursor);
  const conds: (SQL | undefined)[] = [eq(miniPrograms.orgId, ctx.org.id), miniProgramScope(ctx)];
  if (after) conds.push(gt(miniPrograms.id, after));
  if (filter.category) conds.push(eq(miniPrograms.category, filter.category));
  // Archived mini-programs leave the default list (as they leave every manifest) but stay one filter away.
  const status = filter.status ?? "all";
  if (status === "active") conds.push(isNull(miniPrograms.archivedAt));
  if (status === "archived") conds.push(isNotNull(miniPrograms.archivedAt));
  if (filter.q) {
    const like = `%${escapeLike(filter.q)}%`;
    conds.push(or(ilike(miniPrograms.name, like), ilike(miniPrograms.appId, like), ilike(miniPrograms.description, like)));
  }
  const rows = await ctx.db
    .select()
    .from(miniPrograms)
    .where(and(...conds))
    .orderBy(asc(miniPrograms.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.id);
  const latest = await latestVersions(ctx, p.items.map((m) => m.id));
  return {
    items: p.items.map((m) => ({ ...miniProgramToJson(m), latestVersion: latest.get(m.id) ?? null })),
    nextCursor: p.nextCursor,
  };
}

async function latestVersions(ctx: OrgContext, miniProgramIds: string[]): Promise<Map<string, LatestVersion>> {
  if (miniProgramIds.length === 0) return new Map();
  // Version ids are time-ordered, so the greatest id is the newest upload.
  const rows = await ctx.db
    .selectDistinctOn([versions.miniProgramId], {
      miniProgramId: versions.miniProgramId,
      id: versions.id,
      version: versions.version,
      status: versions.status,
      createdAt: versions.createdAt,
    })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), inArray(versions.miniProgramId, miniProgramIds)))
    .orderBy(versions.miniProgramId, desc(versions.id));
  return new Map(rows.map((r) => [r.miniProgramId, { id: r.id, version: r.version, status: r.status, createdAt: r.createdAt.toISOString() }]));
}

/** The mini-program as the API shows it; once per render, like the row (its page's metadata reads it too). */
export const getMiniProgram = cache(async (ctx: OrgContext, appId: string) => {
  authorize(ctx, "catalog.read");
  const mp = await findReachableMiniProgram(ctx, appId);
  const latest = await latestVersions(ctx, [mp.id]);
  return { ...miniProgramToJson(mp), latestVersion: latest.get(mp.id) ?? null };
});

/** Walks the cause chain: drizzle wraps the driver's error, whose `code` is the SQLSTATE. */
export function isUniqueViolation(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && typeof cur === "object" && depth < 5; depth++) {
    if ((cur as { code?: unknown }).code === "23505") return true;
    cur = (cur as { cause?: unknown }).cause;
  }
  return false;
}

export async function createMiniProgram(ctx: OrgContext, input: CreateMiniProgramInput) {
  authorize(ctx, "miniPrograms.write");
  const id = newId("mp");
  const now = new Date();
  try {
    const row = await ctx.db.transaction(async (tx) => {
      const [created] = await tx
        .insert(miniPrograms)
        .values({
          orgId: ctx.org.id,
          id,
          appId: input.appId,
          name: input.name,
          category: input.category,
          description: input.description,
          createdBy: ctx.actor.userId,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      // The creator is the first collaborator (CONTRACT §1), whatever their role.
      await tx.insert(collaborators).values({ orgId: ctx.org.id, miniProgramId: id, userId: ctx.actor.userId, addedBy: ctx.actor.userId });
      await recordAudit(tx, ctx, {
        action: "mini_program.create",
        objectType: "mini_program",
        objectId: id,
        changes: { appId: input.appId, name: input.name, category: input.category },
      });
      await emitEvent(tx, ctx.org.id, "mini_program.created", ctx.actor.email, { miniProgram: miniProgramToJson(created!) });
      return created!;
    });
    return miniProgramToJson(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`A mini-program with app ID ${input.appId} already exists`, { field: "appId" });
    throw e;
  }
}

export async function updateMiniProgram(ctx: OrgContext, appId: string, input: UpdateMiniProgramInput) {
  authorize(ctx, "miniPrograms.write");
  return ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    await assertNotArchived(tx, ctx.org.id, mp.id, "edited");
    const changes: Record<string, { from: string; to: string }> = {};
    for (const key of ["name", "category", "description"] as const) {
      const next = input[key];
      if (next !== undefined && next !== mp[key]) changes[key] = { from: mp[key], to: next };
    }
    if (Object.keys(changes).length === 0) return miniProgramToJson(mp);
    const [row] = await tx
      .update(miniPrograms)
      .set({ ...Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, v.to])), updatedAt: new Date() })
      .where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.id, mp.id)))
      .returning();
    await recordAudit(tx, ctx, { action: "mini_program.update", objectType: "mini_program", objectId: mp.id, changes: { appId: mp.appId, ...changes } });
    const json = miniProgramToJson(row!);
    await emitEvent(tx, ctx.org.id, "mini_program.updated", ctx.actor.email, { miniProgram: json, changes: Object.keys(changes) });
    return json;
  });
}

// ---- collaborators ----

export type CollaboratorJson = { userId: string; email: string; name: string; role: Role | null; addedAt: string };

export async function listCollaborators(ctx: OrgContext, appId: string): Promise<CollaboratorJson[]> {
  authorize(ctx, "catalog.read");
  const mp = await findReachableMiniProgram(ctx, appId);
  const rows = await ctx.db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, addedAt: collaborators.createdAt })
    .from(collaborators)
    .innerJoin(users, eq(users.id, collaborators.userId))
    // A collaborator who has left the organization stays listed (role null) until someone removes them.
    .leftJoin(memberships, and(eq(memberships.orgId, collaborators.orgId), eq(memberships.userId, collaborators.userId)))
    .where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.miniProgramId, mp.id)))
    .orderBy(asc(collaborators.createdAt), asc(users.email));
  return rows.map((r) => ({ ...r, addedAt: r.addedAt.toISOString() }));
}

const WRITER_ROLES = PERMISSIONS["miniPrograms.write"] as readonly Role[];

/** Members who could be added: those whose role may upload, not yet collaborating. */
export async function listCollaboratorCandidates(ctx: OrgContext, appId: string) {
  authorize(ctx, "collaborators.manage");
  const mp = await findReachableMiniProgram(ctx, appId);
  return ctx.db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.orgId, ctx.org.id),
        inArray(memberships.role, [...WRITER_ROLES]),
        notInArray(
          memberships.userId,
          ctx.db
            .select({ id: collaborators.userId })
            .from(collaborators)
            .where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.miniProgramId, mp.id))),
        ),
      ),
    )
    .orderBy(asc(users.email));
}

export async function addCollaborator(ctx: OrgContext, appId: string, input: z.output<typeof collaboratorInput>) {
  authorize(ctx, "collaborators.manage");
  return ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    const [member] = await tx
      .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, ctx.org.id), eq(users.email, input.email)))
      .limit(1);
    if (!member) throw invalidInput(`${input.email} is not a member of this organization`, { field: "email" });
    if (!WRITER_ROLES.includes(member.role)) {
      throw invalidInput(`${input.email} is a ${member.role}; only owners, admins and developers can work on mini-programs`, { field: "email" });
    }
    const inserted = await tx
      .insert(collaborators)
      .values({ orgId: ctx.org.id, miniProgramId: mp.id, userId: member.userId, addedBy: ctx.actor.userId })
      .onConflictDoNothing()
      .returning({ userId: collaborators.userId });
    if (inserted.length === 0) throw conflict(`${input.email} already collaborates on ${mp.appId}`);
    await recordAudit(tx, ctx, {
      action: "collaborator.add",
      objectType: "mini_program",
      objectId: mp.id,
      changes: { appId: mp.appId, userId: member.userId, email: member.email },
    });
    return { userId: member.userId, email: member.email, name: member.name, role: member.role };
  });
}

export async function removeCollaborator(ctx: OrgContext, appId: string, input: z.output<typeof removeCollaboratorInput>) {
  authorize(ctx, "collaborators.manage");
  return ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    const removed = await tx
      .delete(collaborators)
      .where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.miniProgramId, mp.id), eq(collaborators.userId, input.userId)))
      .returning({ userId: collaborators.userId });
    if (removed.length === 0) throw notFound("Collaborator");
    const [u] = await tx.select({ email: users.email }).from(users).where(eq(users.id, input.userId)).limit(1);
    await recordAudit(tx, ctx, {
      action: "collaborator.remove",
      objectType: "mini_program",
      objectId: mp.id,
      changes: { appId: mp.appId, userId: input.userId, email: u?.email ?? null },
    });
    return { userId: input.userId };
  });
}

/** The same limit for queries over versions. */
export function versionScope(ctx: OrgContext) {
  if (!isCollaboratorScoped(ctx)) return undefined;
  return inArray(
    versions.miniProgramId,
    ctx.db
      .select({ id: collaborators.miniProgramId })
      .from(collaborators)
      .where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.userId, ctx.actor.userId))),
  );
}

// ---- lifecycle (issue 20 item 3): archive, restore, delete ----

/** The mini-program as events and the API answer it after a lifecycle change. */
function eventJson(m: MiniProgram) {
  return miniProgramToJson(m);
}

/**
 * Refuses a change to an archived mini-program (409), holding a share lock on its row until the caller's
 * transaction ends: an archive racing with an upload, a submission or an edit waits for it, or it for the archive,
 * so nothing is written to a mini-program that is archived by the time the change commits.
 */
export async function assertNotArchived(tx: DbOrTx, orgId: string, miniProgramId: string, what = "changed"): Promise<void> {
  const [row] = await tx
    .select({ appId: miniPrograms.appId, archivedAt: miniPrograms.archivedAt })
    .from(miniPrograms)
    .where(and(eq(miniPrograms.orgId, orgId), eq(miniPrograms.id, miniProgramId)))
    .for("share");
  if (!row) throw notFound("Mini-program");
  if (row.archivedAt) throw conflict(`${row.appId} is archived; restore it before it can be ${what}`, { status: "archived" });
}

/**
 * Archives a mini-program: off every host's manifest at once (the snapshot join skips archived mini-programs,
 * and the organization's manifest revision moves, as a revocation does), its packages no longer deliverable, and
 * read-only. Its assignments stay as they are, inert, so restoring brings them back unchanged.
 */
export async function archiveMiniProgram(ctx: OrgContext, appId: string) {
  authorize(ctx, "miniPrograms.lifecycle");
  const out = await ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    const now = new Date();
    // Conditional on the state: archiving twice, or losing a race to another archive, changes nothing.
    const [row] = await tx
      .update(miniPrograms)
      .set({ archivedAt: now, archivedBy: ctx.actor.userId, updatedAt: now })
      .where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.id, mp.id), isNull(miniPrograms.archivedAt)))
      .returning();
    if (!row) throw conflict(`${mp.appId} is already archived`, { status: "archived" });
    const inert = await tx
      .select({ id: assignments.id })
      .from(assignments)
      .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.miniProgramId, mp.id)));
    await recordAudit(tx, ctx, { action: "mini_program.archive", objectType: "mini_program", objectId: mp.id, changes: { appId: mp.appId, assignments: inert.length } });
    await touchManifests(tx, ctx.org.id);
    const json = eventJson(row);
    await emitEvent(tx, ctx.org.id, "mini_program.archived", ctx.actor.email, { miniProgram: json });
    return json;
  });
  // After commit, so no snapshot can be rebuilt here from the mini-program as it was.
  invalidateManifest(ctx.org.id);
  return out;
}

/** Restores an archived mini-program: its assignments serve again exactly as they were. */
export async function restoreMiniProgram(ctx: OrgContext, appId: string) {
  authorize(ctx, "miniPrograms.lifecycle");
  const out = await ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    const [row] = await tx
      .update(miniPrograms)
      .set({ archivedAt: null, archivedBy: null, updatedAt: new Date() })
      .where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.id, mp.id), isNotNull(miniPrograms.archivedAt)))
      .returning();
    if (!row) throw conflict(`${mp.appId} is not archived`, { status: "active" });
    await recordAudit(tx, ctx, { action: "mini_program.restore", objectType: "mini_program", objectId: mp.id, changes: { appId: mp.appId } });
    await touchManifests(tx, ctx.org.id);
    const json = eventJson(row);
    await emitEvent(tx, ctx.org.id, "mini_program.restored", ctx.actor.email, { miniProgram: json });
    return json;
  });
  invalidateManifest(ctx.org.id);
  return out;
}

/** Statuses that mean a version was approved at some point (a revoked version was approved first). */
const APPROVED_HISTORY: VersionStatus[] = ["approved", "revoked"];

/**
 * Deletes a mini-program that never had an approved version, with its versions, reviews, collaborators, permission
 * requests and listing, in one transaction. One with approved history may have run on devices and has analytics,
 * releases and audit trails that refer to it: archive it instead (409). Without an approved version no assignment or
 * release can exist (an assignment's stable version is approved), which the transaction checks rather than assumes.
 * Raw analytics events are kept: the event ledger is append-only and the rollups are exact over it; a deleted
 * mini-program's events (there can be none from a real host, as nothing was ever delivered) stay counted under its
 * appId. Package blobs are content-addressed and swept by the orphan sweep.
 */
export async function deleteMiniProgram(ctx: OrgContext, appId: string) {
  authorize(ctx, "miniPrograms.lifecycle");
  return ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, appId, tx);
    // Holds off uploads, edits and archives of this mini-program until the deletion commits.
    await tx
      .select({ id: miniPrograms.id })
      .from(miniPrograms)
      .where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.id, mp.id)))
      .for("update");
    const vs = await tx
      .select({ id: versions.id, status: versions.status })
      .from(versions)
      .where(and(eq(versions.orgId, ctx.org.id), eq(versions.miniProgramId, mp.id)));
    const ids = vs.map((v) => v.id);
    const approvedReview =
      ids.length === 0
        ? []
        : await tx
            .select({ id: reviews.id })
            .from(reviews)
            .where(and(eq(reviews.orgId, ctx.org.id), inArray(reviews.versionId, ids), eq(reviews.decision, "approved")))
            .limit(1);
    const refuse = () =>
      conflict(`${mp.appId} has had an approved version; archive it instead of deleting it`, { reason: "approved_history" });
    if (vs.some((v) => APPROVED_HISTORY.includes(v.status)) || approvedReview.length > 0) throw refuse();
    const assigned = await tx
      .select({ id: assignments.id })
      .from(assignments)
      .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.miniProgramId, mp.id)))
      .limit(1);
    if (assigned.length > 0) throw refuse();
    if (ids.length > 0) {
      await tx.delete(reviews).where(and(eq(reviews.orgId, ctx.org.id), inArray(reviews.versionId, ids)));
      // Conditional on the status: a version approved since the read above is not deleted, and the count says so.
      const gone = await tx
        .delete(versions)
        .where(and(eq(versions.orgId, ctx.org.id), eq(versions.miniProgramId, mp.id), notInArray(versions.status, APPROVED_HISTORY)))
        .returning({ id: versions.id });
      if (gone.length !== ids.length) throw refuse();
    }
    await tx.delete(collaborators).where(and(eq(collaborators.orgId, ctx.org.id), eq(collaborators.miniProgramId, mp.id)));
    await tx.delete(permissionRequests).where(and(eq(permissionRequests.orgId, ctx.org.id), eq(permissionRequests.miniProgramId, mp.id)));
    await tx.delete(miniProgramMedia).where(and(eq(miniProgramMedia.orgId, ctx.org.id), eq(miniProgramMedia.miniProgramId, mp.id)));
    await tx.delete(miniProgramPrivacy).where(and(eq(miniProgramPrivacy.orgId, ctx.org.id), eq(miniProgramPrivacy.miniProgramId, mp.id)));
    await tx.delete(miniPrograms).where(and(eq(miniPrograms.orgId, ctx.org.id), eq(miniPrograms.id, mp.id)));
    await recordAudit(tx, ctx, {
      action: "mini_program.delete",
      objectType: "mini_program",
      objectId: mp.id,
      changes: { appId: mp.appId, name: mp.name, versions: ids.length },
    });
    const json = eventJson(mp);
    await emitEvent(tx, ctx.org.id, "mini_program.deleted", ctx.actor.email, { miniProgram: json });
    return { ...json, deleted: true as const };
  });
}
