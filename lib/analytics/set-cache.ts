// The bytes of bitmap row versions this server process has read (daily_user_sets, weekly_user_sets,
// daily_cohort_sets), by the version's `rev`. A fold or rebuild that writes a row gives it a new random rev, so a
// rev names one version's bytes for good: a cached entry is never stale, only unused. The distinct-set read tells
// the database which revs this process holds and gets their rows without the bytes; everything else (which rows
// exist, their revs, the pending user-days) still comes from that one statement's snapshot, so every figure stays
// exact. On the 10 M-event bench, the biggest organization's 90-day overview reads 2.8 MB of bitmaps; a fold under
// ingestion rewrites only the rows of the days and weeks it touched. Used on PostgreSQL only (user-sets.ts says why).
import { createHash } from "node:crypto";

/** Least recently used first (a Map keeps insertion order; a hit is re-inserted). */
type Entry = { orgId: string; day: string; row: string; bytes: Uint8Array };

export class SetCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byOrg = new Map<string, Set<string>>();
  /** Per organization and row, the one version of it kept: the newest put. */
  private readonly byRow = new Map<string, string>();
  private size = 0;

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    return this.size;
  }

  get count(): number {
    return this.entries.size;
  }

  /**
   * The cached versions of this organization's rows dated in [from, to] (a week row is dated by its Monday), with
   * their bytes: held by the caller for the length of one read, so an eviction meanwhile cannot take them away.
   */
  held(orgId: string, from: string, to: string): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    if (this.budgetBytes <= 0) return out;
    for (const rev of this.byOrg.get(orgId) ?? []) {
      const e = this.entries.get(rev)!;
      if (e.day < from || e.day > to) continue;
      out.set(rev, e.bytes);
      this.entries.delete(rev);
      this.entries.set(rev, e);
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
    this.byOrg.clear();
    this.byRow.clear();
    this.size = 0;
  }

  /**
   * Keeps a version of one row (`row` names it within the organization: its table and key). A row keeps one
   * version: the one put last replaces the one before. Under ingestion a fold rewrites today's rows every few
   * seconds; kept side by side, their superseded versions piled up until the budget was full of them, and every
   * read then listed them all to the database and touched them all here (docs/benchmarks.md, the mixed figure).
   */
  put(rev: string, orgId: string, day: string, row: string, bytes: Uint8Array): void {
    if (this.budgetBytes <= 0 || bytes.byteLength > this.budgetBytes || this.entries.has(rev)) return;
    const rowKey = `${orgId}\n${row}`;
    const before = this.byRow.get(rowKey);
    if (before !== undefined) this.drop(before);
    this.entries.set(rev, { orgId, day, row: rowKey, bytes });
    this.byRow.set(rowKey, rev);
    (this.byOrg.get(orgId) ?? this.byOrg.set(orgId, new Set()).get(orgId)!).add(rev);
    this.size += bytes.byteLength;
    for (const old of this.entries.keys()) {
      if (this.size <= this.budgetBytes) break;
      this.drop(old);
    }
  }

  private drop(rev: string): void {
    const e = this.entries.get(rev);
    if (!e) return;
    this.entries.delete(rev);
    this.size -= e.bytes.byteLength;
    if (this.byRow.get(e.row) === rev) this.byRow.delete(e.row);
    const org = this.byOrg.get(e.orgId)!;
    org.delete(rev);
    if (org.size === 0) this.byOrg.delete(e.orgId);
  }
}

/** `ANALYTICS_SET_CACHE_MB` (default 64; 0 turns it off): what one server process keeps. */
export const setCache = new SetCache(Math.max(0, Number(process.env.ANALYTICS_SET_CACHE_MB ?? 64) || 0) * 1024 * 1024);

/**
 * The number of users in a union of row versions, by the versions' revs: a version's bytes never change, so the
 * union of the same versions always has the same size. An overview reads hundreds of such unions (each breakdown
 * value's, each day's 30-day MAU window); a fold makes new versions of the rows it touched, and only the unions of
 * those are counted again. A union that takes in user-days still pending has no key and is always counted.
 */
export class UnionSizes {
  private readonly sizes = new Map<string, number>();

  constructor(readonly capacity: number) {}

  get count(): number {
    return this.sizes.size;
  }

  /** The key of the union of these versions (in any order, as often as they come); null if one has no rev. */
  static keyOf(revs: readonly (string | undefined)[]): string | null {
    if (revs.some((r) => r === undefined)) return null;
    return createHash("sha1")
      .update([...new Set(revs as string[])].sort().join(","))
      .digest("base64");
  }

  get(key: string | null): number | undefined {
    if (key === null) return undefined;
    const n = this.sizes.get(key);
    if (n !== undefined) {
      this.sizes.delete(key);
      this.sizes.set(key, n);
    }
    return n;
  }

  set(key: string | null, n: number): void {
    if (key === null || this.capacity <= 0) return;
    this.sizes.delete(key);
    this.sizes.set(key, n);
    if (this.sizes.size > this.capacity) this.sizes.delete(this.sizes.keys().next().value!);
  }

  clear(): void {
    this.sizes.clear();
  }
}

/** About 100 bytes an entry: 50,000 (0 with ANALYTICS_SET_CACHE_MB=0). */
export const unionSizes = new UnionSizes(setCache.budgetBytes > 0 ? 50_000 : 0);

/**
 * The bitmaps of unions of row versions, by the keys of UnionSizes. Under ingestion the union of a breakdown value's
 * rows over a range ending today is never the same twice (a fold rewrites today's rows every few seconds, and the
 * user-days still pending have no version at all), so its size cannot be remembered; the union of its older rows,
 * which no fold touches, can be, as a bitmap: such a union is then that bitmap OR'ed with the few recent rows
 * (distinct-users.ts). Least recently used first, within a quarter of ANALYTICS_SET_CACHE_MB.
 */
export class UnionBitmaps {
  private readonly entries = new Map<string, Uint8Array>();
  private size = 0;

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    return this.size;
  }

  get count(): number {
    return this.entries.size;
  }

  get(key: string | null): Uint8Array | undefined {
    if (key === null) return undefined;
    const b = this.entries.get(key);
    if (b !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, b);
    }
    return b;
  }

  set(key: string | null, bytes: Uint8Array): void {
    if (key === null || this.budgetBytes <= 0 || bytes.byteLength > this.budgetBytes) return;
    const before = this.entries.get(key);
    if (before !== undefined) {
      this.entries.delete(key);
      this.size -= before.byteLength;
    }
    this.entries.set(key, bytes);
    this.size += bytes.byteLength;
    for (const [old, b] of this.entries) {
      if (this.size <= this.budgetBytes) break;
      this.entries.delete(old);
      this.size -= b.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.size = 0;
  }
}

export const unionBitmaps = new UnionBitmaps(Math.floor(setCache.budgetBytes / 4));
