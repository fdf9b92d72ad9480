// Launches, sessions, session time and errors: sums of the additive rollup (breakdown-stats.ts reads them).

/** The additive rollup's figures, summed over some of its rows. */
export type Sums = { launches: number; sessions: number; sessionMs: number; errors: number };

export type DailyStats = { day: string } & Sums;

/** Adds `r`'s figures to `into`'s. */
export function addSums(into: Sums, r: Sums): void {
  into.launches += r.launches;
  into.sessions += r.sessions;
  into.sessionMs += r.sessionMs;
  into.errors += r.errors;
}
