// tsx bench/profile-overview.ts [--pglite DIR | --url URL] [--org ID] [--days 90] [--runs 5]: times every query the
// overview runs, one by one (PGlite runs them one after another anyway), plus the whole service call, on a
// database `npm run bench` left behind (.data/bench/pglite by default). The profile docs/benchmarks.md quotes.
// The user-day queries (daily-users, range-users, retention, breakdown-users) are what the overview ran before the
// distinct-set rollups; it now runs distinct-sets (reading the day bitmaps) instead of all four.
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { getBreakdownStats } from "@/lib/analytics/queries/breakdown-stats";
import { getBreakdownUsers } from "@/lib/analytics/queries/breakdown-users";
import { getDailyStats } from "@/lib/analytics/queries/daily-stats";
import { getDailyUsers } from "@/lib/analytics/queries/daily-users";
import { getNames } from "@/lib/analytics/queries/names";
import { getRangeUsers } from "@/lib/analytics/queries/range-users";
import { getRetention } from "@/lib/analytics/queries/retention";
import { getOverview } from "@/lib/analytics/service";
import { getDistinctUsers } from "@/lib/analytics/distinct-users";
import { readUserSets } from "@/lib/analytics/queries/user-sets";
import { sql } from "drizzle-orm";
import { loadOrgContext } from "@/lib/authz/context";
import { median } from "./lib/stats";

const { values: a } = parseArgs({ options: { pglite: { type: "string" }, url: { type: "string" }, org: { type: "string" }, days: { type: "string" }, runs: { type: "string" } } });
const handle = await openDatabase(a.url ? { databaseUrl: a.url } : { pgliteDir: a.pglite ?? path.resolve(import.meta.dirname, "../.data/bench/pglite") });
const orgId = a.org ?? "org_bench00";
const runs = Number(a.runs ?? 5);
const to = utcDay(Date.now());
const from = addDays(to, -(Number(a.days ?? 90) - 1));
const scope = { orgId, appIds: null };
const db = handle.db;

async function time(label: string, f: () => Promise<unknown>) {
  await f();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await f();
    xs.push(performance.now() - t);
  }
  console.log(`${label.padEnd(18)} median ${median(xs).toFixed(1).padStart(7)} ms   (${xs.map((x) => x.toFixed(0)).join(", ")})`);
}

try {
  console.log(`${handle.kind}, organization ${orgId}, ${from} … ${to}, ${runs} runs each`);
  await time("daily-stats", () => getDailyStats(db, scope, {}, from, to));
  await time("daily-users (MAU)", () => getDailyUsers(db, scope, {}, from, to));
  await time("range-users", () => getRangeUsers(db, scope, {}, from, to));
  await time("retention", () => getRetention(db, scope, {}, from, to));
  await time("breakdown-stats", () => getBreakdownStats(db, scope, {}, from, to));
  await time("breakdown-users", () => getBreakdownUsers(db, scope, {}, from, to));
  await time("names", () => getNames(db, orgId));
  await time("user-sets (read)", () => readUserSets(db, scope, {}, addDays(from, -29), addDays(to, 7)));
  await time("distinct-sets", () => getDistinctUsers(db, scope, {}, from, to));
  const appId = (await db.execute(sql`SELECT app_id FROM daily_stats WHERE org_id = ${orgId} GROUP BY 1 ORDER BY sum(launches) DESC LIMIT 1`)) as unknown;
  const top = (Array.isArray(appId) ? appId : (appId as { rows: { app_id: string }[] }).rows)[0] as { app_id: string } | undefined;
  if (top) await time("distinct, 1 app", () => getDistinctUsers(db, scope, { appId: top.app_id }, from, to));
  const ctx = await loadOrgContext(db, { id: orgId }, { type: "user", userId: `usr_bench${orgId.slice(-2)}`, email: "owner", name: "owner", sessionId: "ses" }, null);
  await time("whole overview", () => getOverview(ctx, { from, to }));
} finally {
  await handle.close();
}
