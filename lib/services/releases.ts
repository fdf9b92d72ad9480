// Releases (issue 14 item 5, CONTRACT §8): one approved version of a mini-program rolled across rings of host
// apps in order (internal → beta → everyone), each ring with its own ramp-up schedule and guardrail. A ring is
// rolling while its hosts carry the version as their candidate; it has finished when every one of them runs it as
// stable (promoted at the end of the schedule, or by a person). Then the next ring starts. A halt on any host of
// the rolling ring (a guardrail, or a person rolling the candidate back) halts the release and pauses the ring's
// other hosts, so a bad candidate stops everywhere it had reached.
//
// The writes happen in three places, all through `startRing`/`advanceRelease` here: creation (the first ring starts
// in the creating transaction), the job runner (lib/release/runner.ts: a finished ring starts the next), and a
// person's cancel. Each takes the release row FOR UPDATE, so two server processes never advance one release twice.
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import semver from "semver";
import { z } from "zod";
import type { DbOrTx } from "@/db";
import {
  assignments,
  hostApps,
  miniPrograms,
  releases,
  versions,
  RELEASE_STATUSES,
  type Release,
  type ReleaseRing,
  type ReleaseStatus,
  type WebhookEvent,
} from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { AppError, conflict, notFound } from "@/lib/errors";
import { isId, newId } from "@/lib/ids";
import { emptyFigures, versionFigures, type VersionFigures } from "@/lib/release/figures";
import { guardrailSchema, ringScheduleSchema } from "@/lib/rollout/rules";
import { declarationsOf, policyReasons } from "@/lib/sdk-server/policy-fit";
import { invalidateManifest } from "@/lib/sdk-server/snapshot";
import { kickWebhookDispatcher } from "@/lib/webhooks/dispatcher";
import {
  changerOf,
  emitAssignmentEvent,
  loadAssignmentJson,
  promoteAssignment,
  recordChange,
  versionRef,
  type Changer,
  type TimelineEntry,
} from "./assignments";
import { findReachableMiniProgram, miniProgramScope } from "./mini-programs";
import { decodeCursor, toPage } from "./pagination";

export const MAX_RINGS = 10;
export const MAX_RING_HOSTS = 100;

// ---------------------------------------------------------------------------------------------------------
// Input
// ---------------------------------------------------------------------------------------------------------

const ringInput = z
  .object({
    name: z.string().trim().min(1, "Name the ring (for example: internal, beta, everyone)").max(64, "A ring's name is at most 64 characters"),
    hostIds: z.array(z.string().trim().min(1).max(64)).min(1, "A ring needs at least one host app").max(MAX_RING_HOSTS, `At most ${MAX_RING_HOSTS} host apps in a ring`),
    schedule: ringScheduleSchema.nullable().optional(),
    guardrail: guardrailSchema.nullable().optional(),
  })
  .strict();

export const createReleaseInput = z
  .object({
    appId: z.string().trim().min(1, "Choose a mini-program").max(214),
    versionId: z.string().trim().min(1, "Choose a version").max(64),
    rings: z.array(ringInput).min(1, "A release needs at least one ring").max(MAX_RINGS, `At most ${MAX_RINGS} rings`),
  })
  .strict()
  .superRefine((r, ctx) => {
    const seen = new Map<string, number>();
    r.rings.forEach((ring, i) =>
      ring.hostIds.forEach((h, j) => {
        const first = seen.get(h);
        if (first !== undefined) ctx.addIssue({ code: "custom", path: ["rings", i, "hostIds", j], message: `Host ${h} is already in ring ${first + 1}; a host belongs to one ring` });
        else seen.set(h, i);
      }),
    );
  });
export type CreateReleaseInput = z.output<typeof createReleaseInput>;

export const releaseListFilter = z.object({
  appId: z.string().trim().min(1).max(214).optional(),
  status: z.enum(RELEASE_STATUSES).optional(),
});

export const cancelReleaseInput = z.object({ revision: z.number().int().positive().optional() }).strict();

// ---------------------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------------------

/** Where one host of a ring stands, read live from its assignment. */
export type ReleaseHostState = "waiting" | "rolling" | "paused" | "halted" | "done" | "removed";

