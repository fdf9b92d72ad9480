// Release control's reads for the console (issue 14, CONTRACT §8): the trial picker's choices, the organization's
// halted rollouts, and the candidate beside the stable version on an assignment page. Each authorizes, names the
// organization in every query, and reaches only the mini-programs the member may (a developer's collaborations).
import { and, desc, eq, inArray, isNotNull } from "drizzle-orm";
import semver from "semver";
import { assignmentEvents, assignments, hostApps, miniPrograms, versions, type Guardrail, type HaltedBy, type VersionStatus } from "@/db/schema";
import { authorize, type OrgContext } from "@/lib/authz/context";
import { notFound } from "@/lib/errors";
import { isId } from "@/lib/ids";
import { emptyFigures, versionFigures, type VersionFigures } from "@/lib/release/figures";
import { declarationsOf, policyReasons, type PolicyReason } from "@/lib/sdk-server/policy-fit";
import { haltFiguresOf, type HaltFigures } from "@/lib/release/halt-figures";
import { TRIAL_STATUSES } from "@/lib/sdk-server/snapshot";
import { miniProgramScope } from "./mini-programs";

export { haltFiguresOf, type HaltFigures };

const TRIAL_STATUS_LIST = [...TRIAL_STATUSES] as VersionStatus[];

// ---------------------------------------------------------------------------------------------------------
// The trial picker
// ---------------------------------------------------------------------------------------------------------

/** A version that may be the trial version, with the reasons the host's policy refuses it (none: it fits). */
export type TrialOption = { id: string; version: string; status: VersionStatus; reasons: PolicyReason[] };

/**
 * This assignment's mini-program's versions that are draft, in review or approved, newest first, each with the
 * reasons the host's policy would refuse it: the picker offers those that fit and shows why the others do not.
 */
export async function trialOptions(ctx: OrgContext, assignmentId: string): Promise<TrialOption[]> {
  authorize(ctx, "catalog.read");
  if (!isId("asg", assignmentId)) throw notFound("Assignment");
  const [a] = await ctx.db
    .select({ miniProgramId: assignments.miniProgramId, policy: hostApps.policy })
    .from(assignments)
    .innerJoin(hostApps, and(eq(hostApps.orgId, assignments.orgId), eq(hostApps.id, assignments.hostId)))
    .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, assignments.orgId), eq(miniPrograms.id, assignments.miniProgramId)))
    .where(and(eq(assignments.orgId, ctx.org.id), eq(assignments.id, assignmentId), miniProgramScope(ctx)))
    .limit(1);
  // Another organization's assignment, or a mini-program a developer does not collaborate on, is simply not there.
  if (!a) throw notFound("Assignment");
  const rows = await ctx.db
    .select({ id: versions.id, version: versions.version, status: versions.status, manifest: versions.manifest })
    .from(versions)
    .where(and(eq(versions.orgId, ctx.org.id), eq(versions.miniProgramId, a.miniProgramId), inArray(versions.status, TRIAL_STATUS_LIST)));
  return rows
    .sort((x, y) => semver.rcompare(x.version, y.version))
    .map((v) => ({ id: v.id, version: v.version, status: v.status, reasons: policyReasons(a.policy, declarationsOf(v.manifest)) }));
}

// ---------------------------------------------------------------------------------------------------------
// Halts
// ---------------------------------------------------------------------------------------------------------

export type HaltedRollout = {
  assignmentId: string;
  hostId: string;
  hostName: string;
  appId: string;
  miniProgramName: string;
  /** The candidate version that was halted; null if it has been dropped since. */
  candidate: string | null;
  haltedBy: HaltedBy;
  /** As stored, in English: the API's words. */
  haltReason: string | null;
  haltedAt: string | null;
  releaseId: string | null;
  /** A guardrail's figures, for the reason in the reader's language; null for a release's halt. */
  figures: HaltFigures | null;
};

