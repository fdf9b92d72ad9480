// The anomaly method (CONTRACT §11, issue 18 item 1), pure: one mini-program on one host, its daily launches,
// active users and errors, and for each day asked about, what its own history before that day predicts.
//
// Counts (launches, active users) are modelled in log space, y = ln(1 + x), as level + trend + weekday:
// 1. weekday pattern: for each weekday, the median of (y − the centred 7-day median of y) over the history;
// 2. trend: the Theil–Sen slope (median of pairwise slopes) of the deseasonalised history;
// 3. level: the median of the last two weeks' deseasonalised values, carried to the day by the slope;
// 4. spread: 1.4826 × the MAD of the history's residuals, never below the (over-dispersed) Poisson noise of the prediction.
// The error rate is the median of the history's weekly pooled rates (errors ÷ launches per 7 days), with the
// binomial noise of the day's launches plus the week-to-week spread of those rates. Medians and MADs make one
// bad day (or week) in the history move the prediction very little, so a spike does not hide the next one.
// The score is the robust z of the departure; a day is listed only when the score, the size of the change and
// the traffic are all large enough to mean something. No sampling: every figure is the day's exact count.

export const ANOMALY_METRICS = ["launches", "activeUsers", "errorRate"] as const;
export type AnomalyMetric = (typeof ANOMALY_METRICS)[number];

/** One UTC day of one series: exact counts from the rollups. */
export type SeriesDay = { day: string; launches: number; activeUsers: number; errors: number };

export type Detection = {
  day: string;
  metric: AnomalyMetric;
  value: number;
  expected: number;
  direction: "up" | "down";
  /** |robust z|: how many robust standard deviations the day departs from the prediction. */
  score: number;
};

export type AnomalySettings = {
  /** How far back the history reaches (days before the judged day). */
  lookbackDays: number;
  /** At least this many days of history (since the series began) before a day is judged. */
  minHistoryDays: number;
  /** |z| at or above this is an anomaly. */
  threshold: number;
  /** Launches or active users: the prediction must be at least this for the day to be judged. */
  minCount: number;
  /** Launches or active users: the change must be at least this share of the prediction (0.3 = 30 %). */
  minRelativeChange: number;
  /** Error rate: the day needs this many launches, and so does each week of history that counts. */
  minErrorLaunches: number;
  /** Error rate: the change must be at least this many percentage points (as a fraction) … */
  minRateChange: number;
  /** … and at least this share of the expected rate. */
  minRateRelativeChange: number;
};

export const DEFAULT_ANOMALY_SETTINGS: AnomalySettings = {
  lookbackDays: 56,
  minHistoryDays: 21,
  threshold: 4,
  minCount: 20,
  minRelativeChange: 0.3,
  minErrorLaunches: 50,
  minRateChange: 0.01,
  minRateRelativeChange: 0.5,
};

const MAD_SCALE = 1.4826;
/** Variance of a daily count relative to a Poisson count's: end users' activity is correlated (weekends, campaigns). */
const OVERDISPERSION = 1.5;
const DAY_MS = 86_400_000;

