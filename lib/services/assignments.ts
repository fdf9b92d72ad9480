// Assignments and rollouts (issue 6, CONTRACT §3 and §6): which approved version of a mini-program each host
// app runs, and the staged rollout of a candidate. One service behind /api/v1 and the console's actions.
// Every change is one transaction: a conditional UPDATE on the assignment's revision (so a lost race answers
// 409 and changes nothing), the timeline rows, the audit entries, the manifest revision bump and the webhook
// deliveries. After commit, this process's manifest snapshots of the host are dropped.
import { and, asc, desc, eq, gt, isNull, lt, sql, type SQL } from "drizzle-orm";
import semver from "semver";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import {
  assignmentEvents,
  assignments,
  hostApps,
  miniPrograms,
  versions,
    type Assignment,
  type AssignmentAction,
  type AssignmentRules,
  type Guardrail,
  type HaltedBy,
  type HostPolicy,
  type RolloutSchedule,
  type VersionStatus,
  type WebhookEvent,
} from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { recordAudit, recordSystemAudit, type AuditInput } from "@/lib/audit";
import { guardrailSchema, normaliseRules, rulesSchema, scheduleSchema, testersSchema } from "@/lib/rollout/rules";
import { AppError, conflict, notFound } from "@/lib/errors";
import { isId, newId } from "@/lib/ids";
import { selectAssignmentsWithVersions, type AssignmentWithVersions, type JoinedVersion } from "@/db/queries/assignments";
import { selectHost } from "@/db/queries/hosts";
import { lockedVersionStatus, selectVersion } from "@/db/queries/versions";
import { declarationsOf, policyReasons, type PolicyReason } from "@/lib/sdk-server/policy-fit";
import { invalidateManifest, touchManifests, TRIAL_STATUSES } from "@/lib/sdk-server/snapshot";
import { kickWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import { assertNotArchived, findReachableMiniProgram, isUniqueViolation, miniProgramScope } from "./mini-programs";
import { decodeCursor, toPage } from "./pagination";
import { enqueueWebhook } from "./webhooks";

export type { PolicyReason };

/** Why a version cannot be assigned (or made a candidate) here: the policy's reasons, and these. */
export type AssignReason =
  | PolicyReason
  | { code: "version_not_approved"; message: string; status: VersionStatus }
  | { code: "version_not_newer"; message: string; stable: string; candidate: string }
  | { code: "version_mismatch"; message: string; appId: string }
  | { code: "version_not_trialable"; message: string; status: VersionStatus };


// ---------------------------------------------------------------------------------------------------------
// Input schemas, shared by /api/v1 and the server actions
// ---------------------------------------------------------------------------------------------------------

/** The revision the caller last saw; when given, a change made meanwhile by someone else answers 409. */
const revisionSchema = z.number().int().positive().optional();

export const assignInput = z.object({
  appId: z.string().trim().min(1, "Choose a mini-program").max(214),
  versionId: z.string().trim().min(1, "Choose a version").max(64),
});
export type AssignInput = z.output<typeof assignInput>;

const UPDATE_FIELDS = [
  "stableVersionId",
  "candidateVersionId",
  "rolloutPercent",
  "paused",
  "rules",
  "trialVersionId",
  "testers",
  "schedule",
  "guardrail",
] as const;

export const updateAssignmentInput = z
  .object({
    /** Replaces the stable version directly (any approved version that fits, older or newer): the way out after a revocation. */
    stableVersionId: z.string().trim().min(1).max(64).optional(),
    candidateVersionId: z.string().trim().min(1).max(64).nullable().optional(),
    rolloutPercent: z
      .number({ error: "The rollout percentage is a whole number from 0 to 100" })
      .int("The rollout percentage is a whole number from 0 to 100")
      .min(0, "The rollout percentage is a whole number from 0 to 100")
      .max(100, "The rollout percentage is a whole number from 0 to 100")
      .optional(),
    paused: z.boolean().optional(),
    // Release control (CONTRACT §8)
    rules: rulesSchema.nullable().optional(),
    trialVersionId: z.string().trim().min(1).max(64).nullable().optional(),
    testers: testersSchema.optional(),
    schedule: scheduleSchema.nullable().optional(),
    guardrail: guardrailSchema.nullable().optional(),
    revision: revisionSchema,
  })
  .refine((v) => UPDATE_FIELDS.some((k) => v[k] !== undefined), {
    message: "Send at least one of stableVersionId, candidateVersionId, rolloutPercent, paused, rules, trialVersionId, testers, schedule, guardrail",
  });
export type UpdateAssignmentInput = z.output<typeof updateAssignmentInput>;

export const revisionInput = z.object({ revision: revisionSchema });
export type RevisionInput = z.output<typeof revisionInput>;

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

/** Whether a version of an assignment reaches devices now, and if not, why. */
export type Delivery = "delivered" | "revoked" | "outside_policy";

export type AssignedVersionJson = { id: string; version: string; status: VersionStatus; delivery: Delivery; reasons: PolicyReason[] };

export type AssignmentJson = {
  id: string;
  hostId: string;
  hostName: string;
  appId: string;
  miniProgramName: string;
  stableVersionId: string;
  candidateVersionId: string | null;
  previousStableVersionId: string | null;
  rolloutPercent: number;
  paused: boolean;
  revision: number;
  stable: AssignedVersionJson | null;
  candidate: AssignedVersionJson | null;
  previousStable: AssignedVersionJson | null;
  /** CONTRACT §8 */
  rules: AssignmentRules | null;
  trialVersionId: string | null;
  trial: AssignedVersionJson | null;
  testers: string[];
  schedule: (RolloutSchedule & { nextStepAt: string | null }) | null;
  guardrail: Guardrail | null;
  haltedBy: HaltedBy | null;
  haltReason: string | null;
  haltedAt: string | null;
  releaseId: string | null;
  createdAt: string;
  updatedAt: string;
};

export type AssignmentEventJson = {
  id: string;
  assignmentId: string;
  hostId: string;
  appId: string;
  action: AssignmentAction;
  from: Record<string, unknown> | null;
  to: Record<string, unknown> | null;
  actor: string | null;
  at: string;
};

type VersionCols = JoinedVersion;

function versionJson(v: VersionCols | null, policy: HostPolicy, as: "release" | "trial" = "release"): AssignedVersionJson | null {
  if (!v) return null;
  const reasons = policyReasons(policy, declarationsOf(v.manifest));
  const servable = as === "release" ? v.status === "approved" : TRIAL_STATUSES.has(v.status);
  const delivery: Delivery = !servable ? "revoked" : reasons.length ? "outside_policy" : "delivered";
  return { id: v.id, version: v.version, status: v.status, delivery, reasons };
}

type Row = AssignmentWithVersions;

export function assignmentToJson(r: Row): AssignmentJson {
  const a = r.a;
  return {
    id: a.id,
    hostId: a.hostId,
    hostName: r.hostName,
    appId: a.appId,
    miniProgramName: r.miniProgramName,
    stableVersionId: a.stableVersionId,
    candidateVersionId: a.candidateVersionId,
    previousStableVersionId: a.previousStableVersionId,
    rolloutPercent: a.rolloutPercent,
    paused: a.paused,
    revision: a.revision,
    stable: versionJson(r.stable, r.policy),
    candidate: versionJson(r.candidate, r.policy),
    previousStable: versionJson(r.previous, r.policy),
    rules: a.rules ?? null,
    trialVersionId: a.trialVersionId,
    trial: versionJson(r.trial, r.policy, "trial"),
    testers: a.testers,
    schedule: a.schedule ? { ...a.schedule, nextStepAt: a.nextStepAt?.toISOString() ?? null } : null,
    guardrail: a.guardrail ?? null,
    haltedBy: a.haltedBy ?? null,
    haltReason: a.haltReason,
    haltedAt: a.haltedAt?.toISOString() ?? null,
    releaseId: a.releaseId,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

function selectRows(db: DbOrTx, orgId: string, where: (SQL | undefined)[], order: "asc" | "desc" = "asc", limit?: number): Promise<Row[]> {
  return selectAssignmentsWithVersions(db, orgId, where, { order, limit });
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

async function findHostPolicy(db: DbOrTx, ctx: OrgContext, hostId: string): Promise<{ id: string; name: string; policy: HostPolicy }> {
  const row = await selectHost(db, ctx.org.id, hostId);
  // Another organization's host answers exactly like a missing one (CONTRACT §1).
  if (!row) throw notFound("Host app");
  return row;
}

/** What a host runs (developers see only the mini-programs they collaborate on), oldest assignment first. */
export async function listHostAssignments(ctx: OrgContext, hostId: string, page: { limit: number; cursor?: string } = { limit: 200 }) {
  authorize(ctx, "catalog.read");
  await findHostPolicy(ctx.db, ctx, hostId);
  const after = decodeCursor(page.cursor);
  const rows = await selectRows(
    ctx.db,
    ctx.org.id,
    [eq(assignments.hostId, hostId), miniProgramScope(ctx), after ? gt(assignments.id, after) : undefined],
    "asc",
    page.limit + 1,
  );
  const p = toPage(rows, page.limit, (r) => r.a.id);
  return { items: p.items.map(assignmentToJson), nextCursor: p.nextCursor };
}

/** Where a mini-program runs: one assignment per host. */
export async function listMiniProgramAssignments(ctx: OrgContext, appId: string): Promise<AssignmentJson[]> {
  authorize(ctx, "catalog.read");
  const mp = await findReachableMiniProgram(ctx, appId);
  const rows = await selectRows(ctx.db, ctx.org.id, [eq(assignments.miniProgramId, mp.id)]);
  return rows.map(assignmentToJson).sort((x, y) => x.hostName.localeCompare(y.hostName));
}

async function findRow(db: DbOrTx, ctx: OrgContext, id: string, scoped = true): Promise<Row> {
  if (!isId("asg", id)) throw notFound("Assignment");
  const [row] = await selectRows(db, ctx.org.id, [eq(assignments.id, id), scoped ? miniProgramScope(ctx) : undefined]);
  if (!row) throw notFound("Assignment");
  return row;
}

export async function getAssignment(ctx: OrgContext, id: string): Promise<AssignmentJson> {
  authorize(ctx, "catalog.read");
  return assignmentToJson(await findRow(ctx.db, ctx, id));
}

function eventToJson(e: typeof assignmentEvents.$inferSelect): AssignmentEventJson {
  return {
    id: e.id,
    assignmentId: e.assignmentId,
    hostId: e.hostId,
    appId: e.appId,
    action: e.action,
    from: e.from,
    to: e.to,
    actor: e.actorLabel,
    at: e.at.toISOString(),
  };
}

/** The assignment's timeline, newest first. It stays readable after an unassign, through the host's timeline. */
export async function listAssignmentEvents(ctx: OrgContext, id: string, page: { limit: number; cursor?: string } = { limit: 200 }) {
  authorize(ctx, "catalog.read");
  await findRow(ctx.db, ctx, id);
  const before = decodeCursor(page.cursor);
  const rows = await ctx.db
    .select()
    .from(assignmentEvents)
    .where(and(eq(assignmentEvents.orgId, ctx.org.id), eq(assignmentEvents.assignmentId, id), before ? lt(assignmentEvents.id, before) : undefined))
    .orderBy(desc(assignmentEvents.id))
    .limit(page.limit + 1);
  const p = toPage(rows, page.limit, (r) => r.id);
  return { items: p.items.map(eventToJson), nextCursor: p.nextCursor };
}

/** Every timeline row of a host (unassigned mini-programs included), newest first, grouped by assignment. */
export async function listHostAssignmentEvents(ctx: OrgContext, hostId: string, limit = 500): Promise<AssignmentEventJson[]> {
  authorize(ctx, "catalog.read");
  await findHostPolicy(ctx.db, ctx, hostId);
  const scope = miniProgramScope(ctx);
  const rows = await ctx.db
    .select({ e: assignmentEvents })
    .from(assignmentEvents)
    .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, assignmentEvents.orgId), eq(miniPrograms.appId, assignmentEvents.appId)))
    .where(and(eq(assignmentEvents.orgId, ctx.org.id), eq(assignmentEvents.hostId, hostId), scope))
    .orderBy(desc(assignmentEvents.id))
    .limit(limit);
  return rows.map((r) => eventToJson(r.e));
}

export type AssignableVersion = { id: string; version: string; reasons: PolicyReason[] };
export type AssignableMiniProgram = { appId: string; name: string; assignmentId: string | null; versions: AssignableVersion[] };

/**
 * For the console's assign and candidate pickers: every mini-program (not archived) with approved versions (newest first),
 * each with the reasons it would be refused on this host, and the host's assignment of it if there is one.
 */
export async function assignableForHost(ctx: OrgContext, hostId: string): Promise<AssignableMiniProgram[]> {
  authorize(ctx, "catalog.read");
  const host = await findHostPolicy(ctx.db, ctx, hostId);
  const rows = await ctx.db
    .select({ appId: miniPrograms.appId, name: miniPrograms.name, id: versions.id, version: versions.version, manifest: versions.manifest })
    .from(versions)
    .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, versions.orgId), eq(miniPrograms.id, versions.miniProgramId)))
    // An archived mini-program is offered nowhere (assigning it is 409), nor recommended (lib/insights/recommendations.ts).
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.status, "approved"), isNull(miniPrograms.archivedAt), miniProgramScope(ctx)));
  const assigned = await ctx.db
    .select({ id: assignments.id, appId: assignments.appId })
    .from(assignments)
    .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.hostId, host.id)));
  const assignedBy = new Map(assigned.map((a) => [a.appId, a.id]));
  const byApp = new Map<string, AssignableMiniProgram>();
  for (const r of rows) {
    const mp = byApp.get(r.appId) ?? { appId: r.appId, name: r.name, assignmentId: assignedBy.get(r.appId) ?? null, versions: [] };
    mp.versions.push({ id: r.id, version: r.version, reasons: policyReasons(host.policy, declarationsOf(r.manifest)) });
    byApp.set(r.appId, mp);
  }
  const out = [...byApp.values()];
  for (const mp of out) mp.versions.sort((a, b) => semver.rcompare(a.version, b.version));
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export type AssignableHost = { id: string; name: string; status: "active" | "disabled"; assignmentId: string | null; reasons: Record<string, PolicyReason[]> };

