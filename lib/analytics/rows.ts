// Small pure helpers shared by the rollup service and the raw computation: ratios and the order of rows.
// They hold no figure logic, so sharing them does not weaken the comparison between the two.
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Breakdown rows: most launches first, then most users, then by key, so every run lists them alike. */
export function byLaunchesThenKey<T extends { key: string; launches: number; activeUsers: number }>(a: T, b: T): number {
  return b.launches - a.launches || b.activeUsers - a.activeUsers || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Retention over a range: of the new users of every cohort whose window has closed, the share that came back.
 * Weighted by cohort size (the share of all those users, not a mean of daily shares); null with no closed cohort.
 */
export function rangeRetention(days: { newUsers: number; retentionD1: number | null; retentionD7: number | null }[]): { d1: number | null; d7: number | null } {
  const of = (key: "retentionD1" | "retentionD7") => {
    let users = 0;
    let kept = 0;
    for (const d of days) {
      const share = d[key];
      if (share === null) continue;
      users += d.newUsers;
      kept += share * d.newUsers;
    }
    return users > 0 ? kept / users : null;
  };
  return { d1: of("retentionD1"), d7: of("retentionD7") };
}

export function versionKey(appId: string, version: string): string {
  return `${appId}@${version}`;
}
