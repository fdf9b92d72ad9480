// tsx bench/profile-overview.ts [--pglite DIR | --url URL] [--org ID] [--days 90] [--runs 5]: times every query the
// overview runs, one by one (PGlite runs them one after another anyway), plus the whole service call, on a
// database `npm run bench` left behind (.data/bench/pglite by default). The profile docs/benchmarks.md quotes.
// The user-day queries (daily-users, range-users, retention, breakdown-users) are what the overview ran before the
// distinct-set rollups; it now runs distinct-sets (reading the day bitmaps) instead of all four.
// --pending N: then again with N user-days waiting for the background fold (copies of the organization's latest
// user-days, every other one under a user id not numbered yet), removed again at the end.
import { getRangeStats, getStatsByDayAndBreakdown } from "@/lib/analytics/queries/breakdown-stats";
import { getBreakdownUsers } from "@/lib/analytics/queries/breakdown-users";
import { getDailyUsers } from "@/lib/analytics/queries/daily-users";
import { getNames } from "@/lib/analytics/queries/names";
import { getRangeUsers } from "@/lib/analytics/queries/range-users";
import { getRetention } from "@/lib/analytics/queries/retention";
import { getOverview } from "@/lib/analytics/service";
import { getDistinctUsers } from "@/lib/analytics/distinct-users";
import { readDistinctSources } from "@/lib/analytics/queries/user-sets";
import { sql } from "drizzle-orm";
import { loadOrgContext } from "@/lib/authz/context";
import { setCache, unionBitmaps, unionSizes, unitCache } from "@/lib/analytics/set-cache";
import { statsCache } from "@/lib/analytics/stats-cache";
import { processChangeFeed } from "@/lib/sdk-server/change-feed";
import { openProfile } from "./lib/profile";

const { a, handle, db, runs, orgId, from, to, scope, time } = await openProfile({ pending: { type: "string" } });

try {
  console.log(`${handle.kind}, organization ${orgId}, ${from} … ${to}, ${runs} runs each`);
  await time("daily-users (MAU)", () => getDailyUsers(db, scope, {}, from, to));
  await time("range-users", () => getRangeUsers(db, scope, {}, from, to));
  await time("retention", () => getRetention(db, scope, {}, from, to));
  // Read whole (as a fresh server process), and with the closed days' part held from the run before (stats-cache.ts).
  await time("stats: days + breakdown, nothing held", () => (statsCache.clear(), getStatsByDayAndBreakdown(db, scope, {}, from, to)));
  await time("stats: days + breakdown", () => getStatsByDayAndBreakdown(db, scope, {}, from, to));
  await time("stats: days only (totals)", () => getRangeStats(db, scope, {}, from, to, false));
  await time("breakdown-users", () => getBreakdownUsers(db, scope, {}, from, to));
  await time("names", () => getNames(db, orgId));
  // With nothing held (as a fresh server process, or after a fold rewrote the rows), and with the bytes of every
  // row version (PostgreSQL) or unit of rows (PGlite) held from the run before (lib/analytics/set-cache.ts).
  await time("user-sets (read), nothing held", () => (setCache.clear(), unitCache.clear(), readDistinctSources(db, scope, {}, from, to, true)), 30);
  await time("user-sets (read)", () => readDistinctSources(db, scope, {}, from, to, true));
  await time("distinct-sets, nothing held", () => (setCache.clear(), unitCache.clear(), unionSizes.clear(), unionBitmaps.clear(), getDistinctUsers(db, scope, {}, from, to)), 30);
  await time("distinct-sets", () => getDistinctUsers(db, scope, {}, from, to));
  const appId = (await db.execute(sql`SELECT app_id FROM daily_stats WHERE org_id = ${orgId} GROUP BY 1 ORDER BY sum(launches) DESC LIMIT 1`)) as unknown;
  const top = (Array.isArray(appId) ? appId : (appId as { rows: { app_id: string }[] }).rows)[0] as { app_id: string } | undefined;
  if (top) await time("distinct, 1 app", () => getDistinctUsers(db, scope, { appId: top.app_id }, from, to));
  const ctx = await loadOrgContext(db, { id: orgId }, { type: "user", userId: `usr_bench${orgId.slice(-2)}`, email: "owner", name: "owner", sessionId: "ses" }, null);
  await time("whole overview", () => getOverview(ctx, { from, to }));
  const pending = Number(a.pending ?? 0);
  if (pending > 0) {
    await db.execute(sql`
      INSERT INTO pending_user_days (org_id, day, app_id, host_id, version, platform, user_id)
      SELECT org_id, day, app_id, host_id, version, platform, CASE WHEN n % 2 = 0 THEN user_id ELSE 'profile-pending-' || n END
      FROM (SELECT d.*, row_number() OVER (ORDER BY day DESC, user_id) AS n FROM daily_users d WHERE org_id = ${orgId}) x
      WHERE n <= ${pending}`);
    try {
      await time(`distinct-sets, ${pending} pending`, () => getDistinctUsers(db, scope, {}, from, to), 30);
      if (top) await time(`distinct, 1 app, ${pending} pending`, () => getDistinctUsers(db, scope, { appId: top.app_id }, from, to), 30);
      await time(`whole overview, ${pending} pending`, () => getOverview(ctx, { from, to }), 30);
    } finally {
      await db.execute(sql`DELETE FROM pending_user_days WHERE org_id = ${orgId}`);
    }
  }
} finally {
  await (await processChangeFeed()).close();
  await handle.close();
}
