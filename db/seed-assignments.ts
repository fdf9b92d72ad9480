// The demo's assignments (CONTRACT §2, "assignments with a rollout in progress"): Coupons on two hosts, one of
// them rolling out a candidate to 20 % of users, plus a few settled ones, each with a believable timeline.
// Weather is left unassigned on purpose, so the demo can walk through assigning and rolling out from scratch.
// Release control (CONTRACT §8) has its stories too: Loyalty 1.1.0 ramped up on Demo Wallet by a schedule and
// halted by its guardrail when its error rate climbed (finishGuardrailStory writes the halt's figures once the
// events exist), and a trial version of Coupons for two testers on Demo Workplace.
// Called by db/seed.ts inside its transaction, after the versions exist.
import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "./index";
import { assignmentEvents, assignments, hostApps, users, versions, type Assignment, type AssignmentAction } from "./schema";
import { recordSystemAudit } from "@/lib/audit";
import { newId } from "@/lib/ids";
import { haltReasonOf, versionFigures } from "@/lib/release/figures";
import { declarationsOf, policyReasons } from "@/lib/sdk-server/policy-fit";

const DAY_MS = 86_400_000;

type Step = { action: AssignmentAction; daysAgo: number; from?: Record<string, unknown>; to?: Record<string, unknown>; actor?: string };

type Plan = {
  host: string;
  appId: string;
  stable: string;
  previousStable?: string;
  candidate?: string;
  rolloutPercent?: number;
  paused?: boolean;
  /** The timeline, oldest first; versions are named and resolved to ids here. */
  steps: Step[];
  /** Release control on the row (CONTRACT §8); a trial is named by version and resolved here. */
  control?: Partial<Pick<Assignment, "rules" | "testers" | "schedule" | "guardrail" | "haltedBy">> & { trial?: string; haltedDaysAgo?: number; guardrailSinceDaysAgo?: number; nextStepDaysAgo?: number };
};

/** The guardrail story: what the halt judged on. */
const STORY_GUARDRAIL = { maxErrorRate: 0.05, minLaunches: 20, windowMinutes: 720 };
const STORY_HALTED_DAYS_AGO = 0.2;
const HALT_ACTOR = "system (guardrail)";

const v = (version: string) => ({ version });