export type ReleaseHostJson = {
  hostId: string;
  hostName: string;
  assignmentId: string | null;
  state: ReleaseHostState;
  rolloutPercent: number;
  nextStepAt: string | null;
  haltReason: string | null;
  /** The release's version on this host over the ring's guardrail window (or the last 60 minutes). */
  figures: VersionFigures;
};

export type ReleaseRingJson = Omit<ReleaseRing, "hostIds"> & { hosts: ReleaseHostJson[] };

export type ReleaseJson = {
  id: string;
  appId: string;
  versionId: string;
  version: string;
  status: ReleaseStatus;
  currentRing: number;
  haltReason: string | null;
  rings: ReleaseRingJson[];
  createdBy: string | null;
  revision: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
};

type AssignmentState = {
  id: string;
  hostId: string;
  stableVersionId: string;
  candidateVersionId: string | null;
  rolloutPercent: number;
  paused: boolean;
  haltedBy: string | null;
  haltReason: string | null;
  nextStepAt: Date | null;
};

function hostState(r: Release, ring: ReleaseRing, a: AssignmentState | undefined): ReleaseHostState {
  if (a && a.stableVersionId === r.versionId) return "done";
  if (ring.state === "pending") return "waiting";
  if (!a || a.candidateVersionId !== r.versionId) return "removed";
  if (a.haltedBy) return "halted";
  return a.paused ? "paused" : "rolling";
}

async function assignmentStates(db: DbOrTx, r: Release): Promise<Map<string, AssignmentState>> {
  const rows = await db
    .select({
      id: assignments.id,
      hostId: assignments.hostId,
      stableVersionId: assignments.stableVersionId,
      candidateVersionId: assignments.candidateVersionId,
      rolloutPercent: assignments.rolloutPercent,
      paused: assignments.paused,
      haltedBy: assignments.haltedBy,
      haltReason: assignments.haltReason,
      nextStepAt: assignments.nextStepAt,
    })
    .from(assignments)
    .where(and(eq(assignments.orgId, r.orgId), eq(assignments.miniProgramId, r.miniProgramId)));
  return new Map(rows.map((a) => [a.hostId, a]));
}