/** For assigning from a mini-program's page: each host, whether it runs the mini-program, and each approved version's fit. */
export async function assignableHostsFor(ctx: OrgContext, appId: string): Promise<{ versions: { id: string; version: string }[]; hosts: AssignableHost[] }> {
  authorize(ctx, "catalog.read");
  const mp = await findReachableMiniProgram(ctx, appId);
  const approved = await ctx.db
    .select({ id: versions.id, version: versions.version, manifest: versions.manifest })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.miniProgramId, mp.id), eq(versions.status, "approved")));
  approved.sort((a, b) => semver.rcompare(a.version, b.version));
  const hosts = await ctx.db
    .select({ id: hostApps.id, name: hostApps.name, status: hostApps.status, policy: hostApps.policy })
    .from(hostApps)
    .where(eq(hostApps.orgId, ctx.org.id))
    .orderBy(asc(hostApps.name));
  const assigned = await ctx.db
    .select({ id: assignments.id, hostId: assignments.hostId })
    .from(assignments)
    .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.miniProgramId, mp.id)));
  const assignedOn = new Map(assigned.map((a) => [a.hostId, a.id]));
  return {
    versions: approved.map((v) => ({ id: v.id, version: v.version })),
    hosts: hosts.map((h) => ({
      id: h.id,
      name: h.name,
      status: h.status,
      assignmentId: assignedOn.get(h.id) ?? null,
      reasons: Object.fromEntries(approved.map((v) => [v.id, policyReasons(h.policy, declarationsOf(v.manifest))])),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

type VersionRow = { id: string; miniProgramId: string; appId: string; version: string; status: VersionStatus; sha256: string; size: number; manifest: Record<string, unknown> };

/**
 * The version a write is about to point an assignment at, read FOR SHARE: a revoke (an UPDATE of this row)
 * waits until the write commits, and a revoke already under way makes this read wait and then see `revoked`.
 * So "approved when checked" still holds when the assignment is written.
 */
async function findVersion(tx: DbOrTx, orgId: string, versionId: string): Promise<VersionRow> {
  const row = await selectVersion(tx, orgId, versionId, { lock: "share" });
  if (!row) throw notFound("Version");
  return row;
}

/** The status of a version the assignment already names, locked as findVersion does. */
const lockedStatus = lockedVersionStatus;

/** Every reason this version cannot be served by this host as `role`; empty when it can. */
function refusalReasons(v: VersionRow, policy: HostPolicy, opts: { miniProgramId: string; appId: string; newerThan?: string }): AssignReason[] {
  if (v.miniProgramId !== opts.miniProgramId) {
    return [{ code: "version_mismatch", appId: v.appId, message: `Version ${v.version} belongs to ${v.appId}, not to ${opts.appId}` }];
  }
  const reasons: AssignReason[] = [];
  if (v.status !== "approved") {
    reasons.push({ code: "version_not_approved", status: v.status, message: `Version ${v.version} is ${v.status.replace("_", " ")}; only an approved version can be delivered` });
  }
  if (opts.newerThan !== undefined && !semver.gt(v.version, opts.newerThan)) {
    reasons.push({
      code: "version_not_newer",
      stable: opts.newerThan,
      candidate: v.version,
      message: `A candidate must be newer than the stable version ${opts.newerThan}; ${v.version} is not`,
    });
  }
  reasons.push(...policyReasons(policy, declarationsOf(v.manifest)));
  return reasons;
}

/** CONTRACT §8: a trial version is of this mini-program, draft, in review or approved, and fits the host's policy. */
function trialRefusalReasons(v: VersionRow, policy: HostPolicy, opts: { miniProgramId: string; appId: string }): AssignReason[] {
  if (v.miniProgramId !== opts.miniProgramId) {
    return [{ code: "version_mismatch", appId: v.appId, message: `Version ${v.version} belongs to ${v.appId}, not to ${opts.appId}` }];
  }
  const reasons: AssignReason[] = [];
  if (!TRIAL_STATUSES.has(v.status)) {
    reasons.push({ code: "version_not_trialable", status: v.status, message: `Version ${v.version} is ${v.status}; a trial version is a draft, in review or approved` });
  }
  reasons.push(...policyReasons(policy, declarationsOf(v.manifest)));
  return reasons;
}

/** Equal as JSON values (key order aside: both sides come from the same schema, so keys are in one order). */
function sameJson(x: unknown, y: unknown): boolean {
  return JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
}

function refuse(what: string, reasons: AssignReason[]): AppError {
  const n = reasons.length;
  return new AppError("invalid_input", `${what}: ${n} ${n === 1 ? "reason" : "reasons"} (${reasons.map((r) => r.code).join(", ")})`, { reasons });
}

function actorLabel(ctx: OrgContext): string {
  return ctx.actor.type === "token" ? `${ctx.actor.email} (API token)` : ctx.actor.email;
}

/**
 * Who makes a change, as the timeline, the audit log and webhooks name them: a member or token (through an
 * OrgContext), or the system (the release job runner: a schedule step, a guardrail halt, a release's ring).
 */
export type Changer = {
  orgId: string;
  actorId: string | null;
  label: string;
  audit(tx: DbOrTx, entry: AuditInput): Promise<void>;
};

export function changerOf(ctx: OrgContext): Changer {
  return {
    orgId: ctx.org.id,
    actorId: ctx.actor.type === "token" ? ctx.actor.tokenId : ctx.actor.userId,
    label: actorLabel(ctx),
    audit: (tx, entry) => recordAudit(tx, ctx, entry),
  };
}

export function systemChanger(orgId: string, label = "system"): Changer {
  return { orgId, actorId: null, label, audit: (tx, entry) => recordSystemAudit(tx, orgId, { ...entry, actorLabel: label }) };
}

export type TimelineEntry = { action: AssignmentAction; from?: Record<string, unknown> | null; to?: Record<string, unknown> | null };

export async function recordChange(
  tx: DbOrTx,
  who: Changer,
  a: { id: string; hostId: string; appId: string },
  entries: TimelineEntry[],
  after: AssignmentJson | null,
): Promise<number> {
  const at = new Date();
  for (const [i, e] of entries.entries()) {
    await tx.insert(assignmentEvents).values({
      orgId: who.orgId,
      // Ids order the timeline; one change's entries keep their order even within one millisecond.
      id: newId("evt", at.getTime() + i),
      assignmentId: a.id,
      hostId: a.hostId,
      appId: a.appId,
      action: e.action,
      from: e.from ?? null,
      to: e.to ?? null,
      actorId: who.actorId,
      actorLabel: who.label,
      at,
    });
    await who.audit(tx, {
      action: `assignment.${e.action}`,
      objectType: "assignment",
      objectId: a.id,
      changes: { hostId: a.hostId, appId: a.appId, from: e.from ?? null, to: e.to ?? null },
    });
  }
  await touchManifests(tx, who.orgId);
  return emitAssignmentEvent(tx, who, ASSIGNMENT_CHANGED, { actions: entries.map((e) => e.action), assignmentId: a.id, hostId: a.hostId, appId: a.appId, assignment: after });
}

const ASSIGNMENT_CHANGED = "assignment.changed";

/** A webhook about assignments and releases, enqueued in the change's transaction. */
export async function emitAssignmentEvent(tx: DbOrTx, who: Changer, type: WebhookEvent, data: Record<string, unknown>): Promise<number> {
  return enqueueWebhook(tx, who.orgId, type, {
    id: newId("evt"),
    type,
    createdAt: new Date().toISOString(),
    orgId: who.orgId,
    actor: who.label,
    data,
  });
}

/** Runs a change, then (after commit) drops this process's manifest snapshots of the host and wakes the dispatcher. */
async function change<T>(ctx: OrgContext, hostIdOf: (out: T) => string, fn: (tx: DbOrTx) => Promise<{ out: T; queued: number }>): Promise<T> {
  const { out, queued } = await ctx.db.transaction(fn);
  invalidateManifest(ctx.org.id, hostIdOf(out));
  if (queued > 0) kickWebhookDispatcher();
  return out;
}

/** What a promotion or rollback resets: no step is due, no halt stands, no release drives this assignment. */
export const ROLLOUT_ENDED = { nextStepAt: null, haltedBy: null, haltReason: null, haltedAt: null, releaseId: null } satisfies Partial<Assignment>;

export const versionRef = (v: { id: string; version: string } | null) => (v ? { versionId: v.id, version: v.version } : null);

/** Assigns an approved version that fits the host's policy; one assignment per host and mini-program. */
export async function assignVersion(ctx: OrgContext, hostId: string, input: AssignInput): Promise<AssignmentJson> {
  authorize(ctx, "assignments.manage");
  return change(ctx, (a) => a.hostId, async (tx) => {
    const host = await findHostPolicy(tx, ctx, hostId);
    const mp = await findReachableMiniProgram(ctx, input.appId, tx);
    await assertNotArchived(tx, ctx.org.id, mp.id, "assigned");
    const v = await findVersion(tx, ctx.org.id, input.versionId);
    const reasons = refusalReasons(v, host.policy, { miniProgramId: mp.id, appId: mp.appId });
    if (reasons.length) throw refuse(`Version ${v.version} cannot be assigned to ${host.name}`, reasons);
    const [existing] = await tx
      .select({ id: assignments.id })
      .from(assignments)
      .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.hostId, host.id), eq(assignments.miniProgramId, mp.id)))
      .limit(1);
    if (existing) throw conflict(`${host.name} already runs ${mp.appId}; change its version with a candidate and promote`, { assignmentId: existing.id });
    const id = newId("asg");
    try {
      await tx.insert(assignments).values({ orgId: ctx.org.id, id, hostId: host.id, miniProgramId: mp.id, appId: mp.appId, stableVersionId: v.id });
    } catch (e) {
      // Lost a race to the unique index: the transaction is aborted anyway, so answer it as the 409 it is.
      if (isUniqueViolation(e)) throw conflict(`${host.name} already runs ${mp.appId}`);
      throw e;
    }
    const json = assignmentToJson(await findRow(tx, ctx, id, false));
    const queued = await recordChange(tx, changerOf(ctx), json, [{ action: "assign", to: { stable: versionRef(v) } }], json);
    return { out: json, queued };
  });
}

/** Reads the assignment for a change and checks the revision the caller saw, if it sent one. */
async function current(tx: DbOrTx, ctx: OrgContext, id: string, expected: number | undefined): Promise<Row> {
  const row = await findRow(tx, ctx, id);
  if (expected !== undefined && expected !== row.a.revision) {
    throw conflict("This assignment was changed by someone else since you loaded it; reload and try again", { revision: row.a.revision });
  }
  return row;
}

/** The conditional write every change goes through: it succeeds only on the revision that was read. */
async function writeIfUnchanged(tx: DbOrTx, ctx: OrgContext, row: Row, set: Partial<Assignment>): Promise<void> {
  const updated = await tx
    .update(assignments)
    .set({ ...set, revision: sql`${assignments.revision} + 1`, updatedAt: new Date() })
    .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.id, row.a.id), eq(assignments.revision, row.a.revision)))
    .returning({ id: assignments.id });
  if (updated.length === 0) {
    // Lost the race: the winner has committed, so this read sees the revision the caller must reload.
    const [now] = await tx
      .select({ revision: assignments.revision })
      .from(assignments)
      .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.id, row.a.id)));
    throw conflict("This assignment was changed by someone else at the same time; reload and try again", now ? { revision: now.revision } : undefined);
  }
}