const PLANS: Plan[] = [
  {
    host: "Demo SuperApp",
    appId: "com.demo.coupons",
    stable: "1.0.0",
    candidate: "1.1.1",
    rolloutPercent: 20,
    steps: [
      { action: "assign", daysAgo: 93, to: { stable: v("1.0.0") } },
      { action: "candidate", daysAgo: 3, from: { candidate: null }, to: { candidate: v("1.1.1") } },
      { action: "rollout", daysAgo: 3, from: { rolloutPercent: 0 }, to: { rolloutPercent: 5, candidate: v("1.1.1") } },
      { action: "rollout", daysAgo: 1, from: { rolloutPercent: 5 }, to: { rolloutPercent: 20, candidate: v("1.1.1") } },
    ],
  },
  {
    host: "Demo Workplace",
    appId: "com.demo.coupons",
    stable: "1.1.1",
    previousStable: "1.0.0",
    steps: [
      { action: "assign", daysAgo: 95, to: { stable: v("1.0.0") } },
      { action: "candidate", daysAgo: 19, from: { candidate: null }, to: { candidate: v("1.1.1") } },
      { action: "rollout", daysAgo: 19, from: { rolloutPercent: 0 }, to: { rolloutPercent: 10, candidate: v("1.1.1") } },
      { action: "rollout", daysAgo: 17, from: { rolloutPercent: 10 }, to: { rolloutPercent: 50, candidate: v("1.1.1") } },
      { action: "promote", daysAgo: 15, from: { stable: v("1.0.0"), candidate: v("1.1.1"), rolloutPercent: 50 }, to: { stable: v("1.1.1") } },
      { action: "trial", daysAgo: 3, from: { trial: null }, to: { trial: v("1.2.0") } },
      { action: "testers", daysAgo: 3, from: { testers: [] }, to: { testers: ["qa-ada", "qa-lin"] } },
    ],
    control: { trial: "1.2.0", testers: ["qa-ada", "qa-lin"] },
  },
  {
    host: "Demo SuperApp",
    appId: "com.demo.parking",
    stable: "1.0.1",
    // 1.0.0 was revoked (the seed's kill-switch example): it stays as the previous stable, which a rollback refuses.
    previousStable: "1.0.0",
    steps: [
      { action: "assign", daysAgo: 58, to: { stable: v("1.0.0") } },
      // The kill switch, as the revocation (db/seed.ts, 12 days ago) marks every timeline that holds the version.
      {
        action: "revoke",
        daysAgo: 12,
        actor: "reviewer@demo.test",
        from: { stable: v("1.0.0"), status: "approved" },
        to: { stable: v("1.0.0"), status: "revoked", reason: "The payment callback accepted unsigned responses." },
      },
      { action: "candidate", daysAgo: 11.9, from: { candidate: null }, to: { candidate: v("1.0.1") } },
      { action: "promote", daysAgo: 11.8, from: { stable: v("1.0.0"), candidate: v("1.0.1"), rolloutPercent: 0 }, to: { stable: v("1.0.1") } },
    ],
  },
  { host: "Demo SuperApp", appId: "com.demo.expenses", stable: "0.9.0", steps: [{ action: "assign", daysAgo: 43, to: { stable: v("0.9.0") } }] },
  {
    host: "Demo Wallet",
    appId: "com.demo.loyalty",
    stable: "1.0.0",
    candidate: "1.1.0",
    rolloutPercent: 25,
    paused: true,
    steps: [
      { action: "assign", daysAgo: 38, to: { stable: v("1.0.0") } },
      { action: "candidate", daysAgo: 1, from: { candidate: null }, to: { candidate: v("1.1.0") } },
      { action: "rules", daysAgo: 1, from: { rules: null }, to: { rules: { platforms: ["ios", "android"], sdkVersion: ">=3.0.0" } } },
      { action: "schedule", daysAgo: 1, from: { schedule: null }, to: { schedule: { steps: [5, 25, 50, 100], everyMinutes: 360, promoteAtEnd: true } } },
      { action: "guardrail", daysAgo: 1, from: { guardrail: null }, to: { guardrail: STORY_GUARDRAIL } },
      { action: "rollout", daysAgo: 1, from: { rolloutPercent: 0 }, to: { rolloutPercent: 5, candidate: v("1.1.0") } },
      { action: "step", daysAgo: 0.75, actor: "system (schedule)", from: { rolloutPercent: 5 }, to: { rolloutPercent: 25, candidate: v("1.1.0") } },
      // Its figures are written by finishGuardrailStory, from the seeded events.
      { action: "halt", daysAgo: STORY_HALTED_DAYS_AGO, actor: HALT_ACTOR, from: { paused: false, rolloutPercent: 25 }, to: { paused: true, haltedBy: "guardrail", candidate: v("1.1.0") } },
    ],
    control: {
      rules: { platforms: ["ios", "android"], sdkVersion: ">=3.0.0" },
      schedule: { steps: [5, 25, 50, 100], everyMinutes: 360, promoteAtEnd: true },
      guardrail: STORY_GUARDRAIL,
      haltedBy: "guardrail",
      haltedDaysAgo: STORY_HALTED_DAYS_AGO,
      guardrailSinceDaysAgo: 1,
      nextStepDaysAgo: 0.5,
    },
  },
];

export type SeedAssignmentsInfo = { orgId: string; actorEmail?: string; log?: (line: string) => void };