async function releaseToJson(db: DbOrTx, r: Release, withFigures: boolean, now = new Date()): Promise<ReleaseJson> {
  const states = await assignmentStates(db, r);
  const hostIds = r.rings.flatMap((ring) => ring.hostIds);
  const names = hostIds.length
    ? new Map(
        (await db.select({ id: hostApps.id, name: hostApps.name }).from(hostApps).where(and(eq(hostApps.orgId, r.orgId), inArray(hostApps.id, hostIds)))).map((h) => [h.id, h.name]),
      )
    : new Map<string, string>();
  const rings: ReleaseRingJson[] = [];
  for (const ring of r.rings) {
    const windowMinutes = ring.guardrail?.windowMinutes ?? 60;
    const hosts: ReleaseHostJson[] = [];
    for (const hostId of ring.hostIds) {
      const a = states.get(hostId);
      const state = hostState(r, ring, a);
      const figures =
        withFigures && ring.state !== "pending"
          ? ((await versionFigures(db, { orgId: r.orgId, hostId, appId: r.appId }, [r.version], new Date(now.getTime() - windowMinutes * 60_000), new Date(now.getTime() + 5 * 60_000)))[0] ?? emptyFigures(r.version))
          : emptyFigures(r.version);
      hosts.push({
        hostId,
        hostName: names.get(hostId) ?? hostId,
        assignmentId: a?.id ?? null,
        state,
        rolloutPercent: state === "done" ? 100 : state === "waiting" || state === "removed" ? 0 : (a?.rolloutPercent ?? 0),
        nextStepAt: state === "rolling" ? (a?.nextStepAt?.toISOString() ?? null) : null,
        haltReason: state === "halted" ? (a?.haltReason ?? null) : null,
        figures,
      });
    }
    const { hostIds: _ids, ...rest } = ring;
    rings.push({ ...rest, hosts });
  }
  return {
    id: r.id,
    appId: r.appId,
    versionId: r.versionId,
    version: r.version,
    status: r.status,
    currentRing: r.currentRing,
    haltReason: r.haltReason,
    rings,
    createdBy: r.createdByLabel,
    revision: r.revision,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------------------

async function findRelease(db: DbOrTx, orgId: string, id: string, lock = false): Promise<Release> {
  if (!isId("rel", id)) throw notFound("Release");
  const q = db.select().from(releases).where(and(eq(releases.orgId, orgId), eq(releases.id, id))).limit(1);
  const [row] = await (lock ? q.for("update") : q);
  if (!row) throw notFound("Release");
  return row;
}

/** A release, with each host's live state and figures. Developers reach only their mini-programs' releases. */
export async function getRelease(ctx: OrgContext, id: string): Promise<ReleaseJson> {
  authorize(ctx, "catalog.read");
  const r = await findRelease(ctx.db, ctx.org.id, id);
  await findReachableMiniProgram(ctx, r.appId).catch(() => {
    throw notFound("Release");
  });
  return releaseToJson(ctx.db, r, true);
}

/** Newest first; optionally one mini-program's, or one status. */
export async function listReleases(ctx: OrgContext, q: { appId?: string; status?: ReleaseStatus; limit: number; cursor?: string }) {
  authorize(ctx, "catalog.read");
  let appIds: string[] | undefined;
  if (q.appId !== undefined) appIds = [(await findReachableMiniProgram(ctx, q.appId)).appId];
  const before = decodeCursor(q.cursor);
  const rows = await ctx.db
    .select()
    .from(releases)
    .where(
      and(
        eq(releases.orgId, ctx.org.id),
        appIds ? inArray(releases.appId, appIds) : undefined,
        q.status ? eq(releases.status, q.status) : undefined,
        before ? lt(releases.id, before) : undefined,
      ),
    )
    .orderBy(desc(releases.id))
    .limit(q.limit + 1);
  // A developer sees the releases of the mini-programs they collaborate on.
  const reachable = await reachableAppIds(ctx, [...new Set(rows.map((r) => r.appId))]);
  const page = toPage(rows, q.limit, (r) => r.id);
  const items: ReleaseJson[] = [];
  for (const r of page.items) if (reachable.has(r.appId)) items.push(await releaseToJson(ctx.db, r, false));
  return { items, nextCursor: page.nextCursor };
}

async function reachableAppIds(ctx: OrgContext, appIds: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const appId of appIds) {
    const ok = await findReachableMiniProgram(ctx, appId).then(
      () => true,
      () => false,
    );
    if (ok) out.add(appId);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------------------

type Reason = { code: string; message: string; hostId?: string; ring?: number } & Record<string, unknown>;

function refuse(what: string, reasons: Reason[]): AppError {
  return new AppError("invalid_input", `${what}: ${reasons.map((r) => r.message).join("; ")}`, { reasons });
}

/** Why this version cannot roll out to a host (as a candidate over its stable, or as its first assignment). */
function hostRefusals(
  v: { version: string; manifest: Record<string, unknown> },
  host: { id: string; name: string; policy: Parameters<typeof policyReasons>[0] },
  current: { stable: string | null } | undefined,
  ring: number,
): Reason[] {
  const out: Reason[] = policyReasons(host.policy, declarationsOf(v.manifest)).map((p) => ({ ...p, message: `${host.name}: ${p.message}`, hostId: host.id, ring }));
  if (current?.stable && semver.lt(v.version, current.stable)) {
    out.push({ code: "version_not_newer", stable: current.stable, message: `${host.name} runs ${current.stable}, newer than ${v.version}`, hostId: host.id, ring });
  }
  return out;
}

async function emitReleaseEvent(tx: DbOrTx, who: Changer, type: WebhookEvent, json: ReleaseJson, extra: Record<string, unknown> = {}): Promise<number> {
  return emitAssignmentEvent(tx, who, type, { releaseId: json.id, appId: json.appId, version: json.version, status: json.status, release: json, ...extra });
}

async function auditRelease(tx: DbOrTx, who: Changer, action: string, r: { id: string; appId: string; version: string }, changes: Record<string, unknown>) {
  await who.audit(tx, { action: `release.${action}`, objectType: "release", objectId: r.id, changes: { appId: r.appId, version: r.version, ...changes } });
}

type Effects = { queued: number; hosts: Set<string> };

/**
 * Starts ring `index`: each of its hosts gets the version as its candidate (at the schedule's first step, or 0 %
 * for a person to move), with the ring's schedule and guardrail, or as its first stable version when it does not
 * run the mini-program yet. A host already on the version counts as done. Answers the refusals if a host can no
 * longer take it (its policy changed since the release was created); then nothing is written.
 */
async function startRing(tx: DbOrTx, who: Changer, r: Release, index: number, now: Date, fx: Effects): Promise<Reason[]> {
  const ring = r.rings[index]!;
  const [v] = await tx
    .select({ id: versions.id, version: versions.version, status: versions.status, manifest: versions.manifest })
    .from(versions)
    .where(and(eq(versions.orgId, r.orgId), eq(versions.id, r.versionId)))
    .for("share");
  if (!v || v.status !== "approved") return [{ code: "version_not_approved", message: `Version ${r.version} is ${v?.status ?? "gone"}; only an approved version can roll out` }];
  const hosts = await tx
    .select({ id: hostApps.id, name: hostApps.name, policy: hostApps.policy })
    .from(hostApps)
    .where(and(eq(hostApps.orgId, r.orgId), inArray(hostApps.id, ring.hostIds)));
  const byId = new Map(hosts.map((h) => [h.id, h]));
  const existing = await tx
    .select()
    .from(assignments)
    .where(and(eq(assignments.orgId, r.orgId), eq(assignments.miniProgramId, r.miniProgramId), inArray(assignments.hostId, ring.hostIds)))
    .for("update");
  const byHost = new Map(existing.map((a) => [a.hostId, a]));
  const stableVersions = new Map(
    (
      await tx
        .select({ id: versions.id, version: versions.version })
        .from(versions)
        .where(and(eq(versions.orgId, r.orgId), inArray(versions.id, existing.map((a) => a.stableVersionId).concat([r.versionId]))))
    ).map((x) => [x.id, x.version]),
  );
  const reasons: Reason[] = [];
  for (const hostId of ring.hostIds) {
    const host = byId.get(hostId);
    if (!host) {
      reasons.push({ code: "host_not_found", message: `Host app ${hostId} no longer exists`, hostId, ring: index });
      continue;
    }
    const a = byHost.get(hostId);
    reasons.push(...hostRefusals(v, host, a ? { stable: stableVersions.get(a.stableVersionId) ?? null } : undefined, index));
  }
  if (reasons.length) return reasons;

  for (const hostId of ring.hostIds) {
    const a = byHost.get(hostId);
    if (a?.stableVersionId === r.versionId) continue;
    if (!a) {
      const id = newId("asg");
      await tx.insert(assignments).values({ orgId: r.orgId, id, hostId, miniProgramId: r.miniProgramId, appId: r.appId, stableVersionId: r.versionId, guardrail: ring.guardrail });
      const json = await loadAssignmentJson(tx, r.orgId, id);
      fx.queued += await recordChange(tx, who, { id, hostId, appId: r.appId }, [{ action: "assign", to: { stable: versionRef(v), releaseId: r.id } }], json);
      fx.hosts.add(hostId);
      continue;
    }
    const percent = ring.schedule ? ring.schedule.steps[0]! : 0;
    await tx
      .update(assignments)
      .set({
        candidateVersionId: r.versionId,
        rolloutPercent: percent,
        paused: false,
        schedule: ring.schedule,
        nextStepAt: ring.schedule ? new Date(now.getTime() + ring.schedule.everyMinutes * 60_000) : null,
        guardrail: ring.guardrail,
        guardrailSince: now,
        haltedBy: null,
        haltReason: null,
        haltedAt: null,
        releaseId: r.id,
        revision: sql`${assignments.revision} + 1`,
        updatedAt: now,
      })
      .where(and(eq(assignments.orgId, r.orgId), eq(assignments.id, a.id)));
    const entries: TimelineEntry[] = [];
    if (a.candidateVersionId !== r.versionId) {
      entries.push({ action: "candidate", from: { candidate: a.candidateVersionId ? { versionId: a.candidateVersionId } : null }, to: { candidate: versionRef(v), releaseId: r.id } });
    }
    if (a.rolloutPercent !== percent) entries.push({ action: "rollout", from: { rolloutPercent: a.rolloutPercent }, to: { rolloutPercent: percent, candidate: versionRef(v) } });
    if (JSON.stringify(a.schedule) !== JSON.stringify(ring.schedule)) entries.push({ action: "schedule", from: { schedule: a.schedule }, to: { schedule: ring.schedule } });
    if (JSON.stringify(a.guardrail) !== JSON.stringify(ring.guardrail)) entries.push({ action: "guardrail", from: { guardrail: a.guardrail }, to: { guardrail: ring.guardrail } });
    if (a.paused) entries.push({ action: "resume", from: { paused: true }, to: { paused: false } });
    if (entries.length === 0) entries.push({ action: "candidate", from: null, to: { candidate: versionRef(v), releaseId: r.id } });
    const json = await loadAssignmentJson(tx, r.orgId, a.id);
    fx.queued += await recordChange(tx, who, { id: a.id, hostId, appId: r.appId }, entries, json);
    fx.hosts.add(hostId);
  }
  return [];
}

function withRing(r: Release, index: number, patch: Partial<ReleaseRing>): ReleaseRing[] {
  return r.rings.map((ring, i) => (i === index ? { ...ring, ...patch } : ring));
}

async function writeRelease(tx: DbOrTx, r: Release, set: Partial<Release>): Promise<Release> {
  const [row] = await tx
    .update(releases)
    .set({ ...set, revision: sql`${releases.revision} + 1`, updatedAt: new Date() })
    .where(and(eq(releases.orgId, r.orgId), eq(releases.id, r.id), eq(releases.revision, r.revision)))
    .returning();
  if (!row) throw conflict("This release was changed at the same time; reload and try again");
  return row;
}

/** After commit: drop this process's manifest snapshots of the hosts touched, and wake the webhook dispatcher. */
export function afterReleaseCommit(orgId: string, fx: Effects): void {
  for (const h of fx.hosts) invalidateManifest(orgId, h);
  if (fx.queued > 0) kickWebhookDispatcher();
}

/** Creates a release and starts its first ring at once. Every host of every ring is checked first: 422 with each reason. */
export async function createRelease(ctx: OrgContext, input: CreateReleaseInput): Promise<ReleaseJson> {
  authorize(ctx, "assignments.manage");
  const who = changerOf(ctx);
  const fx: Effects = { queued: 0, hosts: new Set() };
  const out = await ctx.db.transaction(async (tx) => {
    const mp = await findReachableMiniProgram(ctx, input.appId, tx);
    const [v] = await tx
      .select({ id: versions.id, miniProgramId: versions.miniProgramId, version: versions.version, status: versions.status, manifest: versions.manifest })
      .from(versions)
      .where(and(eq(versions.orgId, ctx.org.id), eq(versions.id, input.versionId)))
      .for("share");
    if (!v) throw notFound("Version");
    const reasons: Reason[] = [];
    if (v.miniProgramId !== mp.id) reasons.push({ code: "version_mismatch", message: `Version ${v.version} is not a version of ${mp.appId}` });
    else if (v.status !== "approved") reasons.push({ code: "version_not_approved", message: `Version ${v.version} is ${v.status.replace("_", " ")}; only an approved version can be released` });
    const allHosts = input.rings.flatMap((ring) => ring.hostIds);
    const known = new Map(
      (
        await tx
          .select({ id: hostApps.id, name: hostApps.name, policy: hostApps.policy })
          .from(hostApps)
          .where(and(eq(hostApps.orgId, ctx.org.id), inArray(hostApps.id, allHosts.filter((h) => isId("hst", h)))))
      ).map((h) => [h.id, h]),
    );
    const current = await tx
      .select({ hostId: assignments.hostId, stable: versions.version })
      .from(assignments)
      .innerJoin(versions, and(eq(versions.orgId, assignments.orgId), eq(versions.id, assignments.stableVersionId)))
      .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.miniProgramId, mp.id)));
    const stableOn = new Map(current.map((c) => [c.hostId, c.stable]));
    input.rings.forEach((ring, i) =>
      ring.hostIds.forEach((hostId) => {
        const host = known.get(hostId);
        // Another organization's host answers like a missing one (CONTRACT §1).
        if (!host) reasons.push({ code: "host_not_found", message: `No host app ${hostId}`, hostId, ring: i });
        else if (v.miniProgramId === mp.id) reasons.push(...hostRefusals(v, host, stableOn.has(hostId) ? { stable: stableOn.get(hostId)! } : undefined, i));
      }),
    );
    if (reasons.length) throw refuse(`Version ${v.version} cannot be released this way`, reasons);

    const [running] = await tx
      .select({ id: releases.id })
      .from(releases)
      .where(and(eq(releases.orgId, ctx.org.id), eq(releases.miniProgramId, mp.id), eq(releases.status, "running")))
      .for("update")
      .limit(1);
    if (running) throw conflict(`${mp.appId} already has a running release; cancel it or let it finish first`, { releaseId: running.id });

    const now = new Date();
    const rings: ReleaseRing[] = input.rings.map((ring) => ({
      name: ring.name,
      hostIds: ring.hostIds,
      schedule: ring.schedule ?? null,
      guardrail: ring.guardrail ?? null,
      state: "pending",
      startedAt: null,
      finishedAt: null,
    }));
    const [created] = await tx
      .insert(releases)
      .values({
        orgId: ctx.org.id,
        id: newId("rel"),
        miniProgramId: mp.id,
        appId: mp.appId,
        versionId: v.id,
        version: v.version,
        rings,
        createdBy: who.actorId,
        createdByLabel: who.label,
      })
      .returning();
    let r = created!;
    await auditRelease(tx, who, "create", r, { rings: input.rings });
    const refused = await startRing(tx, who, r, 0, now, fx);
    if (refused.length) throw refuse(`Version ${v.version} cannot be released this way`, refused);
    r = await writeRelease(tx, r, { rings: withRing(r, 0, { state: "rolling", startedAt: now.toISOString() }) });
    const json = await releaseToJson(tx, r, false);
    fx.queued += await emitReleaseEvent(tx, who, "release.started", json);
    fx.queued += await emitReleaseEvent(tx, who, "release.ring_started", json, { ring: 0, ringName: rings[0]!.name });
    // A first ring whose hosts all run the version already has nothing to wait for: the runner moves on.
    return r;
  });
  afterReleaseCommit(ctx.org.id, fx);
  // The ring may already be finished (hosts newly assigned, or on the version already): advance at once.
  await advanceRelease(ctx.db, ctx.org.id, out.id, new Date(), who, { wait: true });
  return releaseToJson(ctx.db, await findRelease(ctx.db, ctx.org.id, out.id), true);
}