/**
 * PATCH: a new stable version (approved, of the same mini-program, within the policy; the old one becomes the
 * previous stable), a candidate (approved, newer than stable, …; null drops it), a rollout percentage, paused.
 * A new candidate starts at 0 % unless a percentage comes with it. The stable is replaced first, so one request
 * can swap a revoked stable and keep (or drop) the candidate.
 */
export async function updateAssignment(ctx: OrgContext, id: string, input: UpdateAssignmentInput): Promise<AssignmentJson> {
  authorize(ctx, "assignments.manage");
  return change(ctx, (a) => a.hostId, async (tx) => {
    const row = await current(tx, ctx, id, input.revision);
    const a = row.a;
    const entries: TimelineEntry[] = [];
    const set: Partial<Assignment> = {};

    let stable: { id: string; version: string } | null = row.stable;
    if (input.stableVersionId !== undefined && input.stableVersionId !== a.stableVersionId) {
      const v = await findVersion(tx, ctx.org.id, input.stableVersionId);
      const reasons = refusalReasons(v, row.policy, { miniProgramId: a.miniProgramId, appId: a.appId });
      if (reasons.length) throw refuse(`Version ${v.version} cannot be the stable version on ${row.hostName}`, reasons);
      stable = v;
      set.stableVersionId = v.id;
      set.previousStableVersionId = a.stableVersionId;
      entries.push({ action: "replace_stable", from: { stable: versionRef(row.stable) }, to: { stable: versionRef(v) } });
    }

    let candidate = row.candidate;
    if (input.candidateVersionId !== undefined && input.candidateVersionId !== a.candidateVersionId) {
      if (input.candidateVersionId === null) {
        candidate = null;
      } else {
        const v = await findVersion(tx, ctx.org.id, input.candidateVersionId);
        const reasons = refusalReasons(v, row.policy, { miniProgramId: a.miniProgramId, appId: a.appId, newerThan: stable?.version ?? "0.0.0" });
        if (reasons.length) throw refuse(`Version ${v.version} cannot be the candidate on ${row.hostName}`, reasons);
        candidate = v;
      }
      set.candidateVersionId = candidate?.id ?? null;
      entries.push({ action: "candidate", from: { candidate: versionRef(row.candidate) }, to: { candidate: versionRef(candidate) } });
    }

    // A candidate kept across a stable change must still be newer than the stable it would replace.
    if (set.candidateVersionId === undefined && candidate && stable && set.stableVersionId !== undefined && !semver.gt(candidate.version, stable.version)) {
      throw conflict(`The candidate ${candidate.version} is not newer than ${stable.version}; drop the candidate (candidateVersionId: null) or promote it instead`, {
        candidate: candidate.version,
      });
    }

    const candidateChanged = set.candidateVersionId !== undefined;
    const percent = input.rolloutPercent ?? (candidateChanged ? 0 : a.rolloutPercent);
    if (percent > 0 && !candidate) throw conflict("There is no candidate version to roll out; set a candidate first");
    if (percent !== a.rolloutPercent) {
      set.rolloutPercent = percent;
      entries.push({ action: "rollout", from: { rolloutPercent: a.rolloutPercent }, to: { rolloutPercent: percent, candidate: versionRef(candidate) } });
    }

    if (input.paused !== undefined && input.paused !== a.paused) {
      set.paused = input.paused;
      entries.push({ action: input.paused ? "pause" : "resume", from: { paused: a.paused, haltedBy: a.haltedBy }, to: { paused: input.paused } });
      // A person resuming ends a halt; only a person can (CONTRACT §8).
      if (!input.paused) Object.assign(set, { haltedBy: null, haltReason: null, haltedAt: null });
    }

    // --- Release control (CONTRACT §8) ---
    if (input.rules !== undefined) {
      const rules = normaliseRules(input.rules);
      if (!sameJson(rules, a.rules)) {
        set.rules = rules;
        entries.push({ action: "rules", from: { rules: a.rules }, to: { rules } });
      }
    }

    if (input.trialVersionId !== undefined && input.trialVersionId !== a.trialVersionId) {
      let trial: { id: string; version: string } | null = null;
      if (input.trialVersionId !== null) {
        const v = await findVersion(tx, ctx.org.id, input.trialVersionId);
        const reasons = trialRefusalReasons(v, row.policy, { miniProgramId: a.miniProgramId, appId: a.appId });
        if (reasons.length) throw refuse(`Version ${v.version} cannot be the trial version on ${row.hostName}`, reasons);
        trial = v;
      }
      set.trialVersionId = trial?.id ?? null;
      entries.push({ action: "trial", from: { trial: versionRef(row.trial) }, to: { trial: versionRef(trial) } });
    }

    if (input.testers !== undefined && !sameJson(input.testers, a.testers)) {
      set.testers = input.testers;
      entries.push({ action: "testers", from: { testers: a.testers }, to: { testers: input.testers } });
    }

    const schedule = input.schedule !== undefined ? input.schedule : a.schedule;
    const scheduleChanged = input.schedule !== undefined && !sameJson(input.schedule, a.schedule);
    if (scheduleChanged) {
      set.schedule = input.schedule;
      entries.push({ action: "schedule", from: { schedule: a.schedule }, to: { schedule: input.schedule } });
    }
    if (schedule && scheduleChanged && !candidate) throw conflict("There is no candidate version to ramp up; set a candidate first");
    // The schedule (re)starts when it is set or its candidate changes: at its first step unless a percentage came
    // with the request, next step one interval later. Resuming restarts the interval, so a long pause does not
    // jump a step the moment it ends.
    const resumed = set.paused === false;
    if (schedule && candidate && (scheduleChanged || candidateChanged || resumed)) {
      if (input.rolloutPercent === undefined && (set.rolloutPercent ?? a.rolloutPercent) < schedule.steps[0]! && (scheduleChanged || candidateChanged)) {
        const from = set.rolloutPercent ?? a.rolloutPercent;
        set.rolloutPercent = schedule.steps[0]!;
        const i = entries.findIndex((e) => e.action === "rollout");
        const entry: TimelineEntry = { action: "rollout", from: { rolloutPercent: a.rolloutPercent }, to: { rolloutPercent: set.rolloutPercent, candidate: versionRef(candidate) } };
        if (i >= 0) entries[i] = entry;
        else if (from !== set.rolloutPercent) entries.push(entry);
      }
      set.nextStepAt = new Date(Date.now() + schedule.everyMinutes * 60_000);
    } else if (!schedule && a.nextStepAt) {
      set.nextStepAt = null;
    }

    if (input.guardrail !== undefined && !sameJson(input.guardrail, a.guardrail)) {
      set.guardrail = input.guardrail;
      entries.push({ action: "guardrail", from: { guardrail: a.guardrail }, to: { guardrail: input.guardrail } });
    }
    // A new guardrail, a new candidate or a resume starts the guardrail's count afresh.
    if (set.guardrail !== undefined || candidateChanged || (resumed && a.haltedBy)) set.guardrailSince = new Date();

    // Sending the values it already has changes nothing and logs nothing, as a PATCH should.
    if (entries.length === 0) return { out: assignmentToJson(row), queued: 0 };
    await writeIfUnchanged(tx, ctx, row, set);
    const json = assignmentToJson(await findRow(tx, ctx, id, false));
    return { out: json, queued: await recordChange(tx, changerOf(ctx), json, entries, json) };
  });
}