/** Rollouts the system halted (a guardrail, or a halted release) and nobody has resumed yet, newest first. */
export async function listHaltedRollouts(ctx: OrgContext, limit = 20): Promise<HaltedRollout[]> {
  authorize(ctx, "catalog.read");
  const rows = await ctx.db
    .select({
      assignmentId: assignments.id,
      hostId: assignments.hostId,
      hostName: hostApps.name,
      appId: assignments.appId,
      miniProgramName: miniPrograms.name,
      candidate: versions.version,
      haltedBy: assignments.haltedBy,
      haltReason: assignments.haltReason,
      haltedAt: assignments.haltedAt,
      releaseId: assignments.releaseId,
    })
    .from(assignments)
    .innerJoin(hostApps, and(eq(hostApps.orgId, assignments.orgId), eq(hostApps.id, assignments.hostId)))
    .innerJoin(miniPrograms, and(eq(miniPrograms.orgId, assignments.orgId), eq(miniPrograms.id, assignments.miniProgramId)))
    .leftJoin(versions, and(eq(versions.orgId, assignments.orgId), eq(versions.id, assignments.candidateVersionId)))
    .where(and(eq(assignments.orgId, ctx.org.id), isNotNull(assignments.haltedBy), miniProgramScope(ctx)))
    .orderBy(desc(assignments.haltedAt), desc(assignments.id))
    .limit(limit);
  if (rows.length === 0) return [];
  // Each guardrail halt's latest `halt` entry carries its figures.
  const guarded = rows.filter((r) => r.haltedBy === "guardrail").map((r) => r.assignmentId);
  const entries = guarded.length
    ? await ctx.db
        .select({ assignmentId: assignmentEvents.assignmentId, to: assignmentEvents.to })
        .from(assignmentEvents)
        .where(and(eq(assignmentEvents.orgId, ctx.org.id), inArray(assignmentEvents.assignmentId, guarded), eq(assignmentEvents.action, "halt")))
        .orderBy(desc(assignmentEvents.id))
    : [];
  const figuresOf = new Map<string, HaltFigures | null>();
  for (const e of entries) if (!figuresOf.has(e.assignmentId)) figuresOf.set(e.assignmentId, haltFiguresOf(e.to));
  return rows.map((r) => ({
    ...r,
    haltedBy: r.haltedBy!,
    haltedAt: r.haltedAt?.toISOString() ?? null,
    figures: r.haltedBy === "guardrail" ? (figuresOf.get(r.assignmentId) ?? null) : null,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Candidate beside stable
// ---------------------------------------------------------------------------------------------------------

/** Without a guardrail, the comparison looks at the last hour. */
export const DEFAULT_COMPARE_MINUTES = 60;
/** Events may be stamped up to 5 minutes ahead of the server's clock (CONTRACT §6); the window keeps them. */
const AHEAD_MS = 5 * 60_000;

export type RolloutComparison = {
  windowMinutes: number;
  since: string;
  stable: VersionFigures;
  candidate: VersionFigures;
  /** The guardrail's ceiling, when there is one. */
  maxErrorRate: number | null;
  minLaunches: number | null;
  /** The candidate's error rate is over the ceiling. */
  over: boolean;
};

/**
 * The candidate and the stable version on this host over the same recent window: the guardrail's, or the last
 * hour. For an assignment already read through getAssignment (which checked that the member may see it); this
 * read names the organization again, so a foreign host or mini-program finds no events.
 */
export async function rolloutComparison(
  ctx: OrgContext,
  a: { hostId: string; appId: string; stable: { version: string } | null; candidate: { version: string } | null; guardrail: Guardrail | null },
  now = new Date(),
): Promise<RolloutComparison | null> {
  authorize(ctx, "catalog.read");
  if (!a.stable || !a.candidate) return null;
  const windowMinutes = a.guardrail?.windowMinutes ?? DEFAULT_COMPARE_MINUTES;
  const since = new Date(now.getTime() - windowMinutes * 60_000);
  const [stable, candidate] = await versionFigures(
    ctx.db,
    { orgId: ctx.org.id, hostId: a.hostId, appId: a.appId },
    [a.stable.version, a.candidate.version],
    since,
    new Date(now.getTime() + AHEAD_MS),
  );
  const c = candidate ?? emptyFigures(a.candidate.version);
  return {
    windowMinutes,
    since: since.toISOString(),
    stable: stable ?? emptyFigures(a.stable.version),
    candidate: c,
    maxErrorRate: a.guardrail?.maxErrorRate ?? null,
    minLaunches: a.guardrail?.minLaunches ?? null,
    over: !!a.guardrail && c.errorRate !== null && c.errorRate > a.guardrail.maxErrorRate,
  };
}