/** Stops a running release where it is: no further ring starts. Its hosts keep what they run; a person decides. */
export async function cancelRelease(ctx: OrgContext, id: string, input: z.output<typeof cancelReleaseInput> = {}): Promise<ReleaseJson> {
  authorize(ctx, "assignments.manage");
  const who = changerOf(ctx);
  const fx: Effects = { queued: 0, hosts: new Set() };
  const r = await ctx.db.transaction(async (tx) => {
    const r = await findRelease(tx, ctx.org.id, id, true);
    await findReachableMiniProgram(ctx, r.appId, tx).catch(() => {
      throw notFound("Release");
    });
    if (input.revision !== undefined && input.revision !== r.revision) throw conflict("This release changed since you loaded it; reload and try again", { revision: r.revision });
    if (r.status !== "running") throw conflict(`This release is ${r.status}; only a running release can be cancelled`, { status: r.status });
    const now = new Date();
    const rings = r.rings.map((ring) => (ring.state === "pending" || ring.state === "rolling" ? { ...ring, state: "cancelled" as const, finishedAt: now.toISOString() } : ring));
    const next = await writeRelease(tx, r, { status: "cancelled", rings, finishedAt: now });
    await tx
      .update(assignments)
      .set({ releaseId: null })
      .where(and(eq(assignments.orgId, r.orgId), eq(assignments.releaseId, r.id)));
    await auditRelease(tx, who, "cancel", r, { from: "running", to: "cancelled", ring: r.currentRing });
    fx.queued += await emitReleaseEvent(tx, who, "release.cancelled", await releaseToJson(tx, next, false));
    return next;
  });
  afterReleaseCommit(ctx.org.id, fx);
  return releaseToJson(ctx.db, r, true);
}