/** The candidate becomes stable for everyone; the old stable is kept as the version a rollback returns to. */
export async function promoteAssignment(ctx: OrgContext, id: string, input: RevisionInput = {}): Promise<AssignmentJson> {
  authorize(ctx, "assignments.manage");
  return change(ctx, (a) => a.hostId, async (tx) => {
    const row = await current(tx, ctx, id, input.revision);
    if (!row.candidate) throw conflict("There is no candidate version to promote");
    // Read again under lock: the status in `row` may already be stale if a revoke is racing this promote.
    const status = await lockedStatus(tx, ctx.org.id, row.candidate.id);
    if (status !== "approved") {
      throw conflict(`The candidate ${row.candidate.version} is ${status ?? "gone"}; it cannot be promoted`, { status });
    }
    await writeIfUnchanged(tx, ctx, row, {
      stableVersionId: row.candidate.id,
      previousStableVersionId: row.a.stableVersionId,
      candidateVersionId: null,
      rolloutPercent: 0,
      paused: false,
      ...ROLLOUT_ENDED,
    });
    const json = assignmentToJson(await findRow(tx, ctx, id, false));
    const entry: TimelineEntry = {
      action: "promote",
      from: { stable: versionRef(row.stable), candidate: versionRef(row.candidate), rolloutPercent: row.a.rolloutPercent },
      to: { stable: versionRef(row.candidate) },
    };
    return { out: json, queued: await recordChange(tx, changerOf(ctx), json, [entry], json) };
  });
}

