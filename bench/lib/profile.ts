// What the profile scripts (bench/profile-*.ts) share: the database `npm run bench` left behind, the range and
// organization to read, and a timer that prints the median of repeated runs after a warm-up.
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { openDatabase, setDbHandleForTests } from "@/db";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { median } from "./stats";

const COMMON = { pglite: { type: "string" }, url: { type: "string" }, org: { type: "string" }, days: { type: "string" }, runs: { type: "string" } } as const;

export async function openProfile<O extends NonNullable<ParseArgsConfig["options"]>>(extra: O) {
  const { values } = parseArgs({ options: { ...COMMON, ...extra } });
  const a = values as Record<keyof typeof COMMON, string | undefined> & typeof values;
  const handle = await openDatabase(a.url ? { databaseUrl: a.url } : { pgliteDir: a.pglite ?? path.resolve(import.meta.dirname, "../../.data/bench/pglite") });
  // The process's database too: what the code under profile reaches through getDb (the change feed, stats-cache.ts).
  setDbHandleForTests(handle);
  const runs = Number(a.runs ?? 5);
  const orgId = a.org ?? "org_bench00";
  const to = utcDay(Date.now());
  const from = addDays(to, -(Number(a.days ?? 90) - 1));
  /** Runs `f` once to warm up, then `runs` times, and prints the median and every run. */
  async function time(label: string, f: () => Promise<unknown>, width = 18) {
    await f();
    const xs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await f();
      xs.push(performance.now() - t);
    }
    console.log(`${label.padEnd(width)} median ${median(xs).toFixed(1).padStart(8)} ms   (${xs.map((x) => x.toFixed(0)).join(", ")})`);
  }
  return { a, handle, db: handle.db, runs, orgId, from, to, scope: { orgId, appIds: null }, time };
}
