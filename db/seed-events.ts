// The demo's usage history (CONTRACT §2, "90 days of usage events with realistic daily and weekly shape"),
// generated from what the seed already holds, so the figures and the console agree: only assigned
// mini-programs have events, from the day they were assigned, and each end user runs the version the
// manifest would have served them at the time (the assignment timeline replayed through the contract's
// rollout rule). The story it tells:
// - growth: each host app gains users week after week; each mini-program's launch brings a wave of new users;
// - rhythm: consumer hosts peak at weekends, the workplace host nearly sleeps through them;
// - the bad version: the release that was later revoked (Parking 1.0.0 in the demo) spikes in errors over its
//   last days, until the kill switch and the fixed release take it out of service;
// - rollouts: version adoption follows each candidate's percentage, then the promotion;
// - the bad candidate: Loyalty 1.1.0 fails often from its first day on Demo Wallet, until its guardrail halts
//   it (db/seed-assignments.ts) and everyone is back on 1.0.0;
// - the anomaly (CONTRACT §11): three days ago, Expenses on Demo SuperApp failed far more often than usual for one
//   day (a receipt-upload outage), which the insights list on the overview and mark on the charts.
// Written in bulk (multi-row JSON inserts), then the rollups are built set-based from the raw rows.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "./index";
import { assignmentEvents, assignments, hostApps, versions, type EventType, type HostPlatform, type Platform } from "./schema";
import { bulkInsertEvents, type BulkEvent } from "@/lib/analytics/queries/bulk-insert-events";
import { rebuildRollups } from "@/lib/analytics/queries/rebuild-rollups";
import { statsCache } from "@/lib/analytics/stats-cache";
import { chooseVersion } from "@/lib/rollout/bucket";
import { prng } from "@/lib/random";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const CHUNK = 5000;

export type SeedEventsOptions = {
  orgId: string;
  /** Days of history ending today (default 90). */
  days?: number;
  /**
   * Multiplies the number of end users (default SEED_EVENTS_SCALE, else 1: about 200,000 events). Under
   * vitest the default is 0.03, since every test file that seeds the demo would otherwise pay for the full
   * history; SEED_EVENTS_SCALE=0 writes none.
   */
  scale?: number;
  now?: number;
  log?: (line: string) => void;
};

export type SeedEventsResult = { events: number; users: number; ms: number };

/** How each demo host's audience behaves; a host not listed gets the first profile. */
type HostProfile = { users: number; weekend: number; platformWeights: Partial<Record<Platform, number>> };
const HOST_PROFILES: Record<string, HostProfile> = {
  "Demo SuperApp": { users: 2000, weekend: 1.3, platformWeights: { ios: 0.46, android: 0.44, harmony: 0.1 } },
  "Demo Workplace": { users: 800, weekend: 0.22, platformWeights: { windows: 0.55, macos: 0.25, linux: 0.05, android: 0.15 } },
  "Demo Wallet": { users: 800, weekend: 1.15, platformWeights: { ios: 0.5, android: 0.5 } },
};

/** How each mini-program is used; others get the default. */
type AppProfile = { reach: number; pages: string[]; medianSessionMs: number; baseErrorRate: number };
const DEFAULT_APP: AppProfile = { reach: 0.4, pages: ["pages/index/index"], medianSessionMs: 120_000, baseErrorRate: 0.015 };
const APP_PROFILES: Record<string, AppProfile> = {
  "com.demo.coupons": { reach: 0.72, pages: ["pages/index/index", "pages/detail/detail"], medianSessionMs: 95_000, baseErrorRate: 0.012 },
  "com.demo.parking": { reach: 0.38, pages: ["pages/index/index", "pages/pay/pay"], medianSessionMs: 160_000, baseErrorRate: 0.018 },
  "com.demo.expenses": { reach: 0.3, pages: ["pages/index/index"], medianSessionMs: 240_000, baseErrorRate: 0.02 },
  "com.demo.loyalty": { reach: 0.8, pages: ["pages/index/index"], medianSessionMs: 60_000, baseErrorRate: 0.01 },
  "com.demo.weather": { reach: 0.6, pages: ["pages/index/index", "pages/radar/radar"], medianSessionMs: 45_000, baseErrorRate: 0.008 },
};
/** Over its last days before revocation, a revoked release fails this often per session. */
const BAD_VERSION_ERROR_RATE = 0.2;
const BAD_VERSION_SPIKE_DAYS = 5;
/** The demo's custom event names (issue 18's events view and funnels), chosen by the event counter, not `rand`. */
const CUSTOM_EVENTS = ["share", "favorite", "redeem"];