/**
 * CONTRACT §3: drops the candidate when there is one (everyone back on stable); otherwise the previous stable
 * version becomes stable again. The version rolled back from is not remembered, so a second rollback cannot
 * flip back to it: with nothing to return to, 409.
 */
export async function rollbackAssignment(ctx: OrgContext, id: string, input: RevisionInput = {}): Promise<AssignmentJson> {
  authorize(ctx, "assignments.manage");
  return change(ctx, (a) => a.hostId, async (tx) => {
    const row = await current(tx, ctx, id, input.revision);
    let entry: TimelineEntry;
    if (row.candidate) {
      await writeIfUnchanged(tx, ctx, row, { candidateVersionId: null, rolloutPercent: 0, paused: false, ...ROLLOUT_ENDED });
      entry = { action: "rollback", from: { candidate: versionRef(row.candidate), rolloutPercent: row.a.rolloutPercent }, to: { candidate: null, stable: versionRef(row.stable) } };
    } else if (row.previous) {
      const status = await lockedStatus(tx, ctx.org.id, row.previous.id);
      if (status !== "approved") {
        throw conflict(`The previous stable version ${row.previous.version} is ${status ?? "gone"}; there is nothing to roll back to`, { status });
      }
      await writeIfUnchanged(tx, ctx, row, { stableVersionId: row.previous.id, previousStableVersionId: null });
      entry = { action: "rollback", from: { stable: versionRef(row.stable) }, to: { stable: versionRef(row.previous) } };
    } else {
      throw conflict("There is nothing to roll back to: no candidate and no previous stable version");
    }
    const json = assignmentToJson(await findRow(tx, ctx, id, false));
    return { out: json, queued: await recordChange(tx, changerOf(ctx), json, [entry], json) };
  });
}

