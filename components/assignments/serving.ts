// What every user of a host gets from one assignment right now (issue 13, item 8), by the manifest's own rule
// (lib/rollout/bucket.ts chooseVersion, lib/sdk-server/snapshot.ts): a paused rollout or an undeliverable candidate
// serves the stable version to everyone; an undeliverable stable serves nothing to those outside the candidate.
import type { AssignmentJson, Delivery } from "@/lib/services/assignments";

export type HeldCandidate = { candidate: string; percent: number; why: "paused" | "zero" | "undeliverable" };

export type Serving =
  | { kind: "stable"; stable: string; held: HeldCandidate | null }
  | { kind: "nobody"; stable: string | null; why: Delivery | "none"; held: HeldCandidate | null }
  | { kind: "split"; candidate: string; percent: number; stable: string | null; stableWhy: Delivery | "none" }
  | { kind: "candidate"; candidate: string };

export function servingNow(a: Pick<AssignmentJson, "stable" | "candidate" | "rolloutPercent" | "paused">): Serving {
  const stable = a.stable?.delivery === "delivered" ? a.stable.version : null;
  const candidate = a.candidate?.delivery === "delivered" ? a.candidate.version : null;
  if (candidate && !a.paused && a.rolloutPercent > 0) {
    if (a.rolloutPercent >= 100) return { kind: "candidate", candidate };
    return { kind: "split", candidate, percent: a.rolloutPercent, stable, stableWhy: a.stable?.delivery ?? "none" };
  }
  const held: HeldCandidate | null = a.candidate
    ? { candidate: a.candidate.version, percent: a.rolloutPercent, why: !candidate ? "undeliverable" : a.paused ? "paused" : "zero" }
    : null;
  if (stable) return { kind: "stable", stable, held };
  return { kind: "nobody", stable: a.stable?.version ?? null, why: a.stable?.delivery ?? "none", held };
}