/**
 * Moves a running release along (the job runner calls it on every tick; creation calls it once): a halt on the
 * rolling ring halts the release and pauses the ring's other hosts; a finished ring starts the next one, or
 * completes the release. Locks the release row (SKIP LOCKED: another process advancing it now is enough).
 * Answers what happened, for the runner's report.
 */
export async function advanceRelease(db: DbOrTx, orgId: string, id: string, now: Date, who: Changer, opts: { wait?: boolean } = {}): Promise<AdvanceOutcome> {
  // A ring whose hosts all run the version already is finished the moment it starts: keep going.
  let last: AdvanceOutcome = "idle";
  for (let i = 0; i <= MAX_RINGS; i++) {
    const o = await advanceOnce(db, orgId, id, now, who, opts.wait ?? false);
    if (o === "idle") return last;
    last = o;
    if (o !== "ring_started") return o;
  }
  return last;
}

type AdvanceOutcome = "idle" | "ring_started" | "completed" | "halted";

/** One move; `wait`: a person's action waits for a runner holding the release, the runner skips it instead. */
async function advanceOnce(db: DbOrTx, orgId: string, id: string, now: Date, who: Changer, wait: boolean): Promise<AdvanceOutcome> {
  const fx: Effects = { queued: 0, hosts: new Set() };
  const outcome = await db.transaction(async (tx) => {
    const [r] = await tx
      .select()
      .from(releases)
      .where(and(eq(releases.orgId, orgId), eq(releases.id, id), eq(releases.status, "running")))
      .for("update", wait ? {} : { skipLocked: true });
    if (!r) return "idle" as const;
    const ring = r.rings[r.currentRing];
    if (!ring) return "idle" as const;
    const states = await assignmentStates(tx, r);
    const hostStates = ring.hostIds.map((h) => ({ hostId: h, state: hostState(r, ring, states.get(h)), a: states.get(h) }));
    const stopped = hostStates.find((h) => h.state === "halted" || h.state === "removed");
    if (stopped) {
      const reason =
        stopped.state === "halted"
          ? `Ring "${ring.name}" halted on ${stopped.hostId}: ${stopped.a?.haltReason ?? "paused by the system"}`
          : `Ring "${ring.name}": ${r.version} is no longer the candidate on ${stopped.hostId} (rolled back, replaced or unassigned)`;
      await haltRelease(tx, who, r, reason, now, fx, stopped.hostId);
      return "halted" as const;
    }
    if (!hostStates.every((h) => h.state === "done")) return "idle" as const;
    const finished = withRing(r, r.currentRing, { state: "completed", finishedAt: now.toISOString() });
    const nextIndex = r.currentRing + 1;
    if (nextIndex >= r.rings.length) {
      const done = await writeRelease(tx, r, { rings: finished, status: "completed", finishedAt: now });
      await auditRelease(tx, who, "complete", r, { rings: r.rings.length });
      fx.queued += await emitReleaseEvent(tx, who, "release.completed", await releaseToJson(tx, done, false));
      return "completed" as const;
    }
    const moved = { ...r, rings: finished, currentRing: nextIndex };
    const refused = await startRing(tx, who, moved, nextIndex, now, fx);
    if (refused.length) {
      await haltRelease(tx, who, moved, `Ring "${r.rings[nextIndex]!.name}" cannot start: ${refused.map((x) => x.message).join("; ")}`, now, fx);
      return "halted" as const;
    }
    const next = await writeRelease(tx, r, { rings: withRing(moved, nextIndex, { state: "rolling", startedAt: now.toISOString() }), currentRing: nextIndex });
    await auditRelease(tx, who, "ring_start", r, { ring: nextIndex, ringName: r.rings[nextIndex]!.name });
    fx.queued += await emitReleaseEvent(tx, who, "release.ring_started", await releaseToJson(tx, next, false), { ring: nextIndex, ringName: r.rings[nextIndex]!.name });
    return "ring_started" as const;
  });
  afterReleaseCommit(orgId, fx);
  return outcome;
}