/** Removes the mini-program from the host; its timeline stays. Answers the assignment as it was. */
export async function unassign(ctx: OrgContext, id: string, input: RevisionInput = {}): Promise<AssignmentJson & { deleted: true }> {
  authorize(ctx, "assignments.manage");
  return change(ctx, (a) => a.hostId, async (tx) => {
    const row = await current(tx, ctx, id, input.revision);
    const deleted = await tx
      .delete(assignments)
      .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.id, row.a.id), eq(assignments.revision, row.a.revision)))
      .returning({ id: assignments.id });
    if (deleted.length === 0) throw conflict("This assignment was changed by someone else at the same time; reload and try again");
    const json = assignmentToJson(row);
    const entry: TimelineEntry = {
      action: "unassign",
      from: { stable: versionRef(row.stable), candidate: versionRef(row.candidate), rolloutPercent: row.a.rolloutPercent },
    };
    return { out: { ...json, deleted: true as const }, queued: await recordChange(tx, changerOf(ctx), json, [entry], null) };
  });
}

/**
 * The kill switch's mark on the timelines (issue 13): when a version is revoked, every assignment holding it as
 * stable, candidate or previous stable gets a `revoke` row, in the revocation's own transaction. The revocation
 * itself is audited once, as `version.revoke`; these rows only tell each assignment's story.
 */
