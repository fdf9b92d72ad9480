// Measures the anomaly method on the seeded demo (issue 18 item 1: "keep false alarms rare on the demo's normal
// data"): seeds a throwaway in-memory database at full scale, judges the last 60 ended days of every mini-program ×
// host series, and prints every anomaly with whether a seeded story explains it, and the unexplained ones per
// 1,000 judged series-days (a series-day is one day of one metric with enough traffic and history to judge).
//   npx tsx scripts/anomaly-report.ts
import { migrateDatabase, openDatabase } from "@/db";
import { seedDemo } from "@/db/seed";
import { ANOMALY_STORY } from "@/db/seed-events";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { getNames } from "@/lib/analytics/queries/names";
import { DEFAULT_ANOMALY_SETTINGS, detectAnomalies, type SeriesDay } from "@/lib/insights/anomalies";
import { getDailySeries } from "@/lib/insights/queries/series";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { FsBlobStore } from "@/lib/blobs/fs-store";
import type { BlobStore } from "@/lib/blobs";

async function withTempBlobStoreForScripts(run: (store: BlobStore) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-anomaly-report-"));
  try {
    await run(new FsBlobStore(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const JUDGED_DAYS = 60;
const handle = await openDatabase({ pgliteDir: "memory://" });
await migrateDatabase(handle);
await withTempBlobStoreForScripts(async (blobStore) => {
  const seed = await seedDemo(handle.db, { blobStore, log: (l) => console.log(l) });
  const orgId = seed.orgs.demo!;
  const to = addDays(utcDay(Date.now()), -1);
  const from = addDays(to, -(JUDGED_DAYS - 1));
  const rows = await getDailySeries(handle.db, { orgId, appIds: null }, {}, addDays(from, -DEFAULT_ANOMALY_SETTINGS.lookbackDays), to);
  const names = await getNames(handle.db, orgId);
  const series = new Map<string, SeriesDay[]>();
  for (const r of rows) (series.get(`${r.hostId}|${r.appId}`) ?? series.set(`${r.hostId}|${r.appId}`, []).get(`${r.hostId}|${r.appId}`)!).push(r);
  const stats = { judged: 0 };
  let unexplained = 0;
  const storyDay = addDays(utcDay(Date.now()), -ANOMALY_STORY.daysAgo);
  for (const [key, days] of series) {
    const [hostId, appId] = key.split("|") as [string, string];
    const host = names.hosts.get(hostId)!;
    for (const a of detectAnomalies(days, from, to, {}, stats)) {
      // The seeded stories (db/seed-events.ts): the outage, the revoked Parking 1.0.0's last days, the halted Loyalty candidate.
      const story =
        host === ANOMALY_STORY.host && appId === ANOMALY_STORY.appId && a.day === storyDay && a.metric === "errorRate"
          ? "the outage story"
          : appId === "com.demo.parking" && a.day >= addDays(utcDay(Date.now()), -18) && a.day <= addDays(utcDay(Date.now()), -11)
            ? "the revoked Parking release"
            : appId === "com.demo.loyalty" && a.day >= addDays(utcDay(Date.now()), -2)
              ? "the halted Loyalty candidate"
              : null;
      if (!story) unexplained++;
      console.log(`${a.day} ${host} ${names.miniPrograms.get(appId)} ${a.metric} ${a.value} vs ${a.expected} (${a.direction}, z ${a.score}) ${story ? `← ${story}` : "← UNEXPLAINED"}`);
    }
  }
  console.log(`judged ${stats.judged} series-days over ${series.size} series; ${unexplained} unexplained = ${((1000 * unexplained) / Math.max(1, stats.judged)).toFixed(2)} per 1,000`);
});
await handle.close();
