// Small pure helpers shared by the rollup service and the raw computation: ratios and the order of rows.
// They hold no figure logic, so sharing them does not weaken the comparison between the two.
export function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Breakdown rows: most launches first, then most users, then by key, so every run lists them alike. */
export function byLaunchesThenKey<T extends { key: string; launches: number; activeUsers: number }>(a: T, b: T): number {
  return b.launches - a.launches || b.activeUsers - a.activeUsers || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export function versionKey(appId: string, version: string): string {
  return `${appId}@${version}`;
}
