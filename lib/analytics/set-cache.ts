// The bytes of bitmap row versions this server process has read (daily_user_sets, weekly_user_sets,
// daily_cohort_sets), by the version's `rev`. A fold or rebuild that writes a row gives it a new random rev, so a
// rev names one version's bytes for good: a cached entry is never stale, only unused. The distinct-set read tells
// the database which revs this process holds and gets their rows without the bytes; everything else (which rows
// exist, their revs, the pending user-days) still comes from that one statement's snapshot, so every figure stays
// exact. On the 10 M-event bench, the biggest organization's 90-day overview reads 2.8 MB of bitmaps; a fold under
// ingestion rewrites only the rows of the days and weeks it touched. Used on PostgreSQL; PGlite keeps whole units
// of rows instead (unitCache, below; user-sets.ts says why).
import { createHash } from "node:crypto";
import { onTestDatabaseSwap } from "@/db";
import type { SetRow } from "./queries/user-sets";

/**
 * Values by key within a budget of weight (bytes, or 1 a value for a count), least recently used leaving first: a
 * Map keeps insertion order, and a value read or written is re-inserted. What SetCache, UnionSizes and unionBitmaps
 * keep.
 */
export class Lru<V> {
  private readonly entries = new Map<string, V>();
  private weight = 0;

  /** `dropped` hears of every value that leaves, evicted or deleted (not on clear). */
  constructor(
    readonly budget: number,
    private readonly weigh: (v: V) => number,
    private readonly dropped: (key: string, v: V) => void = () => {},
  ) {}

  /** The weight kept (bytes, for a cache of bytes). */
  get bytes(): number {
    return this.weight;
  }

  get count(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The value, left where it is in the order. */
  peek(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** The value, now the most recently used. */
  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  /** Keeps a value, replacing the one under its key, then evicts until within the budget. A value that alone weighs more than the budget is not kept. */
  set(key: string, v: V): void {
    const w = this.weigh(v);
    if (this.budget <= 0 || w > this.budget) return;
    this.delete(key);
    this.entries.set(key, v);
    this.weight += w;
    for (const old of this.entries.keys()) {
      if (this.weight <= this.budget) break;
      this.delete(old);
    }
  }

  /** Every value kept, least recently used first (for tests). */
  values(): IterableIterator<V> {
    return this.entries.values();
  }

  delete(key: string): void {
    const v = this.entries.get(key);
    if (v === undefined) return;
    this.entries.delete(key);
    this.weight -= this.weigh(v);
    this.dropped(key, v);
  }

  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }
}

type Entry = { orgId: string; day: string; row: string; bytes: Uint8Array };

export class SetCache {
  private readonly lru: Lru<Entry>;
  private readonly byOrg = new Map<string, Set<string>>();
  /** Per organization and row, the one version of it kept: the newest put. */
  private readonly byRow = new Map<string, string>();

  constructor(readonly budgetBytes: number) {
    this.lru = new Lru<Entry>(budgetBytes, (e) => e.bytes.byteLength, (rev, e) => this.forget(rev, e));
  }

  get bytes(): number {
    return this.lru.bytes;
  }

  get count(): number {
    return this.lru.count;
  }

  /**
   * The cached versions of this organization's rows dated in [from, to] (a week row is dated by its Monday), with
   * their bytes: held by the caller for the length of one read, so an eviction meanwhile cannot take them away.
   */
  held(orgId: string, from: string, to: string): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    if (this.budgetBytes <= 0) return out;
    for (const rev of this.byOrg.get(orgId) ?? []) {
      const e = this.lru.peek(rev)!;
      if (e.day < from || e.day > to) continue;
      out.set(rev, e.bytes);
      this.lru.get(rev);
    }
    return out;
  }

  clear(): void {
    this.lru.clear();
    this.byOrg.clear();
    this.byRow.clear();
  }

  /**
   * Keeps a version of one row (`row` names it within the organization: its table and key). A row keeps one
   * version: the one put last replaces the one before. Under ingestion a fold rewrites today's rows every few
   * seconds; kept side by side, their superseded versions piled up until the budget was full of them, and every
   * read then listed them all to the database and touched them all here (docs/benchmarks.md, the mixed figure).
   */
  put(rev: string, orgId: string, day: string, row: string, bytes: Uint8Array): void {
    if (this.budgetBytes <= 0 || bytes.byteLength > this.budgetBytes || this.lru.has(rev)) return;
    const rowKey = `${orgId}\n${row}`;
    const before = this.byRow.get(rowKey);
    if (before !== undefined) this.lru.delete(before);
    this.byRow.set(rowKey, rev);
    (this.byOrg.get(orgId) ?? this.byOrg.set(orgId, new Set()).get(orgId)!).add(rev);
    this.lru.set(rev, { orgId, day, row: rowKey, bytes });
  }

  /** A version left the cache: it is no longer its row's, nor its organization's. */
  private forget(rev: string, e: Entry): void {
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
  private readonly sizes: Lru<number>;

  constructor(readonly capacity: number) {
    this.sizes = new Lru<number>(capacity, () => 1);
  }

  get count(): number {
    return this.sizes.count;
  }

  /** The key of the union of these versions (in any order, as often as they come); null if one has no rev. */
  static keyOf(revs: readonly (string | undefined)[]): string | null {
    if (revs.some((r) => r === undefined)) return null;
    return createHash("sha1")
      .update([...new Set(revs as string[])].sort().join(","))
      .digest("base64");
  }

  get(key: string | null): number | undefined {
    return key === null ? undefined : this.sizes.get(key);
  }

  set(key: string | null, n: number): void {
    if (key !== null) this.sizes.set(key, n);
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
 * (distinct-users.ts). Within a quarter of ANALYTICS_SET_CACHE_MB.
 */
export const unionBitmaps = new Lru<Uint8Array>(Math.floor(setCache.budgetBytes / 4), (b) => b.byteLength);

/**
 * On PGlite, a unit's bitmap rows as last read, and the unit's checksum then: a unit is one day's organization row, one
 * day's breakdown rows, one week's rows, or one day's finest rows under a filter (user-sets.ts, readDistinctSources).
 * The checksum is the count of the unit's rows and the XOR of a 64-bit hash of each row's rev; every statement that
 * uses a unit recomputes it from the rows' revs in its own snapshot and reads the bytes again only when it differs,
 * so a held unit is never used stale. Within ANALYTICS_SET_CACHE_MB (which PGlite does not use for setCache).
 */
export type HeldUnit = { ck: string; rows: SetRow[] };
export const unitCache = new Lru<HeldUnit>(setCache.budgetBytes, (u) => u.rows.reduce((n, r) => n + r.users.byteLength + 200, 100));
onTestDatabaseSwap(() => {
  unitCache.clear();
  setCache.clear();
  unionSizes.clear();
  unionBitmaps.clear();
});
