// A small in-process cache whose entries expire, for values that are costly to recompute but must
// not live long in memory or outlast a change (decrypted SDK secrets after a rotation, say).

export interface TtlCacheOptions {
  ttlMs: number;
  /** Most entries kept; the least recently used goes first. */
  max: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

export interface TtlCache<K, V> {
  get(key: K): V | undefined;
  set(key: K, value: V): void;
  delete(key: K): boolean;
  clear(): void;
  /** Entries held, expired ones included until they are next touched. */
  readonly size: number;
}

export function createTtlCache<K, V>({ ttlMs, max, now = Date.now }: TtlCacheOptions): TtlCache<K, V> {
  if (!(ttlMs > 0) || !Number.isInteger(max) || max < 1) {
    throw new RangeError("createTtlCache needs ttlMs > 0 and an integer max ≥ 1.");
  }
  // A Map iterates in insertion order, so re-inserting on use keeps the least recently used first.
  const entries = new Map<K, { value: V; expiresAt: number }>();

  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      entries.delete(key);
      if (entry.expiresAt <= now()) return undefined;
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, { value, expiresAt: now() + ttlMs });
      while (entries.size > max) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    delete: (key) => entries.delete(key),
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