export async function seedAssignments(tx: Tx, info: SeedAssignmentsInfo): Promise<number> {
  const { orgId } = info;
  const actorEmail = info.actorEmail ?? "admin@demo.test";
  const [actor] = await tx.select({ id: users.id }).from(users).where(eq(users.email, actorEmail)).limit(1);
  const hosts = await tx.select({ id: hostApps.id, name: hostApps.name, policy: hostApps.policy }).from(hostApps).where(eq(hostApps.orgId, orgId));
  const now = Date.now();

  for (const plan of PLANS) {
    const host = hosts.find((h) => h.name === plan.host);
    if (!host) throw new Error(`Seed assignments: no host "${plan.host}"`);
    const rows = await tx
      .select({ id: versions.id, miniProgramId: versions.miniProgramId, version: versions.version, status: versions.status, manifest: versions.manifest })
      .from(versions)
      .where(and(eq(versions.orgId, orgId), eq(versions.appId, plan.appId)));
    const find = (version: string) => {
      const row = rows.find((r) => r.version === version);
      if (!row) throw new Error(`Seed assignments: no version ${plan.appId}@${version}`);
      return row;
    };
    const stable = find(plan.stable);
    const candidate = plan.candidate ? find(plan.candidate) : null;
    const trial = plan.control?.trial ? find(plan.control.trial) : null;
    if (trial && (!["draft", "in_review", "approved"].includes(trial.status) || policyReasons(host.policy, declarationsOf(trial.manifest)).length)) {
      throw new Error(`Seed assignments: ${plan.appId}@${trial.version} cannot be a trial on ${host.name}`);
    }
    // The seed goes around the service, so it checks the service's rules itself: a demo that breaks them misleads.
    for (const x of [stable, candidate]) {
      if (!x) continue;
      const reasons = policyReasons(host.policy, declarationsOf(x.manifest));
      if (x.status !== "approved" || reasons.length) throw new Error(`Seed assignments: ${plan.appId}@${x.version} cannot run on ${host.name}`);
    }
    const refOf = (ref: unknown) => {
      if (ref && typeof ref === "object" && "version" in ref && typeof ref.version === "string") {
        const row = find(ref.version);
        return { versionId: row.id, version: row.version };
      }
      return ref;
    };
    const resolve = (o?: Record<string, unknown>) => (o ? Object.fromEntries(Object.entries(o).map(([k, val]) => [k, refOf(val)])) : null);

    const first = plan.steps[0]!;
    const last = plan.steps[plan.steps.length - 1]!;
    const id = newId("asg", now - first.daysAgo * DAY_MS);
    await tx.insert(assignments).values({
      orgId,
      id,
      hostId: host.id,
      miniProgramId: stable.miniProgramId,
      appId: plan.appId,
      stableVersionId: stable.id,
      previousStableVersionId: plan.previousStable ? find(plan.previousStable).id : null,
      candidateVersionId: candidate?.id ?? null,
      rolloutPercent: plan.rolloutPercent ?? 0,
      paused: plan.paused ?? false,
      ...(plan.control
        ? {
            rules: plan.control.rules ?? null,
            testers: plan.control.testers ?? [],
            trialVersionId: trial?.id ?? null,
            schedule: plan.control.schedule ?? null,
            guardrail: plan.control.guardrail ?? null,
            haltedBy: plan.control.haltedBy ?? null,
            haltedAt: plan.control.haltedDaysAgo !== undefined ? new Date(now - plan.control.haltedDaysAgo * DAY_MS) : null,
            guardrailSince: plan.control.guardrailSinceDaysAgo !== undefined ? new Date(now - plan.control.guardrailSinceDaysAgo * DAY_MS) : null,
            nextStepAt: plan.control.nextStepDaysAgo !== undefined ? new Date(now - plan.control.nextStepDaysAgo * DAY_MS) : null,
          }
        : {}),
      // A revocation does not write the assignment row, so it is no revision of it.
      revision: plan.steps.filter((s) => s.action !== "revoke").length,
      createdAt: new Date(now - first.daysAgo * DAY_MS),
      updatedAt: new Date(now - last.daysAgo * DAY_MS),
    });
    for (const [i, step] of plan.steps.entries()) {
      const at = now - step.daysAgo * DAY_MS + i;
      const from = resolve(step.from);
      const to = resolve(step.to);
      await tx.insert(assignmentEvents).values({
        orgId,
        id: newId("evt", at),
        assignmentId: id,
        hostId: host.id,
        appId: plan.appId,
        action: step.action,
        from,
        to,
        actorId: step.actor ? ((await tx.select({ id: users.id }).from(users).where(eq(users.email, step.actor)).limit(1))[0]?.id ?? null) : (actor?.id ?? null),
        actorLabel: step.actor ?? actorEmail,
        at: new Date(at),
      });
      // A revocation is audited once, as the version's (db/seed.ts); its timeline rows are not separate changes. A
      // halt is audited when its figures are known (finishGuardrailStory): the audit log is append-only.
      if (step.action === "revoke" || step.action === "halt") continue;
      await recordSystemAudit(tx, orgId, {
        action: `assignment.${step.action}`,
        objectType: "assignment",
        objectId: id,
        actorLabel: step.actor?.startsWith("system") ? step.actor : "seed",
        changes: { hostId: host.id, appId: plan.appId, from, to },
      });
    }
  }
  info.log?.(`Seeded ${PLANS.length} assignments: a rollout in progress, a trial version for two testers, a rollout halted by its guardrail.`);
  return PLANS.length;
}

