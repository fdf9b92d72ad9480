// Sign-in throttling with growing delays (ASVS 6.3.1), never a lock-out.
// Three counters: per account+address (the attacker's own pair: delays grow to 15 min), per address
// (one address spraying many accounts: up to 15 min), and per account alone (a distributed attack on one
// account). The last is capped at 30 s, so an attacker can slow a real user's sign-in but never lock them out.
import { eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { loginThrottle } from "@/db/schema";

const FREE_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const CAPS_S = { pair: 15 * 60, ip: 15 * 60, account: 30 } as const;
const IP_FREE_FAILURES = 20;

type Keys = { pair: string; ip: string | null; account: string };

function keysFor(email: string, ip: string | null): Keys {
  const e = email.trim().toLowerCase();
  return { pair: `pair:${e}|${ip ?? "-"}`, ip: ip ? `ip:${ip}` : null, account: `acct:${e}` };
}

export function delaySeconds(failures: number, free: number, capS: number): number {
  if (failures < free) return 0;
  return Math.min(capS, 2 ** (failures - free));
}

/** Seconds the caller must still wait before another attempt is even checked; 0 when free to try. */
export async function throttleWait(db: Db, email: string, ip: string | null, now = new Date()): Promise<number> {
  const k = keysFor(email, ip);
  const keys = [k.pair, k.account, ...(k.ip ? [k.ip] : [])];
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  let wait = 0;
  for (const r of rows) {
    if (now.getTime() - r.lastFailureAt.getTime() > WINDOW_MS) continue;
    if (r.blockedUntil) wait = Math.max(wait, Math.ceil((r.blockedUntil.getTime() - now.getTime()) / 1000));
  }
  return Math.max(0, wait);
}

export async function recordFailure(db: Db, email: string, ip: string | null, now = new Date()): Promise<void> {
  const k = keysFor(email, ip);
  const entries: [string, number, number][] = [
    [k.pair, FREE_FAILURES, CAPS_S.pair],
    [k.account, FREE_FAILURES * 2, CAPS_S.account],
  ];
  if (k.ip) entries.push([k.ip, IP_FREE_FAILURES, CAPS_S.ip]);
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  for (const [key, free, cap] of entries) {
    // One statement per key: counters reset when the last failure is older than the window.
    const [row] = await db
      .insert(loginThrottle)
      .values({ key, failures: 1, lastFailureAt: now })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          // postgres-js does not serialise a Date inside a raw sql template (PGlite does): pass ISO text.
          failures: sql`CASE WHEN ${loginThrottle.lastFailureAt} < ${windowStart.toISOString()}::timestamptz THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
          lastFailureAt: now,
        },
      })
      .returning({ failures: loginThrottle.failures });
    const d = delaySeconds(row?.failures ?? 1, free, cap);
    if (d > 0) {
      await db.update(loginThrottle).set({ blockedUntil: new Date(now.getTime() + d * 1000) }).where(eq(loginThrottle.key, key));
    }
  }
}

export async function recordSuccess(db: Db, email: string, ip: string | null): Promise<void> {
  const k = keysFor(email, ip);
  // A successful sign-in clears this account's counters, not the address's (it may be spraying others).
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [k.pair, k.account]));
}

export async function pruneThrottle(db: Db, now = new Date()): Promise<void> {
  await db.delete(loginThrottle).where(lt(loginThrottle.lastFailureAt, new Date(now.getTime() - WINDOW_MS)));
}