/** Halts the release in `tx` and pauses the rolling ring's other hosts (haltedBy "release"). */
async function haltRelease(tx: DbOrTx, who: Changer, r: Release, reason: string, now: Date, fx: Effects, haltedHost?: string): Promise<void> {
  const halted = await writeRelease(tx, r, { rings: withRing(r, r.currentRing, { state: "halted", finishedAt: now.toISOString() }), status: "halted", haltReason: reason, finishedAt: now });
  const others = await tx
    .update(assignments)
    .set({ paused: true, haltedBy: "release", haltReason: reason, haltedAt: now, nextStepAt: null, revision: sql`${assignments.revision} + 1`, updatedAt: now })
    .where(and(eq(assignments.orgId, r.orgId), eq(assignments.releaseId, r.id), eq(assignments.paused, false), eq(assignments.candidateVersionId, r.versionId)))
    .returning({ id: assignments.id, hostId: assignments.hostId, appId: assignments.appId });
  for (const a of others) {
    if (a.hostId === haltedHost) continue;
    const json = await loadAssignmentJson(tx, r.orgId, a.id);
    fx.queued += await recordChange(tx, who, a, [{ action: "halt", from: { paused: false }, to: { paused: true, haltedBy: "release", haltReason: reason } }], json);
    fx.hosts.add(a.hostId);
  }
  await auditRelease(tx, who, "halt", r, { from: "running", to: "halted", reason, ring: r.currentRing });
  fx.queued += await emitReleaseEvent(tx, who, "release.halted", await releaseToJson(tx, halted, false), { reason, ring: r.currentRing });
}

