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

class Refused extends Error {
  constructor(readonly waitSeconds: number) {
    super("throttled");
  }
}

/**
 * Counts this attempt as a failure on every key before the password is checked, in one transaction, and
 * answers 0 to go ahead or the seconds to wait. Counting first is what makes it hold under parallel guesses:
 * each attempt's count is taken under the key's row lock, so the attempt that crosses the free limit sets
 * the delay that the next one (however close behind) sees. A refused attempt counts nothing. A successful
 * sign-in takes its count back (recordSuccess).
 */
export async function beginAttempt(db: Db, email: string, ip: string | null, now = new Date()): Promise<number> {
  const k = keysFor(email, ip);
  // Always in this order, so two attempts that share a key never wait on each other crosswise.
  const entries: [string, number, number][] = [
    [k.pair, FREE_FAILURES, CAPS_S.pair],
    [k.account, FREE_FAILURES * 2, CAPS_S.account],
  ];
  if (k.ip) entries.push([k.ip, IP_FREE_FAILURES, CAPS_S.ip]);
  // postgres-js does not serialise a Date inside a raw sql template (PGlite does): pass ISO text.
  const nowText = now.toISOString();
  const stale = sql`${loginThrottle.lastFailureAt} < ${new Date(now.getTime() - WINDOW_MS).toISOString()}::timestamptz`;
  try {
    await db.transaction(async (tx) => {
      for (const [key, free, cap] of entries) {
        const [row] = await tx
          .insert(loginThrottle)
          .values({ key, failures: 1, lastFailureAt: now })
          .onConflictDoUpdate({
            target: loginThrottle.key,
            // Counters reset when the last failure is older than the window.
            set: { failures: sql`CASE WHEN ${stale} THEN 1 ELSE ${loginThrottle.failures} + 1 END`, lastFailureAt: now },
            // A key still blocked takes no count: the attempt is refused below.
            setWhere: sql`${loginThrottle.blockedUntil} IS NULL OR ${loginThrottle.blockedUntil} <= ${nowText}::timestamptz OR ${stale}`,
          })
          .returning({ failures: loginThrottle.failures });
        if (!row) {
          const [cur] = await tx.select({ blockedUntil: loginThrottle.blockedUntil }).from(loginThrottle).where(eq(loginThrottle.key, key));
          throw new Refused(Math.max(1, Math.ceil(((cur?.blockedUntil?.getTime() ?? now.getTime()) - now.getTime()) / 1000)));
        }
        const d = delaySeconds(row.failures, free, cap);
        if (d > 0) await tx.update(loginThrottle).set({ blockedUntil: new Date(now.getTime() + d * 1000) }).where(eq(loginThrottle.key, key));
      }
    });
  } catch (e) {
    if (e instanceof Refused) return e.waitSeconds;
    throw e;
  }
  return 0;
}

export async function recordSuccess(db: Db, email: string, ip: string | null): Promise<void> {
  const k = keysFor(email, ip);
  // A successful sign-in clears this account's counters; the address only gets back the count this attempt
  // took (it may be spraying other accounts).
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [k.pair, k.account]));
  if (k.ip) {
    await db
      .update(loginThrottle)
      .set({
        failures: sql`GREATEST(${loginThrottle.failures} - 1, 0)`,
        blockedUntil: sql`CASE WHEN ${loginThrottle.failures} - 1 < ${IP_FREE_FAILURES} THEN NULL ELSE ${loginThrottle.blockedUntil} END`,
      })
      .where(eq(loginThrottle.key, k.ip));
  }
}

/**
 * A fixed-window counter in the same table, for requests that are not sign-in attempts (a password reset asked
 * for): counts one against `key` and answers 0 to go ahead or the milliseconds until the window ends. One upsert,
 * so it holds across server processes and under parallel requests: each takes its count under the row's lock.
 * The window starts at the first request (kept in last_failure_at) and lasts `windowMs`.
 */
export async function consumeWindow(db: Db, key: string, limit: number, windowMs: number, now = new Date()): Promise<number> {
  const stale = sql`${loginThrottle.lastFailureAt} <= ${new Date(now.getTime() - windowMs).toISOString()}::timestamptz`;
  const [row] = await db
    .insert(loginThrottle)
    .values({ key, failures: 1, lastFailureAt: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`CASE WHEN ${stale} THEN 1 ELSE ${loginThrottle.failures} + 1 END`,
        lastFailureAt: sql`CASE WHEN ${stale} THEN ${now.toISOString()}::timestamptz ELSE ${loginThrottle.lastFailureAt} END`,
      },
    })
    .returning({ count: loginThrottle.failures, since: loginThrottle.lastFailureAt });
  if (!row || row.count <= limit) return 0;
  return Math.max(1, row.since.getTime() + windowMs - now.getTime());
}

export async function pruneThrottle(db: Db, now = new Date()): Promise<void> {
  await db.delete(loginThrottle).where(lt(loginThrottle.lastFailureAt, new Date(now.getTime() - WINDOW_MS)));
}