export async function recordRevocationOnTimelines(tx: DbOrTx, ctx: OrgContext, v: { id: string; version: string }, reason: string): Promise<number> {
  const held = await tx
    .select({ id: assignments.id, hostId: assignments.hostId, appId: assignments.appId, stable: assignments.stableVersionId, candidate: assignments.candidateVersionId })
    .from(assignments)
    .where(
      and(
        eq(assignments.orgId, ctx.org.id),
        sql`${v.id} IN (${assignments.stableVersionId}, ${assignments.candidateVersionId}, ${assignments.previousStableVersionId})`,
      ),
    );
  const at = new Date();
  for (const a of held) {
    const role = a.stable === v.id ? "stable" : a.candidate === v.id ? "candidate" : "previousStable";
    await tx.insert(assignmentEvents).values({
      orgId: ctx.org.id,
      id: newId("evt", at.getTime()),
      assignmentId: a.id,
      hostId: a.hostId,
      appId: a.appId,
      action: "revoke",
      from: { [role]: versionRef(v), status: "approved" },
      to: { [role]: versionRef(v), status: "revoked", reason },
      actorId: ctx.actor.type === "token" ? ctx.actor.tokenId : ctx.actor.userId,
      actorLabel: actorLabel(ctx),
      at,
    });
  }
  return held.length;
}

