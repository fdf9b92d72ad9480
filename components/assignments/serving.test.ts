import { describe, expect, it } from "vitest";
import type { AssignedVersionJson } from "@/lib/services/assignments";
import { servingNow } from "./serving";

const v = (version: string, delivery: AssignedVersionJson["delivery"] = "delivered"): AssignedVersionJson => ({
  id: `ver_${version}`,
  version,
  status: delivery === "revoked" ? "revoked" : "approved",
  delivery,
  reasons: [],
});

describe("what every user gets right now", () => {
  it("a paused rollout serves the stable version to everyone and holds the candidate (issue 13, item 8)", () => {
    expect(servingNow({ stable: v("1.0.0"), candidate: v("1.1.0"), rolloutPercent: 10, paused: true })).toEqual({
      kind: "stable",
      stable: "1.0.0",
      held: { candidate: "1.1.0", percent: 10, why: "paused" },
    });
  });

  it.each([
    ["no candidate", { stable: v("1.0.0"), candidate: null, rolloutPercent: 0, paused: false }, { kind: "stable", stable: "1.0.0", held: null }],
    ["a candidate at 0 %", { stable: v("1.0.0"), candidate: v("1.1.0"), rolloutPercent: 0, paused: false }, { kind: "stable", stable: "1.0.0", held: { candidate: "1.1.0", percent: 0, why: "zero" } }],
    [
      "a revoked candidate",
      { stable: v("1.0.0"), candidate: v("1.1.0", "revoked"), rolloutPercent: 30, paused: false },
      { kind: "stable", stable: "1.0.0", held: { candidate: "1.1.0", percent: 30, why: "undeliverable" } },
    ],
    ["a rollout", { stable: v("1.0.0"), candidate: v("1.1.0"), rolloutPercent: 10, paused: false }, { kind: "split", candidate: "1.1.0", percent: 10, stable: "1.0.0", stableWhy: "delivered" }],
    [
      "a rollout over a revoked stable",
      { stable: v("1.0.0", "revoked"), candidate: v("1.1.0"), rolloutPercent: 10, paused: false },
      { kind: "split", candidate: "1.1.0", percent: 10, stable: null, stableWhy: "revoked" },
    ],
    ["100 %", { stable: v("1.0.0"), candidate: v("1.1.0"), rolloutPercent: 100, paused: false }, { kind: "candidate", candidate: "1.1.0" }],
    ["a revoked stable", { stable: v("1.0.0", "revoked"), candidate: null, rolloutPercent: 0, paused: false }, { kind: "nobody", stable: "1.0.0", why: "revoked", held: null }],
    [
      "a paused rollout over a stable outside the policy",
      { stable: v("1.0.0", "outside_policy"), candidate: v("1.1.0"), rolloutPercent: 50, paused: true },
      { kind: "nobody", stable: "1.0.0", why: "outside_policy", held: { candidate: "1.1.0", percent: 50, why: "paused" } },
    ],
  ] as const)("%s", (_label, a, expected) => {
    expect(servingNow(a)).toEqual(expected);
  });
});
