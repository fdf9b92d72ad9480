// The anomaly method on synthetic series: what it must find, and what it must leave alone.
import { describe, expect, it } from "vitest";
import { prng } from "@/lib/random";
import { detectAnomalies, weekdayOf, type SeriesDay } from "./anomalies";
import { detectAnomaliesRemembered } from "./anomaly-service";

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 0, 5); // a Monday
const dayAt = (i: number) => new Date(START + i * DAY_MS).toISOString().slice(0, 10);

/** Poisson draw (Knuth for small means, a normal approximation above). */
function poisson(rand: () => number, mean: number): number {
  if (mean > 60) {
    const g = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * g));
  }
  const l = Math.exp(-mean);
  let k = 0;
  for (let p = rand(); p > l; p *= rand()) k++;
  return k;
}

function binomial(rand: () => number, n: number, p: number): number {
  if (n * p > 30) return Math.min(n, poisson(rand, n * p));
  let k = 0;
  for (let i = 0; i < n; i++) if (rand() < p) k++;
  return k;
}

type Shape = { days: number; level: (i: number) => number; weekly?: number[]; errorRate?: (i: number) => number; seed?: number };

/** A series with Poisson launches around level × weekday factor, users about 60 % of launches, binomial errors. */
function series(shape: Shape): SeriesDay[] {
  const rand = prng(shape.seed ?? 7);
  const weekly = shape.weekly ?? [1, 1, 1, 1, 1, 1, 1];
  return Array.from({ length: shape.days }, (_, i) => {
    const mean = shape.level(i) * weekly[weekdayOf(dayAt(i))]!;
    const launches = poisson(rand, mean);
    const activeUsers = Math.min(launches, poisson(rand, mean * 0.6));
    const errors = binomial(rand, launches, shape.errorRate?.(i) ?? 0.015);
    return { day: dayAt(i), launches, activeUsers, errors };
  });
}

const last = (s: SeriesDay[]) => s[s.length - 1]!.day;
// Sunday first, as Date.getUTCDay: busy weekends.
const WEEKENDS_BUSY = [1.4, 1, 0.9, 0.9, 1, 1.1, 1.5];
// A workplace: weekends nearly asleep.
const WEEKENDS_QUIET = [0.25, 1, 1.05, 1, 1, 0.95, 0.2];