/** The running releases of every organization, for the job runner. */
export async function runningReleaseIds(db: DbOrTx): Promise<{ orgId: string; id: string }[]> {
  return db.select({ orgId: releases.orgId, id: releases.id }).from(releases).where(eq(releases.status, "running"));
}

/**
 * A person promotes every host of the rolling ring that still carries the release's candidate (the console's
 * "Promote this ring"), then the release moves on at once instead of at the runner's next tick. Each promotion is
 * its own audited change through the assignment service.
 */
export async function promoteRing(ctx: OrgContext, id: string, input: { ring: number }): Promise<ReleaseJson> {
  authorize(ctx, "assignments.manage");
  const r = await findRelease(ctx.db, ctx.org.id, id);
  await findReachableMiniProgram(ctx, r.appId).catch(() => {
    throw notFound("Release");
  });
  if (r.status !== "running") throw conflict(`This release is ${r.status}; only a running release's ring can be promoted`, { status: r.status });
  if (input.ring !== r.currentRing) throw conflict("That ring is not the one rolling now; reload and try again", { currentRing: r.currentRing });
  const ring = r.rings[r.currentRing]!;
  const states = await assignmentStates(ctx.db, r);
  for (const hostId of ring.hostIds) {
    const a = states.get(hostId);
    if (a && a.candidateVersionId === r.versionId && !a.haltedBy) await promoteAssignment(ctx, a.id);
  }
  await advanceRelease(ctx.db, ctx.org.id, r.id, new Date(), changerOf(ctx), { wait: true });
  return getRelease(ctx, id);
}