/** One bad day for one mini-program on one host: extra errors per session that day (the insights' demo anomaly). */
export const ANOMALY_STORY = { host: "Demo SuperApp", appId: "com.demo.expenses", daysAgo: 3, extraErrorRate: 0.3 } as const;
/** Candidates that fail from the start, per session: what a guardrail is for. */
const BAD_CANDIDATES: Record<string, number> = { "com.demo.loyalty@1.1.0": 0.18 };

/** Hour-of-day weights (UTC): a morning rise, a lunchtime bump and an evening peak. */
const HOURS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.4, 3.2, 3, 2.8, 3.1, 3.6, 3.2, 2.8, 2.7, 2.9, 3.3, 3.9, 4.4, 4.6, 4, 2.8, 1.7];
const HOUR_TOTAL = HOURS.reduce((a, b) => a + b, 0);

function defaultScale(): number {
  const env = process.env.SEED_EVENTS_SCALE;
  if (env !== undefined && env !== "" && Number.isFinite(Number(env))) return Math.max(0, Number(env));
  return process.env.VITEST ? 0.03 : 1;
}

type VersionRef = { version: string; revokedAt: number | null };
type Change = { at: number; action: string; to: Record<string, unknown> | null };
type Timeline = { hostId: string; appId: string; start: number; end: number | null; changes: Change[]; fallbackStable: string };
type ServingState = { stable: string | null; candidate: string | null; percent: number; paused: boolean };

function versionOf(ref: unknown): string | null {
  return ref && typeof ref === "object" && "version" in ref && typeof ref.version === "string" ? ref.version : null;
}

/** The assignment's state at an instant, replaying its timeline (assignment_events) up to then. */
function stateAt(t: Timeline, at: number): ServingState {
  const s: ServingState = { stable: null, candidate: null, percent: 0, paused: false };
  let previous: string | null = null;
  for (const c of t.changes) {
    if (c.at > at) break;
    const to = c.to ?? {};
    switch (c.action) {
      case "assign":
        s.stable = versionOf(to.stable) ?? s.stable;
        break;
      case "candidate":
        s.candidate = versionOf(to.candidate);
        break;
      case "rollout":
      case "step":
        if (typeof to.rolloutPercent === "number") s.percent = to.rolloutPercent;
        s.candidate = versionOf(to.candidate) ?? s.candidate;
        break;
      case "pause":
      case "halt":
        s.paused = true;
        break;
      case "resume":
        s.paused = false;
        break;
      case "promote":
        previous = s.stable;
        s.stable = versionOf(to.stable) ?? s.candidate ?? s.stable;
        s.candidate = null;
        s.percent = 0;
        break;
      case "rollback":
        if (s.candidate) s.candidate = null;
        else s.stable = versionOf(to.stable) ?? previous ?? s.stable;
        s.percent = 0;
        break;
    }
  }
  // An assignment without a recorded timeline has served its current stable version all along.
  if (t.changes.length === 0) s.stable = t.fallbackStable;
  return s;
}

type SimUser = { id: string; platform: Platform; joined: number; engagement: number; apps: Map<string, number> };

