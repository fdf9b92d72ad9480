// The release job runner (issue 14 items 3–5, CONTRACT §8): inside every server process, every few seconds,
// 1. halts each rollout whose guardrail is crossed (paused, haltedBy "guardrail", both figures in the reason,
//    audited as the system, `rollout.halted` to webhooks);
// 2. moves each due ramp-up schedule one step (or promotes at its end when asked);
// 3. moves each running release along (lib/services/releases.ts advanceRelease).
//
// Safe with more than one server process on PostgreSQL: every write takes its row FOR UPDATE SKIP LOCKED and checks
// again, in the same transaction, the condition it acts on (the step is still due, the rollout is still running
// with the same candidate), so two processes never take one step twice and a step never runs twice. State lives in
// the rows (`next_step_at`, the release's rings), so a restart loses nothing: an overdue step is taken on the
// first tick after start. Guardrails run first, so a candidate crossing its ceiling halts before it grows.
import { and, eq, isNotNull, lte, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { getDb, type Db } from "@/db";
import { assignments, versions, type Assignment } from "@/db/schema";
import {
  emitAssignmentEvent,
  loadAssignmentJson,
  recordChange,
  ROLLOUT_ENDED,
  systemChanger,
  versionRef,
  type TimelineEntry,
} from "@/lib/services/assignments";
import { runAnomalyNotificationsIfDue } from "@/lib/insights/notify";
import { advanceRelease, afterReleaseCommit, runningReleaseIds } from "@/lib/services/releases";
import { selectRows } from "@/lib/analytics/sql";
import { guardrailCounts, guardrailCrossed, haltReasonOf } from "./figures";

export type TickReport = {
  halted: number;
  stepped: number;
  promoted: number;
  releases: { ringStarted: number; completed: number; halted: number };
  /** How long the guardrail pass took, when one ran. */
  guardrailMs?: number;
};

/** Events may carry timestamps up to 5 minutes ahead (CONTRACT §6); the window's end includes them. */
const AHEAD_MS = 5 * 60_000;

const candidateV = alias(versions, "candidate_v");

type Effects = { queued: number; hosts: Set<string> };

/** One pass of all three jobs at `now`. Tests call it with their own clock; the loop below calls it with the wall clock. */
export async function runReleaseTick(db: Db, now = new Date(), opts: { guardrails?: boolean } = {}): Promise<TickReport> {
  const report: TickReport = { halted: 0, stepped: 0, promoted: 0, releases: { ringStarted: 0, completed: 0, halted: 0 } };
  const work = await workToDo(db, now);
  if (work.guarded && opts.guardrails !== false) {
    const started = performance.now();
    report.halted = await runGuardrails(db, now);
    report.guardrailMs = performance.now() - started;
  }
  const steps = work.due ? await runSchedules(db, now) : { stepped: 0, promoted: 0 };
  report.stepped = steps.stepped;
  report.promoted = steps.promoted;
  for (const r of work.releases ? await runningReleaseIds(db) : []) {
    const o = await advanceRelease(db, r.orgId, r.id, now, systemChanger(r.orgId));
    if (o === "ring_started") report.releases.ringStarted++;
    else if (o === "completed") report.releases.completed++;
    else if (o === "halted") report.releases.halted++;
  }
  return report;
}

/**
 * Whether each job has anything to look at, in one statement (each on its partial index): most ticks of most
 * processes find nothing, and on PGlite every statement costs a few ms of the server's only thread (an idle tick
 * took 8-20 ms as three reads). Something that becomes due meanwhile is taken on the next tick.
 */
async function workToDo(db: Db, now: Date): Promise<{ guarded: boolean; due: boolean; releases: boolean }> {
  const [row] = await selectRows<{ guarded: boolean; due: boolean; releases: boolean }>(
    db,
    sql`SELECT
          EXISTS (SELECT 1 FROM assignments WHERE guardrail IS NOT NULL AND candidate_version_id IS NOT NULL AND paused = false) AS guarded,
          EXISTS (SELECT 1 FROM assignments WHERE next_step_at IS NOT NULL AND next_step_at <= ${now.toISOString()}::timestamptz) AS due,
          EXISTS (SELECT 1 FROM releases WHERE status = 'running') AS releases`,
  );
  return { guarded: !!row?.guarded, due: !!row?.due, releases: !!row?.releases };
}

// ---- guardrails ----

async function runGuardrails(db: Db, now: Date): Promise<number> {
  // Every running, guarded candidate (a partial index keeps this scan to those rows).
  const watched = await db
    .select({ a: assignments, candidateVersion: candidateV.version })
    .from(assignments)
    .innerJoin(candidateV, and(eq(candidateV.orgId, assignments.orgId), eq(candidateV.id, assignments.candidateVersionId)))
    .where(and(isNotNull(assignments.guardrail), isNotNull(assignments.candidateVersionId), eq(assignments.paused, false)));
  // One statement per organization for all of its candidates' figures.
  const byOrg = new Map<string, typeof watched>();
  for (const w of watched) (byOrg.get(w.a.orgId) ?? byOrg.set(w.a.orgId, []).get(w.a.orgId)!).push(w);
  const until = new Date(now.getTime() + AHEAD_MS);
  let halted = 0;
  for (const [orgId, rows] of byOrg) {
    const windows = rows.map(({ a, candidateVersion }) => {
      const windowStart = now.getTime() - a.guardrail!.windowMinutes * 60_000;
      return { hostId: a.hostId, appId: a.appId, version: candidateVersion, since: new Date(Math.max(windowStart, a.guardrailSince?.getTime() ?? windowStart)) };
    });
    const counts = await guardrailCounts(db, orgId, windows, until);
    for (const [i, { a, candidateVersion }] of rows.entries()) {
      const f = { version: candidateVersion, ...counts[i]! };
      if (!guardrailCrossed(a.guardrail!, f)) continue;
      if (await haltByGuardrail(db, a, candidateVersion, f, now)) halted++;
    }
  }
  return halted;
}

async function haltByGuardrail(db: Db, seen: Assignment, candidateVersion: string, f: { version: string; launches: number; errors: number }, now: Date): Promise<boolean> {
  const g = seen.guardrail!;
  const reason = haltReasonOf(g, f);
  const who = systemChanger(seen.orgId, "system (guardrail)");
  const fx: Effects = { queued: 0, hosts: new Set() };
  const done = await db.transaction(async (tx) => {
    // Still running the same candidate, unpaused: a person's pause or rollback in between wins.
    const [a] = await tx
      .select()
      .from(assignments)
      .where(and(eq(assignments.orgId, seen.orgId), eq(assignments.id, seen.id), eq(assignments.paused, false), eq(assignments.candidateVersionId, seen.candidateVersionId!)))
      .for("update", { skipLocked: true });
    if (!a) return false;
    await tx
      .update(assignments)
      .set({ paused: true, haltedBy: "guardrail", haltReason: reason, haltedAt: now, revision: sql`${assignments.revision} + 1`, updatedAt: now })
      .where(and(eq(assignments.orgId, a.orgId), eq(assignments.id, a.id)));
    const figures = { launches: f.launches, errors: f.errors, errorRate: f.errors / f.launches, windowMinutes: g.windowMinutes };
    const json = await loadAssignmentJson(tx, a.orgId, a.id);
    const entry: TimelineEntry = {
      action: "halt",
      from: { paused: false, rolloutPercent: a.rolloutPercent },
      to: { paused: true, haltedBy: "guardrail", haltReason: reason, candidate: { versionId: a.candidateVersionId, version: candidateVersion }, figures, guardrail: g },
    };
    fx.queued += await recordChange(tx, who, a, [entry], json);
    fx.queued += await emitAssignmentEvent(tx, who, "rollout.halted", {
      assignmentId: a.id,
      hostId: a.hostId,
      appId: a.appId,
      candidate: { versionId: a.candidateVersionId, version: candidateVersion },
      rolloutPercent: a.rolloutPercent,
      haltedBy: "guardrail",
      haltReason: reason,
      figures,
      guardrail: g,
      releaseId: a.releaseId,
      assignment: json,
    });
    fx.hosts.add(a.hostId);
    return true;
  });
  afterReleaseCommit(seen.orgId, fx);
  return done;
}

// ---- schedules ----

async function runSchedules(db: Db, now: Date): Promise<{ stepped: number; promoted: number }> {
  const due = await db
    .select({ orgId: assignments.orgId, id: assignments.id })
    .from(assignments)
    .where(and(isNotNull(assignments.nextStepAt), lte(assignments.nextStepAt, now)));
  const out = { stepped: 0, promoted: 0 };
  for (const d of due) {
    const r = await stepOne(db, d.orgId, d.id, now);
    if (r === "stepped") out.stepped++;
    else if (r === "promoted") out.promoted++;
  }
  return out;
}

/** Takes one due step of one assignment, under its row lock; "none" when another process has it or it is not due. */
async function stepOne(db: Db, orgId: string, id: string, now: Date): Promise<"stepped" | "promoted" | "finished" | "none"> {
  const who = systemChanger(orgId, "system (schedule)");
  const fx: Effects = { queued: 0, hosts: new Set() };
  const result = await db.transaction(async (tx) => {
    const [a] = await tx
      .select()
      .from(assignments)
      .where(and(eq(assignments.orgId, orgId), eq(assignments.id, id), isNotNull(assignments.nextStepAt), lte(assignments.nextStepAt, now)))
      .for("update", { skipLocked: true });
    if (!a || !a.schedule) return "none" as const;
    const stop = async () => {
      await tx.update(assignments).set({ nextStepAt: null }).where(and(eq(assignments.orgId, orgId), eq(assignments.id, id)));
      return "finished" as const;
    };
    // Paused (by a person or a halt): the clock waits; resuming restarts it (lib/services/assignments.ts).
    if (a.paused) return "none" as const;
    if (!a.candidateVersionId) return stop();
    const [cand] = await tx
      .select({ id: versions.id, version: versions.version, status: versions.status })
      .from(versions)
      .where(and(eq(versions.orgId, orgId), eq(versions.id, a.candidateVersionId)))
      .for("share");
    if (!cand || cand.status !== "approved") return stop();
    const next = a.schedule.steps.find((s) => s > a.rolloutPercent);
    if (next !== undefined) {
      const isLast = next === a.schedule.steps[a.schedule.steps.length - 1];
      const nextStepAt = isLast && !a.schedule.promoteAtEnd ? null : new Date(now.getTime() + a.schedule.everyMinutes * 60_000);
      await tx
        .update(assignments)
        .set({ rolloutPercent: next, nextStepAt, revision: sql`${assignments.revision} + 1`, updatedAt: now })
        .where(and(eq(assignments.orgId, orgId), eq(assignments.id, id)));
      const json = await loadAssignmentJson(tx, orgId, id);
      fx.queued += await recordChange(tx, who, a, [{ action: "step", from: { rolloutPercent: a.rolloutPercent }, to: { rolloutPercent: next, candidate: versionRef(cand) } }], json);
      fx.hosts.add(a.hostId);
      return "stepped" as const;
    }
    if (!a.schedule.promoteAtEnd) return stop();
    // The last step has held for one interval: the candidate becomes stable for everyone.
    const [stable] = await tx.select({ id: versions.id, version: versions.version }).from(versions).where(and(eq(versions.orgId, orgId), eq(versions.id, a.stableVersionId)));
    await tx
      .update(assignments)
      .set({
        stableVersionId: cand.id,
        previousStableVersionId: a.stableVersionId,
        candidateVersionId: null,
        rolloutPercent: 0,
        paused: false,
        ...ROLLOUT_ENDED,
        revision: sql`${assignments.revision} + 1`,
        updatedAt: now,
      })
      .where(and(eq(assignments.orgId, orgId), eq(assignments.id, id)));
    const json = await loadAssignmentJson(tx, orgId, id);
    fx.queued += await recordChange(
      tx,
      who,
      a,
      [{ action: "promote", from: { stable: versionRef(stable ?? null), candidate: versionRef(cand), rolloutPercent: a.rolloutPercent }, to: { stable: versionRef(cand), schedule: "promoteAtEnd" } }],
      json,
    );
    fx.hosts.add(a.hostId);
    return "promoted" as const;
  });
  afterReleaseCommit(orgId, fx);
  return result;
}

// ---- the in-process loop ----

/** How often the runner looks; at most 15 s by default, so a crossed guardrail halts well within 60 s. */
export const RELEASE_TICK_MS = Math.max(250, Number(process.env.RELEASE_TICK_MS) || 10_000);

/**
 * A guardrail pass reads each guarded candidate's window of raw events (exact, CONTRACT §8), so under heavy ingestion
 * it can take most of a second: run every second it competed with the ingestion it watches (the bench's 60 guarded
 * candidates on PostgreSQL: passes of 0.5-0.8 s, one a second). After a pass of T ms the loop waits 3 T before the
 * next, so guardrails take at most about a quarter of the time, but never more than GUARDRAIL_MAX_PAUSE_MS: with the
 * 10 s tick a crossed guardrail is still seen within about 20 s plus the pass, inside the contract's 60 s. Schedules
 * and rings are not paced.
 */
export const GUARDRAIL_MAX_PAUSE_MS = 10_000;
export function guardrailPauseMs(passMs: number): number {
  return Math.min(GUARDRAIL_MAX_PAUSE_MS, Math.max(0, 3 * passMs));
}

/** One tick of the loop: the guardrails only once their pause after the last pass is over (which it then sets). */
export async function runPacedTick(db: Db, pace: { guardrailsAfter?: number }): Promise<TickReport> {
  const r = await runReleaseTick(db, new Date(), { guardrails: Date.now() >= (pace.guardrailsAfter ?? 0) });
  if (r.guardrailMs !== undefined) pace.guardrailsAfter = Date.now() + guardrailPauseMs(r.guardrailMs);
  return r;
}

type LoopState = { timer?: ReturnType<typeof setInterval>; running: boolean; guardrailsAfter?: number };
const g = globalThis as typeof globalThis & { __atriumReleaseRunner?: LoopState };

/** Starts the loop once per process (instrumentation.ts). A tick still running when the next is due is skipped. */
export function startReleaseRunner(periodMs = RELEASE_TICK_MS): void {
  const state = (g.__atriumReleaseRunner ??= { running: false });
  if (state.timer) return;
  const tick = async () => {
    if (state.running) return;
    state.running = true;
    try {
      const db = await getDb();
      await runPacedTick(db, state);
      // Insights: `anomaly.detected` once per anomaly (lib/insights/notify.ts), every ANOMALY_CHECK_MS.
      await runAnomalyNotificationsIfDue(db).catch((e: unknown) => console.error("[atrium] anomaly notifications", e));
    } catch (e) {
      console.error("[atrium] release runner", e);
    } finally {
      state.running = false;
    }
  };
  state.timer = setInterval(() => void tick(), periodMs);
  state.timer.unref?.();
  setTimeout(() => void tick(), Math.min(periodMs, 2_000)).unref?.();
}

export function stopReleaseRunner(): void {
  const state = g.__atriumReleaseRunner;
  if (state?.timer) clearInterval(state.timer);
  if (state) state.timer = undefined;
}