/**
 * CONTRACT §8: a trial version is dropped when it is rejected or revoked. Every assignment holding it as its trial
 * loses it in the decision's own transaction, with a timeline row, an audit entry and `assignment.changed`.
 * Answers how many assignments changed (so the caller drops its manifest snapshots after commit) and how many
 * webhook deliveries were queued.
 */
export async function dropTrialVersion(tx: DbOrTx, ctx: OrgContext, v: { id: string; version: string }, why: "rejected" | "revoked"): Promise<{ changed: number; queued: number }> {
  const dropped = await tx
    .update(assignments)
    .set({ trialVersionId: null, revision: sql`${assignments.revision} + 1`, updatedAt: new Date() })
    .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.trialVersionId, v.id)))
    .returning({ id: assignments.id, hostId: assignments.hostId, appId: assignments.appId });
  const who = changerOf(ctx);
  let queued = 0;
  for (const a of dropped) {
    queued += await recordChange(tx, who, a, [{ action: "trial", from: { trial: versionRef(v) }, to: { trial: null, reason: why } }], null);
  }
  return { changed: dropped.length, queued };
}

/** The assignment as the API answers it, for writers without a member's context (the release job runner). */
export async function loadAssignmentJson(db: DbOrTx, orgId: string, id: string): Promise<AssignmentJson | null> {
  const [row] = await selectRows(db, orgId, [eq(assignments.id, id)]);
  return row ? assignmentToJson(row) : null;
}
