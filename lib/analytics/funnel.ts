// Funnels (issue 18): what a session is, and what it means for a session to reach a step. Pure, so the rule is
// unit-tested on its own; the service computes sessions in SQL with the same rule and the exactness tests hold
// the two to the same answers.
//
// A session is one user's run of events in one mini-program on one host app, in (ts, id) order, within the
// queried range. A new session starts at the user's first event, after a gap of more than 30 minutes since their
// previous event, and after a `session_end` event (which belongs to the session it ends). There is no session id
// in the events (CONTRACT §6), so this is derived from them, deterministically.
//
// A session reaches step n when its events hold steps 1…n in that order (not necessarily adjacent): a step is a
// `page_view` of exactly that `page`, or a `custom` event of exactly that `name`. Each event counts for one step.

export const SESSION_GAP_MS = 30 * 60_000;

export type FunnelStepDef = { type: "page" | "event"; value: string };

export type SessionEvent = { hostId: string; userId: string; ts: number; id: string; type: string; page: string | null; name: string | null };

/** Events split into sessions; the input need not be sorted. */
export function splitSessions<E extends SessionEvent>(events: readonly E[]): E[][] {
  const sorted = [...events].sort(
    (a, b) => cmp(a.hostId, b.hostId) || cmp(a.userId, b.userId) || a.ts - b.ts || cmp(a.id, b.id),
  );
  const out: E[][] = [];
  let prev: E | undefined;
  for (const e of sorted) {
    const same = prev && prev.hostId === e.hostId && prev.userId === e.userId;
    if (!same || e.ts - prev!.ts > SESSION_GAP_MS || prev!.type === "session_end") out.push([e]);
    else out[out.length - 1]!.push(e);
    prev = e;
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function matchesStep(step: FunnelStepDef, e: { type: string; page: string | null; name: string | null }): boolean {
  return step.type === "page" ? e.type === "page_view" && e.page === step.value : e.type === "custom" && e.name === step.value;
}

/** How many of the steps, in order, the session's events reach (0 to steps.length). */
export function stepsReached(session: readonly { type: string; page: string | null; name: string | null }[], steps: readonly FunnelStepDef[]): number {
  let n = 0;
  for (const e of session) {
    if (n === steps.length) break;
    if (matchesStep(steps[n]!, e)) n++;
  }
  return n;
}

/**
 * The distinct (type, value) pairs the steps name, each once (a funnel may return to a page it passed), and for
 * each step the 1-based index of its pair: what an event "matches" when the rows say only which pair it is.
 */
export function stepPairs(steps: readonly FunnelStepDef[]): { pairs: FunnelStepDef[]; stepPair: number[] } {
  const pairs: FunnelStepDef[] = [];
  const stepPair = steps.map((s) => {
    const i = pairs.findIndex((p) => p.type === s.type && p.value === s.value);
    if (i >= 0) return i + 1;
    pairs.push({ type: s.type, value: s.value });
    return pairs.length;
  });
  return { pairs, stepPair };
}

/** stepsReached, for a session given as the pair index (stepPairs) each of its events matches, 0 for none. */
export function pairStepsReached(matches: readonly number[], stepPair: readonly number[]): number {
  let n = 0;
  for (const m of matches) {
    if (n === stepPair.length) break;
    if (m === stepPair[n]) n++;
  }
  return n;
}