export type ReleaseFormOptions = {
  miniPrograms: { appId: string; name: string; versions: { id: string; version: string }[] }[];
  hosts: { id: string; name: string; status: "active" | "disabled" }[];
};

/** What the new-release form offers: mini-programs the actor reaches with their approved versions, and the hosts. */
export async function releaseFormOptions(ctx: OrgContext): Promise<ReleaseFormOptions> {
  authorize(ctx, "assignments.manage");
  const rows = await ctx.db
    .select({ appId: miniPrograms.appId, name: miniPrograms.name, id: versions.id, version: versions.version })
    .from(versions)
    .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, versions.orgId), eq(miniPrograms.id, versions.miniProgramId)))
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.status, "approved"), miniProgramScope(ctx)));
  const byApp = new Map<string, ReleaseFormOptions["miniPrograms"][number]>();
  for (const r of rows) {
    const mp = byApp.get(r.appId) ?? { appId: r.appId, name: r.name, versions: [] };
    mp.versions.push({ id: r.id, version: r.version });
    byApp.set(r.appId, mp);
  }
  for (const mp of byApp.values()) mp.versions.sort((a, b) => semver.rcompare(a.version, b.version));
  const hosts = await ctx.db.select({ id: hostApps.id, name: hostApps.name, status: hostApps.status }).from(hostApps).where(eq(hostApps.orgId, ctx.org.id)).orderBy(hostApps.name);
  return { miniPrograms: [...byApp.values()].sort((a, b) => a.name.localeCompare(b.name)), hosts };
}