function pickWeighted<T extends string>(rand: () => number, weights: Partial<Record<T, number>>): T {
  const entries = Object.entries(weights) as [T, number][];
  let r = rand() * entries.reduce((a, [, w]) => a + w, 0);
  for (const [k, w] of entries) {
    r -= w;
    if (r <= 0) return k;
  }
  return entries[entries.length - 1]![0];
}

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export async function seedEvents(db: Db, opts: SeedEventsOptions): Promise<SeedEventsResult> {
  const started = performance.now();
  const scale = opts.scale ?? defaultScale();
  const days = opts.days ?? 90;
  const now = opts.now ?? Date.now();
  const { orgId } = opts;
  if (scale <= 0) return { events: 0, users: 0, ms: 0 };

  const hosts = await db.select({ id: hostApps.id, name: hostApps.name, platforms: hostApps.platforms }).from(hostApps).where(eq(hostApps.orgId, orgId));
  const assigned = await db.select().from(assignments).where(eq(assignments.orgId, orgId));
  if (assigned.length === 0) {
    opts.log?.("No assignments: no usage history to seed.");
    return { events: 0, users: 0, ms: 0 };
  }
  const changes = await db
    .select({ assignmentId: assignmentEvents.assignmentId, action: assignmentEvents.action, to: assignmentEvents.to, at: assignmentEvents.at })
    .from(assignmentEvents)
    .where(eq(assignmentEvents.orgId, orgId))
    .orderBy(asc(assignmentEvents.at), asc(assignmentEvents.id));
  const versionRows = await db
    .select({ id: versions.id, appId: versions.appId, version: versions.version, revokedAt: versions.revokedAt })
    .from(versions)
    .where(and(eq(versions.orgId, orgId), inArray(versions.status, ["approved", "revoked"])));
  const versionById = new Map(versionRows.map((v) => [v.id, v]));
  const refs = new Map<string, VersionRef>(versionRows.map((v) => [`${v.appId}@${v.version}`, { version: v.version, revokedAt: v.revokedAt?.getTime() ?? null }]));

  const timelines: Timeline[] = assigned.map((a) => {
    const own = changes.filter((c) => c.assignmentId === a.id).map((c) => ({ at: c.at.getTime(), action: c.action, to: c.to }));
    const unassigned = own.find((c) => c.action === "unassign");
    return {
      hostId: a.hostId,
      appId: a.appId,
      start: own[0]?.at ?? a.createdAt.getTime(),
      end: unassigned?.at ?? null,
      changes: own,
      fallbackStable: versionById.get(a.stableVersionId)?.version ?? "1.0.0",
    };
  });

  const rand = prng(90_2026);
  const windowStart = Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS;
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  let buffer: BulkEvent[] = [];
  let written = 0;
  let userCount = 0;
  let seq = 0;
  let rollupsFrom = started;

  await db.transaction(async (tx) => {
    const flush = async () => {
      for (let i = 0; i < buffer.length; i += CHUNK) written += await bulkInsertEvents(tx, orgId, buffer.slice(i, i + CHUNK));
      buffer = [];
    };

    for (const host of hosts) {
      const lines = timelines.filter((t) => t.hostId === host.id);
      if (lines.length === 0) continue;
      const profile = HOST_PROFILES[host.name] ?? HOST_PROFILES["Demo SuperApp"]!;
      const platforms = Object.fromEntries(
        (host.platforms as HostPlatform[]).map((p) => [p.platform, profile.platformWeights[p.platform] ?? 0.1]),
      ) as Partial<Record<Platform, number>>;
      const hostStart = Math.max(windowStart, Math.min(...lines.map((l) => l.start)));
      const span = Math.max(1, (now - hostStart) / DAY_MS);
      const slug = host.name.toLowerCase().replace(/^demo\s+/, "").replace(/[^a-z0-9]+/g, "-");

      // Growth: a launch cohort on day one, then more users joining week after week (faster towards today).
      const users: SimUser[] = Array.from({ length: Math.round(profile.users * scale) }, (_, i) => {
        const early = rand() < 0.18;
        const joined = early ? hostStart + rand() * 2 * DAY_MS : hostStart + span * DAY_MS * Math.pow(rand(), 0.75);
        const apps = new Map<string, number>();
        for (const l of lines) {
          const reach = (APP_PROFILES[l.appId] ?? DEFAULT_APP).reach;
          if (rand() < reach) apps.set(l.appId, 0.45 + rand() * 0.55);
        }
        return { id: `${slug}-${(i + 1).toString().padStart(6, "0")}`, platform: pickWeighted(rand, platforms), joined, engagement: 0.1 + 0.6 * rand() ** 1.8, apps };
      }).filter((u) => u.apps.size > 0);
      userCount += users.length;

      for (let day = Math.floor(hostStart / DAY_MS) * DAY_MS; day <= today; day += DAY_MS) {
        const weekday = new Date(day).getUTCDay();
        const rhythm = weekday === 0 || weekday === 6 ? profile.weekend : 1;
        for (const u of users) {
          if (u.joined >= day + DAY_MS) continue;
          const age = Math.max(0, (day - u.joined) / DAY_MS);
          // A user is active on the day they join; then they come back often at first, and settle to their own
          // habit (or drift away).
          const p = Math.min(0.95, u.engagement * rhythm * (0.3 + 0.7 * Math.exp(-age / 24)) + (u.joined >= day ? 1 : 0));
          if (rand() >= p) continue;
          for (const line of lines) {
            const affinity = u.apps.get(line.appId);
            if (affinity === undefined || rand() >= affinity) continue;
            const app = APP_PROFILES[line.appId] ?? DEFAULT_APP;
            const sessions = 1 + (rand() < 0.35 ? 1 : 0) + (rand() < 0.12 ? 1 : 0);
            for (let s = 0; s < sessions; s++) {
              let hour = 0;
              for (let r = rand() * HOUR_TOTAL; hour < 23 && (r -= HOURS[hour]!) > 0; ) hour++;
              const at = Math.max(day + hour * HOUR_MS + Math.floor(rand() * HOUR_MS), u.joined);
              if (at > now || at < line.start || (line.end !== null && at >= line.end) || at < day) continue;
              const state = stateAt(line, at);
              const ref = (v: string | null) => (v ? (refs.get(`${line.appId}@${v}`) ?? { version: v, revokedAt: null }) : null);
              const servable = (r: VersionRef | null) => (r && (r.revokedAt === null || r.revokedAt > at) ? r : null);
              const version = chooseVersion({
                appId: line.appId,
                userId: u.id,
                stable: servable(ref(state.stable)),
                candidate: servable(ref(state.candidate)),
                rolloutPercent: state.percent,
                paused: state.paused,
              });
              if (!version) continue;
              const spiking = version.revokedAt !== null && at > version.revokedAt - BAD_VERSION_SPIKE_DAYS * DAY_MS;
              const badCandidate = BAD_CANDIDATES[`${line.appId}@${version.version}`];
              // Raising the rate adds no draw from `rand`, so the other stories' figures stay as they were.
              const outage = host.name === ANOMALY_STORY.host && line.appId === ANOMALY_STORY.appId && day === today - ANOMALY_STORY.daysAgo * DAY_MS;
              const errorRate =
                (spiking ? BAD_VERSION_ERROR_RATE * Math.min(1, (at - (version.revokedAt! - BAD_VERSION_SPIKE_DAYS * DAY_MS)) / (1.5 * DAY_MS)) : 0) +
                (badCandidate ?? 0) +
                (outage ? ANOMALY_STORY.extraErrorRate : 0) +
                app.baseErrorRate;
              const base = { hostId: host.id, appId: line.appId, version: version.version, userId: u.id, platform: u.platform };
              const event = (type: EventType, t: number, extra: Partial<BulkEvent> = {}) =>
                buffer.push({ ...base, ...extra, id: `seed-${(++seq).toString(36)}`, type, ts: new Date(Math.min(t, now)).toISOString() });
              event("launch", at);
              let t = at + 400 + Math.floor(rand() * 1500);
              const views = 1 + Math.floor(rand() * 4);
              for (let v = 0; v < views; v++) {
                event("page_view", t, { page: app.pages[Math.floor(rand() * app.pages.length)]! });
                t += 5_000 + Math.floor(rand() * 40_000);
              }
              if (rand() < errorRate) {
                event("error", t, {
                  // Ids, numbers and URLs vary from event to event (from the event counter, not `rand`, so every
                  // other figure stays as it was): the error groups fold each story into one group.
                  message: spiking
                    ? `PaymentError: callback signature rejected by provider for order ord_${(seq * 7919).toString(16)}`
                    : badCandidate
                      ? "TypeError: Cannot read properties of null (reading 'balance')"
                      : outage
                        ? `NetworkError: receipt upload to https://upload.demo.test/receipts/${seq} timed out after ${8000 + (seq % 7) * 1000} ms`
                        : "TypeError: Cannot read properties of undefined",
                });
                if (spiking && rand() < 0.3) event("error", t + 2_000, { message: "PaymentError: retry failed" });
              }
              if (rand() < 0.05) event("custom", t, { name: CUSTOM_EVENTS[seq % CUSTOM_EVENTS.length]! });
              const duration = Math.min(86_400_000, Math.round(app.medianSessionMs * Math.exp(0.75 * gaussian(rand))));
              event("session_end", Math.max(t, at + duration), { durationMs: duration });
            }
          }
        }
        if (buffer.length >= CHUNK) await flush();
      }
    }
    await flush();
    rollupsFrom = performance.now();
    await rebuildRollups(tx, orgId);
  });
  // Committed: what a read kept meanwhile (from before the rebuild) goes too (stats-cache.ts).
  statsCache.forgetOrg(orgId);
  // Fresh statistics and visibility maps: without them the planner takes these tables for empty and picks
  // nested loops, and PGlite runs no autovacuum to fix that later. VACUUM cannot run in a transaction.
  for (const table of ["events", "daily_stats", "daily_users", "first_launches"]) await db.execute(sql.raw(`VACUUM ANALYZE ${table}`));

  const ms = Math.round(performance.now() - started);
  const secs = (x: number) => (x / 1000).toFixed(1);
  opts.log?.(
    `Seeded ${written.toLocaleString("en")} usage events from ${userCount.toLocaleString("en")} end users over ${days} days in ${secs(ms)} s ` +
      `(events ${secs(rollupsFrom - started)} s, rollups ${secs(performance.now() - rollupsFrom)} s).`,
  );
  return { events: written, users: userCount, ms };
}
