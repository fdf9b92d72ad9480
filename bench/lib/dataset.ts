// The benchmark's synthetic ecosystem, fully determined by a seed: 30 organizations of Zipf-skewed size, 200
// mini-programs, host apps on several platforms, and 90 days of usage generated as sessions (a launch, page
// views, sometimes an error or a custom event, a session end) by users whose activity is skewed too. Pure: no
// database here, so the shape is unit-tested and identical for PGlite and PostgreSQL in one run.
import type { EventType, Platform } from "@/db/schema";
import { apportion, hash32, prng, weightedSampler, zipfWeights } from "./random";

export const DAY_MS = 86_400_000;
export const ORG_COUNT = 30;
export const MINI_PROGRAM_COUNT = 200;
/** The biggest organization's main host runs this many mini-programs: the manifest figure's host. */
export const BIG_ORG_APPS = 50;
export const HISTORY_DAYS = 90;
export const VERSIONS = ["1.0.0", "1.1.0", "1.2.0"] as const;

const HOST_PLATFORMS: Platform[][] = [["ios", "android", "harmony"], ["android", "web"], ["windows", "macos", "linux"], ["web"]];
const HOST_SHARES = [0.6, 0.25, 0.1, 0.05];
const CATEGORIES = ["shopping", "travel", "business", "utilities", "finance", "social", "games", "education"];

export type HostSpec = { index: number; id: string; name: string; sdkKey: string; sdkSecret: string; platforms: Platform[]; share: number };
export type AppSpec = { index: number; id: string; appId: string; name: string; category: string; weight: number };
export type OrgSpec = {
  index: number;
  id: string;
  slug: string;
  name: string;
  /** Share of all events. */
  weight: number;
  hosts: HostSpec[];
  apps: AppSpec[];
  /** End users in the organization's pool. */
  users: number;
};

export type Dataset = { seed: number; orgs: OrgSpec[] };

/** The ecosystem (no events): organizations, their hosts and mini-programs, and user pool sizes. */
export function buildDataset(seed: number, totalEvents: number): Dataset {
  const orgWeights = zipfWeights(ORG_COUNT, 1.1);
  // The biggest organization has exactly BIG_ORG_APPS mini-programs; the rest share the others by size.
  const appCounts = [BIG_ORG_APPS, ...apportion(MINI_PROGRAM_COUNT - BIG_ORG_APPS, orgWeights.slice(1), 1)];
  let appSerial = 0;
  const orgs = orgWeights.map((weight, index): OrgSpec => {
    const nn = String(index).padStart(2, "0");
    const id = `org_bench${nn}`;
    const hostCount = index === 0 ? 4 : index < 5 ? 2 : 1;
    const shares = HOST_SHARES.slice(0, hostCount);
    const shareSum = shares.reduce((a, b) => a + b, 0);
    const hosts = shares.map((share, h): HostSpec => ({
      index: h,
      id: `hst_bench${nn}_${h}`,
      name: `Host ${h + 1} of org ${nn}`,
      sdkKey: `ak_bench${nn}_${h}`,
      sdkSecret: `sk_bench_${(hash32(`${seed}:${id}:${h}`) >>> 0).toString(16).padStart(8, "0")}_${nn}_${h}`,
      platforms: HOST_PLATFORMS[h]!,
      share: share / shareSum,
    }));
    const appWeights = zipfWeights(appCounts[index]!, 1.0);
    const apps = appWeights.map((w, a): AppSpec => {
      const serial = appSerial++;
      return {
        index: a,
        id: `mp_bench${String(serial).padStart(3, "0")}`,
        appId: `com.bench${nn}.app${String(a).padStart(2, "0")}`,
        name: `App ${a + 1} of org ${nn}`,
        category: CATEGORIES[serial % CATEGORIES.length]!,
        weight: w,
      };
    });
    const events = totalEvents * weight;
    // About 40 events (9–10 sessions) per user over the 90 days on average, heavily skewed between users.
    const users = Math.max(200, Math.round(events / 40));
    return { index, id, slug: `bench-${nn}`, name: `Bench Org ${nn}`, weight, hosts, apps, users };
  });
  return { seed, orgs };
}

export type GeneratedEvent = {
  orgId: string;
  hostId: string;
  id: string;
  type: EventType;
  appId: string;
  version: string;
  userId: string;
  platform: Platform;
  /** Epoch milliseconds. */
  ts: number;
  durationMs: number | null;
  page: string | null;
  name: string | null;
  message: string | null;
};

export type GenerateOptions = {
  /** Events to generate for this organization (whole sessions, so it may overshoot by a few). */
  events: number;
  /** The last instant any event may have (usually now minus a margin). */
  until: number;
  /** Days back from `until`'s day that events spread over, `until`'s day included. */
  days: number;
  /** Distinguishes event ids of separate runs over one organization (bulk history, ingest pools). */
  idPrefix: string;
  seed: number;
};

/** The user id of rank r in an organization's pool: long-ish and opaque, like a real SDK's. */
export function userIdOf(org: OrgSpec, rank: number): string {
  return `u${hash32(`${org.id}:${rank}`).toString(36).padStart(7, "0")}${rank.toString(36)}`;
}

