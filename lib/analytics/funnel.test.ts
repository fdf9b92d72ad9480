import { describe, expect, it } from "vitest";
import { pairStepsReached, SESSION_GAP_MS, splitSessions, stepPairs, stepsReached, type SessionEvent } from "./funnel";

const ev = (userId: string, ts: number, type: string, value: string | null = null, hostId = "h1", id = `${userId}-${ts}`): SessionEvent => ({
  hostId,
  userId,
  ts,
  id,
  type,
  page: type === "page_view" ? value : null,
  name: type === "custom" ? value : null,
});

describe("splitSessions", () => {
  it("splits one user's events after a gap of more than 30 minutes, not at exactly 30", () => {
    const s = splitSessions([ev("u", 0, "launch"), ev("u", SESSION_GAP_MS, "page_view", "a"), ev("u", 2 * SESSION_GAP_MS + 1, "page_view", "b")]);
    expect(s.map((x) => x.map((e) => e.ts))).toEqual([[0, SESSION_GAP_MS], [2 * SESSION_GAP_MS + 1]]);
  });

  it("ends a session with its session_end, and keeps users and hosts apart whatever the input order", () => {
    const s = splitSessions([
      ev("u", 3000, "page_view", "b"),
      ev("u", 1000, "page_view", "a"),
      ev("u", 2000, "session_end"),
      ev("v", 1500, "page_view", "a"),
      ev("u", 1200, "page_view", "x", "h2"),
    ]);
    expect(s.map((x) => x.map((e) => `${e.hostId}/${e.userId}@${e.ts}`))).toEqual([["h1/u@1000", "h1/u@2000"], ["h1/u@3000"], ["h1/v@1500"], ["h2/u@1200"]]);
  });

  it("orders events at the same instant by id", () => {
    const s = splitSessions([ev("u", 5, "session_end", null, "h1", "b"), ev("u", 5, "page_view", "a", "h1", "a")]);
    expect(s).toHaveLength(1);
    expect(s[0]!.map((e) => e.id)).toEqual(["a", "b"]);
  });
});

describe("stepsReached", () => {
  const steps = [
    { type: "page" as const, value: "a" },
    { type: "event" as const, value: "buy" },
    { type: "page" as const, value: "a" },
  ];
  it("counts the steps held in order, not necessarily adjacent, each event used once", () => {
    expect(stepsReached([ev("u", 1, "page_view", "a"), ev("u", 2, "page_view", "z"), ev("u", 3, "custom", "buy")], steps)).toBe(2);
    expect(stepsReached([ev("u", 1, "custom", "buy"), ev("u", 2, "page_view", "a")], steps)).toBe(1);
    expect(stepsReached([ev("u", 1, "page_view", "a"), ev("u", 2, "custom", "buy"), ev("u", 3, "page_view", "a")], steps)).toBe(3);
    // A page step is not matched by a custom event with that name, nor the other way round.
    expect(stepsReached([ev("u", 1, "custom", "a")], steps)).toBe(0);
    expect(stepsReached([], steps)).toBe(0);
  });
});

describe("stepPairs and pairStepsReached", () => {
  const steps = [
    { type: "page" as const, value: "a" },
    { type: "event" as const, value: "buy" },
    { type: "page" as const, value: "a" },
    { type: "event" as const, value: "a" },
  ];
  it("names each distinct (type, value) once, and each step by its pair", () => {
    const { pairs, stepPair } = stepPairs(steps);
    expect(pairs).toEqual([steps[0], steps[1], steps[3]]);
    expect(stepPair).toEqual([1, 2, 1, 3]);
  });
  it("agrees with stepsReached on sessions given as the pair each event matches", () => {
    const { pairs, stepPair } = stepPairs(steps);
    const sessions = [
      [ev("u", 1, "page_view", "a"), ev("u", 2, "page_view", "z"), ev("u", 3, "custom", "buy")],
      [ev("u", 1, "custom", "buy"), ev("u", 2, "page_view", "a")],
      [ev("u", 1, "page_view", "a"), ev("u", 2, "custom", "buy"), ev("u", 3, "page_view", "a"), ev("u", 4, "custom", "a")],
      [ev("u", 1, "custom", "a"), ev("u", 2, "page_view", "a")],
      [],
    ];
    const matchOf = (e: SessionEvent) => pairs.findIndex((p) => (p.type === "page" ? e.type === "page_view" && e.page === p.value : e.type === "custom" && e.name === p.value)) + 1;
    const reached = sessions.map((s) => pairStepsReached(s.map(matchOf), stepPair));
    expect(reached).toEqual(sessions.map((s) => stepsReached(s, steps)));
    expect(reached).toEqual([2, 1, 4, 1, 0]);
  });
});