/**
 * The guardrail story's last act, once the events exist: the halt's reason gives the figures the guardrail read
 * (the candidate's launches and errors on the host over its window, up to the halt), on the assignment, on its
 * timeline row, and in the audit log as the system.
 */
export async function finishGuardrailStory(db: Db, info: { orgId: string; log?: (line: string) => void }): Promise<void> {
  const { orgId } = info;
  const [row] = await db
    .select({ a: assignments, candidate: versions.version })
    .from(assignments)
    .innerJoin(versions, and(eq(versions.orgId, assignments.orgId), eq(versions.id, assignments.candidateVersionId)))
    .where(and(eq(assignments.orgId, orgId), eq(assignments.appId, "com.demo.loyalty"), eq(assignments.haltedBy, "guardrail")))
    .limit(1);
  if (!row?.a.haltedAt || !row.a.guardrail) return;
  const g = row.a.guardrail;
  const until = row.a.haltedAt;
  const since = new Date(Math.max(until.getTime() - g.windowMinutes * 60_000, row.a.guardrailSince?.getTime() ?? 0));
  const [f] = await versionFigures(db, { orgId, hostId: row.a.hostId, appId: row.a.appId }, [row.candidate], since, until);
  if (!f) return;
  // A tiny seed (tests, SEED_EVENTS_SCALE) may have too few events to judge: the story still says what was read.
  const launches = Math.max(f.launches, 1);
  const reason = haltReasonOf(g, { version: row.candidate, launches, errors: f.errors });
  const figures = { launches: f.launches, errors: f.errors, errorRate: f.errors / launches, windowMinutes: g.windowMinutes };
  await db.transaction(async (tx) => {
    await tx.update(assignments).set({ haltReason: reason }).where(and(eq(assignments.orgId, orgId), eq(assignments.id, row.a.id)));
    const [halt] = await tx
      .select()
      .from(assignmentEvents)
      .where(and(eq(assignmentEvents.orgId, orgId), eq(assignmentEvents.assignmentId, row.a.id), eq(assignmentEvents.action, "halt")))
      .limit(1);
    if (!halt) return;
    const to = { ...halt.to, haltReason: reason, figures, guardrail: g };
    await tx.update(assignmentEvents).set({ to }).where(and(eq(assignmentEvents.orgId, orgId), eq(assignmentEvents.id, halt.id)));
    await recordSystemAudit(tx, orgId, {
      action: "assignment.halt",
      objectType: "assignment",
      objectId: row.a.id,
      actorLabel: HALT_ACTOR,
      changes: { hostId: row.a.hostId, appId: row.a.appId, from: halt.from, to },
    });
  });
  info.log?.(`Guardrail story: ${reason}.`);
}
