// tsx bench/profile-insights.ts [--pglite DIR | --url URL] [--org ID] [--app ID] [--days 90] [--runs 5] [--explain]:
// times issue 18's queries (error groups, pages, custom events, funnel) one by one beside their raw-event
// equivalents (raw-keys.ts), on a database `npm run bench` left behind (.data/bench/pglite by default); with
// --explain, prints EXPLAIN ANALYZE of the keyed queries. The profile docs/benchmarks.md quotes.
import { sql } from "drizzle-orm";
import { getFunnelEvents } from "@/lib/analytics/queries/funnel-events";
import { getErrorDetails, getKeyTotals } from "@/lib/analytics/queries/keys";
import { computeErrorGroupsFromRaw, computeEventsFromRaw, computeFunnelFromRaw, computePagesFromRaw } from "@/lib/analytics/raw-keys";
import { selectRows } from "@/lib/analytics/sql";
import { openProfile } from "./lib/profile";

const { a, handle, db, runs, orgId, from, to, scope, time: timeRuns } = await openProfile({ app: { type: "string" }, explain: { type: "boolean" } });
const steps = [
  { type: "page" as const, value: "pages/index/index" },
  { type: "page" as const, value: "pages/p1/index" },
  { type: "event" as const, value: "share" },
];

const time = (label: string, f: () => Promise<unknown>) => timeRuns(label, f, 22);

try {
  const appId =
    a.app ??
    (await selectRows<{ app: string }>(db, sql`SELECT app_id AS app FROM daily_keys WHERE org_id = ${orgId} GROUP BY app_id ORDER BY sum(count) DESC LIMIT 1`))[0]!.app;
  const sizes = await selectRows<Record<string, number>>(
    db,
    sql`SELECT (SELECT count(*) FROM events WHERE org_id = ${orgId} AND app_id = ${appId})::int AS events,
      (SELECT count(*) FROM daily_keys WHERE org_id = ${orgId} AND app_id = ${appId})::int AS "dailyKeys",
      (SELECT count(*) FROM daily_key_users WHERE org_id = ${orgId} AND app_id = ${appId})::int AS "dailyKeyUsers"`,
  );
  console.log(`${handle.kind}, ${orgId}/${appId}, ${from} … ${to}, ${runs} runs each, rows ${JSON.stringify(sizes[0])}`);
  const q = { from, to, appId };
  const f = { appId };
  if (a.explain) {
    const { PgDialect } = await import("drizzle-orm/pg-core");
    const dialect = new PgDialect();
    // Capture the SQL the queries send by running them through a recording stand-in.
    for (const [label, run] of [
      ["errors totals", (d: typeof db) => getKeyTotals(d, scope, f, "error", from, to, 100)],
      ["pages totals", (d: typeof db) => getKeyTotals(d, scope, f, "page", from, to, 500)],
      ["events totals", (d: typeof db) => getKeyTotals(d, scope, f, "event", from, to, 500)],
      ["funnel events", (d: typeof db) => getFunnelEvents(d, scope, q, steps)],
    ] as const) {
      // Every statement is kept: the funnel's SET LOCAL comes before its query, and is replayed with it.
      const texts: { sql: string; params: unknown[] }[] = [];
      const spy = { execute: async (query: never) => (texts.push(dialect.sqlToQuery(query)), []) } as unknown as typeof db;
      (spy as unknown as { transaction: (f: (tx: typeof db) => Promise<unknown>) => Promise<unknown> }).transaction = (f) => f(spy);
      await run(spy);
      if (texts.length === 0) continue;
      const inlined = texts.map((t) =>
        t.sql.replace(/\$(\d+)/g, (_, n: string) => {
          const v = t.params[Number(n) - 1];
          return typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`;
        }),
      );
      const plan = await db.transaction(async (tx) => {
        for (const before of inlined.slice(0, -1)) await tx.execute(sql.raw(before));
        return selectRows<Record<string, string>>(tx, sql.raw(`EXPLAIN (ANALYZE, BUFFERS) ${inlined.at(-1)!}`));
      });
      console.log(`\n=== ${label}\n${plan.map((r) => Object.values(r)[0]).join("\n")}`);
    }
  }
  await time("errors totals", () => getKeyTotals(db, scope, f, "error", from, to, 100));
  await time("errors details", async () => {
    const keys = (await getKeyTotals(db, scope, f, "error", from, to, 100)).map((t) => t.key);
    return getErrorDetails(db, scope, f, keys, from, to);
  });
  await time("errors raw", () => computeErrorGroupsFromRaw(db, scope, q));
  await time("pages totals", () => getKeyTotals(db, scope, f, "page", from, to, 500));
  await time("pages raw", () => computePagesFromRaw(db, scope, q));
  await time("events totals", () => getKeyTotals(db, scope, f, "event", from, to, 500));
  await time("events raw", () => computeEventsFromRaw(db, scope, q));
  await time("funnel events", () => getFunnelEvents(db, scope, q, steps));
  await time("funnel raw", () => computeFunnelFromRaw(db, scope, { ...q, steps }));
} finally {
  await handle.close();
}