function dayIndex(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

function dayOf(index: number): string {
  return new Date(index * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, as Date.getUTCDay. */
export function weekdayOf(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** The weekday of a day index (days since 1970-01-01, a Thursday), without building dates in the inner loops. */
const weekdayAt = (i: number) => (((i + 4) % 7) + 7) % 7;

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  // A typed array sorts numerically, and several times faster than Array#sort with a comparator.
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function mad(values: number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** Median of the pairwise slopes: a line that ignores up to ~29 % of wild points. */
function theilSen(xs: number[], ys: number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < xs.length; i++) for (let j = i + 1; j < xs.length; j++) if (xs[j] !== xs[i]) slopes.push((ys[j]! - ys[i]!) / (xs[j]! - xs[i]!));
  return slopes.length ? median(slopes) : 0;
}

type CountPrediction = { expected: number; y: number; spread: number };

/** Predicts ln(1 + count) for day `t` from `hist` (day index → count, every day of the history present). */
function predictCount(hist: { i: number; x: number }[], t: number): CountPrediction {
  const ys = hist.map((h) => Math.log1p(h.x));
  const n = hist.length;
  // Weekday pattern: residuals from a centred 7-day median, only where the whole window lies in the history.
  const byWeekday: number[][] = Array.from({ length: 7 }, () => []);
  for (let k = 3; k < n - 3; k++) {
    const level = median(ys.slice(k - 3, k + 4));
    byWeekday[weekdayAt(hist[k]!.i)]!.push(ys[k]! - level);
  }
  const seasonal = byWeekday.map((r) => (r.length ? median(r) : 0));
  const s = (i: number) => seasonal[weekdayAt(i)]!;
  const z = hist.map((h, k) => ys[k]! - s(h.i));
  const slope = theilSen(
    hist.map((h) => h.i),
    z,
  );
  const recent = hist.slice(-14).map((h, k) => z[n - Math.min(14, n) + k]! + slope * (t - h.i));
  const level = median(recent);
  const y = level + s(t);
  const residuals = hist.map((h, k) => ys[k]! - (level - slope * (t - h.i) + s(h.i)));
  const expected = Math.max(0, Math.expm1(y));
  // A count's own noise is about 1/√λ in log space (Poisson), and people's visits come in clumps, so half as much
  // again in variance: a history too regular to show that noise must not make every wiggle an anomaly.
  const spread = Math.max(MAD_SCALE * mad(residuals), Math.sqrt(OVERDISPERSION / Math.max(expected, 1)), 0.05);
  return { expected, y, spread };
}

type RatePrediction = { expected: number; spread: number };

/** The error rate's prediction from weekly pooled rates; null when too few weeks carry enough launches. */
function predictRate(hist: { i: number; launches: number; errors: number }[], t: number, launchesToday: number, cfg: AnomalySettings): RatePrediction | null {
  const weeks = new Map<number, { launches: number; errors: number }>();
  for (const h of hist) {
    const w = Math.floor((t - 1 - h.i) / 7);
    const acc = weeks.get(w) ?? { launches: 0, errors: 0 };
    acc.launches += h.launches;
    acc.errors += h.errors;
    weeks.set(w, acc);
  }
  const rates = [...weeks.values()].filter((w) => w.launches >= cfg.minErrorLaunches).map((w) => w.errors / w.launches);
  if (rates.length < 3) return null;
  const expected = median(rates);
  const totalLaunches = hist.reduce((a, h) => a + h.launches, 0);
  const p = Math.min(1, Math.max(expected, 1 / Math.max(totalLaunches, 1)));
  const spread = Math.sqrt((p * (1 - p)) / launchesToday + (MAD_SCALE * mad(rates)) ** 2);
  return { expected, spread };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

/**
 * The anomalies of one series on the days from `from` to `to`. `series`: the series' days in any order; a day
 * missing between its first day and `to` counts as zero (nothing happened), days before its first day are not
 * history (the mini-program was not there yet). Answers strongest first. `stats.judged` counts the (day, metric)
 * pairs that had the traffic and history to be judged: the denominator of a false-alarm rate.
 */
export function detectAnomalies(series: SeriesDay[], from: string, to: string, settings: Partial<AnomalySettings> = {}, stats?: { judged: number }): Detection[] {
  const cfg = { ...DEFAULT_ANOMALY_SETTINGS, ...settings };
  const withData = series.filter((d) => d.launches > 0 || d.activeUsers > 0 || d.errors > 0);
  if (withData.length === 0) return [];
  const byIndex = new Map(series.map((d) => [dayIndex(d.day), d]));
  const start = Math.min(...withData.map((d) => dayIndex(d.day)));
  const at = (i: number): SeriesDay => byIndex.get(i) ?? { day: dayOf(i), launches: 0, activeUsers: 0, errors: 0 };
  const out: Detection[] = [];
  for (let t = Math.max(dayIndex(from), start); t <= dayIndex(to); t++) {
    const first = Math.max(start, t - cfg.lookbackDays);
    if (t - first < cfg.minHistoryDays) continue;
    const hist: { i: number; d: SeriesDay }[] = [];
    for (let i = first; i < t; i++) hist.push({ i, d: at(i) });
    const today = at(t);
    const day = dayOf(t);

    for (const metric of ["launches", "activeUsers"] as const) {
      const p = predictCount(
        hist.map((h) => ({ i: h.i, x: h.d[metric] })),
        t,
      );
      if (p.expected < cfg.minCount) continue;
      if (stats) stats.judged++;
      const value = today[metric];
      const z = (Math.log1p(value) - p.y) / p.spread;
      if (Math.abs(z) < cfg.threshold || Math.abs(value - p.expected) < cfg.minRelativeChange * p.expected) continue;
      out.push({ day, metric, value, expected: round(p.expected, 1), direction: z > 0 ? "up" : "down", score: round(Math.abs(z), 2) });
    }

    if (today.launches >= cfg.minErrorLaunches) {
      const p = predictRate(
        hist.map((h) => ({ i: h.i, launches: h.d.launches, errors: h.d.errors })),
        t,
        today.launches,
        cfg,
      );
      if (p) {
        if (stats) stats.judged++;
        const value = today.errors / today.launches;
        const diff = value - p.expected;
        const z = diff / p.spread;
        if (Math.abs(z) >= cfg.threshold && Math.abs(diff) >= cfg.minRateChange && Math.abs(diff) >= cfg.minRateRelativeChange * p.expected) {
          out.push({ day, metric: "errorRate", value, expected: round(p.expected, 6), direction: z > 0 ? "up" : "down", score: round(Math.abs(z), 2) });
        }
      }
    }
  }
  return out.sort(byStrength);
}

/** Strongest first; ties by day (newest first), then metric, so every run lists them alike. */
export function byStrength<T extends { score: number; day: string; metric: string }>(a: T, b: T): number {
  return b.score - a.score || (a.day < b.day ? 1 : a.day > b.day ? -1 : 0) || a.metric.localeCompare(b.metric);
}