describe("detectAnomalies", () => {
  it("finds an error spike on one day, with the figures of that day", () => {
    const s = series({ days: 70, level: () => 400, weekly: WEEKENDS_BUSY, errorRate: (i) => (i === 65 ? 0.072 : 0.014) });
    const found = detectAnomalies(s, dayAt(40), last(s));
    expect(found).toHaveLength(1);
    const a = found[0]!;
    expect(a).toMatchObject({ day: dayAt(65), metric: "errorRate", direction: "up" });
    expect(a.value).toBe(s[65]!.errors / s[65]!.launches);
    expect(a.expected).toBeGreaterThan(0.01);
    expect(a.expected).toBeLessThan(0.02);
    expect(a.score).toBeGreaterThan(4);
  });

  it("finds a launch spike and a drop in launches and users, strongest first", () => {
    const s = series({ days: 80, level: () => 300, weekly: WEEKENDS_BUSY });
    s[60] = { ...s[60]!, launches: s[60]!.launches * 3 };
    s[72] = { ...s[72]!, launches: Math.round(s[72]!.launches * 0.3), activeUsers: Math.round(s[72]!.activeUsers * 0.3) };
    const found = detectAnomalies(s, dayAt(40), last(s));
    expect(found.map((a) => [a.day, a.metric, a.direction])).toEqual(
      expect.arrayContaining([
        [dayAt(60), "launches", "up"],
        [dayAt(72), "launches", "down"],
        [dayAt(72), "activeUsers", "down"],
      ]),
    );
    expect(found).toHaveLength(3);
    for (let i = 1; i < found.length; i++) expect(found[i - 1]!.score).toBeGreaterThanOrEqual(found[i]!.score);
  });

  it("lists nothing on a strong weekly pattern without an anomaly, and sees a weekday's usual level as usual", () => {
    const s = series({ days: 120, level: () => 500, weekly: WEEKENDS_QUIET, seed: 11 });
    expect(detectAnomalies(s, dayAt(30), last(s))).toEqual([]);
    // The same quiet Sunday level on a Wednesday is a drop.
    const wednesday = s.findIndex((d, i) => i > 100 && weekdayOf(d.day) === 3);
    const sunday = s.find((d, i) => i > 90 && weekdayOf(d.day) === 0)!;
    s[wednesday] = { ...s[wednesday]!, launches: sunday.launches, activeUsers: sunday.activeUsers, errors: sunday.errors };
    const found = detectAnomalies(s, dayAt(30), last(s));
    expect(found.map((a) => [a.day, a.metric, a.direction]).sort()).toEqual([
      [dayAt(wednesday), "activeUsers", "down"],
      [dayAt(wednesday), "launches", "down"],
    ]);
  });

  it("lists nothing on a steady trend (growth and decline) without an anomaly", () => {
    const growth = series({ days: 120, level: (i) => 80 + 4 * i, weekly: WEEKENDS_BUSY, seed: 3 });
    expect(detectAnomalies(growth, dayAt(25), last(growth))).toEqual([]);
    const decline = series({ days: 120, level: (i) => 900 * Math.exp(-i / 90), weekly: WEEKENDS_QUIET, seed: 5 });
    expect(detectAnomalies(decline, dayAt(25), last(decline))).toEqual([]);
  });

  it("never judges a sparse series, a day with too few launches, or a day without enough history", () => {
    const sparse = series({ days: 90, level: () => 3, errorRate: () => 0.2 });
    sparse[80] = { ...sparse[80]!, launches: 15, activeUsers: 12, errors: 12 };
    expect(detectAnomalies(sparse, dayAt(0), last(sparse))).toEqual([]);
    // Busy enough, but the spike comes on day 10: too little history to judge.
    const young = series({ days: 30, level: () => 400, errorRate: (i) => (i === 10 ? 0.3 : 0.01) });
    expect(detectAnomalies(young, dayAt(0), dayAt(15))).toEqual([]);
    // Days before a series' first data are not history: a mini-program launched 10 days ago is not judged yet.
    const late = series({ days: 60, level: (i) => (i < 50 ? 0 : 400) });
    expect(detectAnomalies(late, dayAt(0), last(late))).toEqual([]);
  });

  it("keeps false alarms rare on normal series: under 1 per 1,000 series-days", () => {
    let judged = 0;
    let alarms = 0;
    const shapes = [WEEKENDS_BUSY, WEEKENDS_QUIET, [1, 1, 1, 1, 1, 1, 1]];
    for (let seed = 1; seed <= 60; seed++) {
      const base = 30 + ((seed * 37) % 600);
      const growth = ((seed % 5) - 2) * 0.004;
      const s = series({ days: 120, level: (i) => base * Math.exp(growth * i), weekly: shapes[seed % 3], errorRate: () => 0.005 + (seed % 4) * 0.01, seed });
      judged += 120 - 30;
      alarms += detectAnomalies(s, dayAt(30), last(s)).length;
    }
    const perThousand = (1000 * alarms) / judged;
    console.info(`[anomalies] synthetic normal series: ${alarms} alarms over ${judged} series-days = ${perThousand.toFixed(2)} per 1,000`);
    expect(perThousand).toBeLessThan(1);
  });
});

describe("detectAnomaliesRemembered (the service's memo of the method)", () => {
  it("answers what the method answers, and a changed day is judged again, never from the memo", () => {
    const s = series({ days: 70, level: () => 400, weekly: WEEKENDS_BUSY, errorRate: (i) => (i === 65 ? 0.072 : 0.014), seed: 91 });
    const first = detectAnomaliesRemembered(s, dayAt(40), last(s));
    expect(first).toEqual(detectAnomalies(s, dayAt(40), last(s)));
    expect(first.map((a) => a.day)).toEqual([dayAt(65)]);
    // The same input again: the same answer.
    expect(detectAnomaliesRemembered(s.map((d) => ({ ...d })), dayAt(40), last(s))).toEqual(first);
    // Late events make day 65 ordinary: nothing is listed any more.
    const fixed = s.map((d, i) => (i === 65 ? { ...d, errors: Math.round(d.launches * 0.014) } : d));
    expect(detectAnomaliesRemembered(fixed, dayAt(40), last(s))).toEqual([]);
    // Another range over the same days is its own question.
    expect(detectAnomaliesRemembered(s, dayAt(66), last(s))).toEqual([]);
  });
});