/** Generates one organization's events session by session, in a deterministic order. */
export function* generateEvents(org: OrgSpec, o: GenerateOptions): Generator<GeneratedEvent> {
  const rand = prng(o.seed ^ hash32(org.id + o.idPrefix));
  const lastDayStart = Math.floor(o.until / DAY_MS) * DAY_MS;
  const firstDayStart = lastDayStart - (o.days - 1) * DAY_MS;
  // Growth over the range and quieter weekends.
  const dayWeights = Array.from({ length: o.days }, (_, d) => {
    const dow = new Date(firstDayStart + d * DAY_MS).getUTCDay();
    return (1 + (0.3 * d) / Math.max(1, o.days - 1)) * (dow === 0 || dow === 6 ? 0.75 : 1);
  });
  const pickDay = weightedSampler(dayWeights);
  const pickUser = weightedSampler(zipfWeights(org.users, 0.75));
  const pickApp = weightedSampler(org.apps.map((a) => a.weight));
  const pickHost = weightedSampler(org.hosts.map((h) => h.share));
  // Per-user facts are derived once per rank (ids and favourites are hashes of the rank, so order-independent).
  const userIds: (string | undefined)[] = new Array(org.users);
  const favourites = new Int32Array(org.users).fill(-1);
  let produced = 0;
  let session = 0;
  while (produced < o.events) {
    const rank = pickUser(rand);
    const userId = (userIds[rank] ??= userIdOf(org, rank));
    const userHash = hash32(userId);
    // Most sessions are in a user's favourite mini-program; the rest anywhere in the organization.
    if (favourites[rank] === -1) favourites[rank] = pickApp(prng(userHash));
    const app = org.apps[rand() < 0.65 ? favourites[rank]! : pickApp(rand)]!;
    const host = org.hosts[pickHost(rand)]!;
    const platform = host.platforms[userHash % host.platforms.length]!;
    const d = pickDay(rand);
    const dayStart = firstDayStart + d * DAY_MS;
    // Versions ship every third of the range; most users run the newest one out by then.
    const released = Math.min(VERSIONS.length - 1, Math.floor((d * VERSIONS.length) / o.days));
    const version = VERSIONS[rand() < 0.8 || released === 0 ? released : released - 1]!;
    const dayEnd = Math.min(dayStart + DAY_MS - 1, o.until);
    let t = dayStart + Math.floor(rand() * Math.max(1, dayEnd - dayStart - 30 * 60_000));
    const sid = `${o.idPrefix}${(session++).toString(36)}_`;
    let k = 0;
    const emit = (type: EventType, durationMs: number | null, page: string | null, name: string | null, message: string | null): GeneratedEvent => ({
      orgId: org.id,
      hostId: host.id,
      id: sid + k++,
      type,
      appId: app.appId,
      version,
      userId,
      platform,
      ts: Math.min(t, o.until),
      durationMs,
      page,
      name,
      message,
    });
    const start = t;
    yield emit("launch", null, null, null, null);
    const views = Math.floor(rand() * 5);
    for (let v = 0; v < views; v++) {
      t += 5_000 + Math.floor(rand() * 60_000);
      yield emit("page_view", null, v === 0 ? "pages/index/index" : PAGES[Math.floor(rand() * PAGES.length)]!, null, null);
    }
    let extra = 0;
    if (rand() < 0.03) {
      t += 1_000;
      extra++;
      yield emit("error", null, null, null, "TypeError: cannot read properties of undefined");
    }
    if (rand() < 0.15) {
      t += 1_000;
      extra++;
      yield emit("custom", null, null, "share", null);
    }
    t += 2_000 + Math.floor(rand() * 30_000);
    yield emit("session_end", Math.min(t, o.until) - start, null, null, null);
    produced += 2 + views + extra;
  }
}

const PAGES = Array.from({ length: 6 }, (_, i) => `pages/p${i + 1}/index`);

const dayPrefixes = new Map<number, string>();
const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** `Date#toISOString` without a Date per call: the day's prefix is cached, the time of day is arithmetic. */
export function isoUtc(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  let r = ms - day * DAY_MS;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const sec = Math.floor(r / 1000);
  return `${prefix}${pad(h, 2)}:${pad(m, 2)}:${pad(sec, 2)}.${pad(r - sec * 1000, 3)}Z`;
}

/** One CSV line for COPY into `events` (the column order of EVENT_COPY_COLUMNS). Values never hold commas. */
export function eventCsvLine(e: GeneratedEvent): string {
  return `${e.orgId},${e.hostId},${e.id},${e.type},${e.appId},${e.version},${e.userId},${e.platform},${isoUtc(e.ts)},${e.durationMs ?? ""},${e.page ?? ""},${e.name ?? ""},${e.message ?? ""}\n`;
}

export const EVENT_COPY_COLUMNS = "org_id, host_id, id, type, app_id, version, user_id, platform, ts, duration_ms, page, name, message";

/** The wire shape of an event, as an SDK sends it (CONTRACT §6). */
export function wireEvent(e: GeneratedEvent): Record<string, unknown> {
  const w: Record<string, unknown> = { id: e.id, type: e.type, appId: e.appId, version: e.version, userId: e.userId, ts: e.ts, platform: e.platform };
  if (e.durationMs !== null) w.durationMs = e.durationMs;
  if (e.page !== null) w.page = e.page;
  if (e.name !== null) w.name = e.name;
  if (e.message !== null) w.message = e.message;
  return w;
}
