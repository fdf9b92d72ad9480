// The additive figures (launches, sessions, session time, errors) of closed days, remembered by this server process.
//
// A day is closed once no event can land on it any more: ingestion refuses events more than 7 days old (CONTRACT
// §6, MAX_EVENT_AGE_MS), so with a day's margin for the clocks of other server processes, every day before
// `firstOpenDay()` keeps the daily_stats rows it has. The biggest bench organization's 90-day overview sums 56 k of
// them on every request (45-90 ms on PostgreSQL, most of the overview's time on PGlite); remembered, a request sums
// only the open days' rows (about 9 days) and adds the closed part's sums kept here.
//
// What else can change a closed day's rows, and how it reaches this cache:
// - A rebuild of an organization's rollups (rebuildRollups: seeding, repair): it drops the organization's entries here
//   and tells the other server processes through the SDK change feed (change-feed.ts), whose notification
//   PostgreSQL delivers on commit.
// - Ingestion called with a clock of its own (tests, scripts): `ingestEvents` drops the organization's entries when
//   it stores a batch under a clock whose 7 days reach back to a day closed by this process's clock.
// - Anything this process may have missed: while the change feed is not listening (PostgreSQL), nothing here is used,
//   and everything is dropped when listening starts again (the feed delivers `{ all: true }`).
// A read that began before a change and ends after it does not keep what it read (the change counter below).
import { onTestDatabaseSwap, type DbOrTx } from "@/db";
import { notifySdkChange, onSdkChange } from "@/lib/sdk-server/change-feed";
import { addDays, utcDay } from "./dates";
import type { BreakdownStats } from "./queries/breakdown-stats";
import type { DailyStats } from "./queries/daily-stats";
import { Lru } from "./set-cache";
import type { Scope } from "./sql";
import type { AnalyticsFilters } from "./types";
import { MAX_EVENT_AGE_MS } from "./validate";

/** The first day an event may still land on, by this process's clock (a day earlier than ingestion's own bound). */
export function firstOpenDay(nowMs = Date.now()): string {
  return addDays(utcDay(nowMs - MAX_EVENT_AGE_MS), -1);
}

/** A range's additive figures: per day, and per host, mini-program, version and platform over the range. */
export type RangeStats = { daily: DailyStats[]; breakdown: BreakdownStats[] };

type Entry = { orgId: string; stats: RangeStats };

export class StatsCache {
  private readonly lru: Lru<Entry>;
  private readonly byOrg = new Map<string, Set<string>>();
  private changes = 0;

  /** `budgetRows`: day and breakdown rows kept in all (about 150 bytes each). */
  constructor(readonly budgetRows: number) {
    this.lru = new Lru<Entry>(budgetRows, (e) => e.stats.daily.length + e.stats.breakdown.length + 1, (key, e) => this.forget(key, e));
  }

  get count(): number {
    return this.lru.count;
  }

  /** What a read takes before it asks the database; `put` keeps its result only if nothing changed meanwhile. */
  get stamp(): number {
    return this.changes;
  }

  static keyOf(scope: Scope, f: AnalyticsFilters, from: string, to: string): string {
    return JSON.stringify([scope.orgId, scope.appIds, f.hostId ?? null, f.appId ?? null, f.platform ?? null, f.version ?? null, from, to]);
  }

  get(key: string): RangeStats | undefined {
    return this.lru.get(key)?.stats;
  }

  put(key: string, orgId: string, stats: RangeStats, stamp: number): void {
    if (this.budgetRows <= 0 || stamp !== this.changes) return;
    (this.byOrg.get(orgId) ?? this.byOrg.set(orgId, new Set()).get(orgId)!).add(key);
    this.lru.set(key, { orgId, stats });
  }

  /** One organization's closed days may have changed. */
  forgetOrg(orgId: string): void {
    this.changes++;
    for (const key of [...(this.byOrg.get(orgId) ?? [])]) this.lru.delete(key);
  }

  clear(): void {
    this.changes++;
    this.lru.clear();
    this.byOrg.clear();
  }

  private forget(key: string, e: Entry): void {
    const keys = this.byOrg.get(e.orgId);
    keys?.delete(key);
    if (keys?.size === 0) this.byOrg.delete(e.orgId);
  }
}

/**
 * `ANALYTICS_STATS_CACHE_ROWS` (default 200,000, about 30 MB; 0 turns it off): what one server process keeps. One per
 * process (on globalThis, however many times bundles load this module), subscribed once to every change.
 */
const g = globalThis as typeof globalThis & { __atriumStatsCache?: StatsCache };
export const statsCache: StatsCache = (g.__atriumStatsCache ??= (() => {
  const cache = new StatsCache(Math.max(0, Number(process.env.ANALYTICS_STATS_CACHE_ROWS ?? 200_000) || 0));
  onSdkChange((c) => ("all" in c ? cache.clear() : cache.forgetOrg(c.orgId)));
  return cache;
})());
onTestDatabaseSwap(() => statsCache.clear());

/** Ingestion stored events dated `earliestMs` or later: if that can reach a closed day, the organization's entries go. */
export function noteStatsWritten(orgId: string, earliestMs: number): void {
  if (utcDay(earliestMs) < firstOpenDay()) statsCache.forgetOrg(orgId);
}

/**
 * An organization's rollups were rewritten (rebuildRollups): this process forgets its entries now, every other server
 * process when the change commits. Called inside a transaction, call `statsCache.forgetOrg` again after the commit: a
 * read between the two could have kept what the transaction had not yet replaced.
 */
export async function statsRewritten(db: DbOrTx, orgId: string): Promise<void> {
  statsCache.forgetOrg(orgId);
  await notifySdkChange(db, orgId);
}
