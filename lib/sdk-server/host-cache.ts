// The verifier's host rows (key, secrets, status, policy), kept in memory so a signed request costs no query for
// them. Correct only as long as every change reaches it (./change-feed.ts): the verifier asks with `trusted` false
// while its feed is not listening, and then every request reads the row from the database and nothing is kept.
import type { Db } from "@/db";
import type { HostApp } from "@/db/schema";
import type { SdkChange } from "./change-feed";

export type HostRow = Pick<
  HostApp,
  "orgId" | "id" | "name" | "status" | "sdkKey" | "platforms" | "policy" | "secretEnc" | "previousSecretEnc" | "previousSecretExpiresAt"
>;

export type HostCacheOptions = {
  now?: () => number;
  /** An upper bound on how long a row is kept even with no change heard; default SDK_HOST_CACHE_MS or 5 minutes. */
  ttlMs?: number;
  max?: number;
};

export type HostCache = {
  /** The host's row, from memory when trusted and held, else from `load` (kept only when trusted). */
  get(db: Db, ref: { orgId: string; hostId: string }, load: () => Promise<HostRow | null>, trusted: boolean): Promise<HostRow | null>;
  /** Drops what a change touched. */
  apply(change: SdkChange): void;
  stats(): { hosts: number; loads: number; hits: number };
};

export function createHostCache(opts: HostCacheOptions = {}): HostCache {
  const now = opts.now ?? Date.now;
  const ttl = opts.ttlMs ?? (Number(process.env.SDK_HOST_CACHE_MS) || 5 * 60_000);
  const max = opts.max ?? 50_000;
  const rows = new Map<string, { row: HostRow; at: number }>();
  const pending = new Map<string, { generation: number; promise: Promise<HostRow | null> }>();
  // Bumped by every change heard: a load that overlapped any change is used once and not kept, since it may have
  // read the row before the change committed.
  let generation = 0;
  let currentDb: Db | null = null;
  const counters = { loads: 0, hits: 0 };
  const keyOf = (orgId: string, hostId: string) => `${orgId}\u0000${hostId}`;

  function clear() {
    generation++;
    rows.clear();
    pending.clear();
  }

  return {
    async get(db, ref, load, trusted) {
      // Another database (tests swap them) shares no rows with the last one.
      if (db !== currentDb) {
        clear();
        currentDb = db;
      }
      if (!trusted) {
        counters.loads++;
        return load();
      }
      const key = keyOf(ref.orgId, ref.hostId);
      const hit = rows.get(key);
      if (hit && now() - hit.at < ttl) {
        counters.hits++;
        return hit.row;
      }
      const inFlight = pending.get(key);
      if (inFlight && inFlight.generation === generation) return inFlight.promise;
      const at = now();
      const startedIn = generation;
      counters.loads++;
      const promise = load();
      pending.set(key, { generation: startedIn, promise });
      try {
        const row = await promise;
        if (row && generation === startedIn && currentDb === db) {
          rows.delete(key);
          rows.set(key, { row, at });
          if (rows.size > max) {
            const oldest = rows.keys().next();
            if (!oldest.done) rows.delete(oldest.value);
          }
        }
        return row;
      } finally {
        if (pending.get(key)?.promise === promise) pending.delete(key);
      }
    },

    apply(change) {
      generation++;
      if ("all" in change) {
        rows.clear();
        pending.clear();
        return;
      }
      if (change.hostId !== undefined) {
        const key = keyOf(change.orgId, change.hostId);
        rows.delete(key);
        pending.delete(key);
        return;
      }
      const prefix = `${change.orgId}\u0000`;
      for (const key of rows.keys()) if (key.startsWith(prefix)) rows.delete(key);
      for (const key of pending.keys()) if (key.startsWith(prefix)) pending.delete(key);
    },

    stats() {
      return { hosts: rows.size, ...counters };
    },
  };
}
