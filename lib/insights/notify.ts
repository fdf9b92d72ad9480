// `anomaly.detected` to webhooks, once per anomaly (issue 18 item 1): the release job runner's loop
// (lib/release/runner.ts) calls this every few seconds and it looks every ANOMALY_CHECK_MS. Each pass judges the
// last few ended UTC days of every organization with usage; an anomaly is sent when its row in
// anomaly_notifications is inserted, in the same transaction as the deliveries, so two server processes (or a
// restart) never send one twice, and one found late (events up to 7 days old arrive late) is still sent once.
import { sql } from "drizzle-orm";
import type { Db } from "@/db";
import { anomalyNotifications } from "@/db/schema";
import { addDays, utcDay } from "@/lib/analytics/dates";
import { getNames } from "@/lib/analytics/queries/names";
import { selectRows } from "@/lib/analytics/sql";
import { newId } from "@/lib/ids";
import { enqueueWebhook } from "@/lib/services/webhooks";
import { anomalyItem, detectInScope, type Anomaly } from "./anomaly-service";

/** Ended days judged on each pass: late events (CONTRACT §6 takes them up to 7 days old) can make an anomaly later. */
export const ANOMALY_NOTIFY_DAYS = 7;
export const ANOMALY_CHECK_MS = Math.max(1_000, Number(process.env.ANOMALY_CHECK_MS) || 15 * 60_000);

export type NotifyReport = { organizations: number; anomalies: number; sent: number };

/** One pass at `now`: every new anomaly of the last ANOMALY_NOTIFY_DAYS ended days, recorded and queued once. */
export async function runAnomalyNotifications(db: Db, now = new Date()): Promise<NotifyReport> {
  const to = addDays(utcDay(now.getTime()), -1);
  const from = addDays(to, -(ANOMALY_NOTIFY_DAYS - 1));
  const orgs = await selectRows<{ orgId: string }>(db, sql`SELECT DISTINCT org_id AS "orgId" FROM daily_stats WHERE day BETWEEN ${from}::date AND ${to}::date`);
  const report: NotifyReport = { organizations: orgs.length, anomalies: 0, sent: 0 };
  for (const { orgId } of orgs) {
    const found = await detectInScope(db, { orgId, appIds: null }, {}, from, to, now.getTime());
    report.anomalies += found.length;
    if (found.length === 0) continue;
    const names = await getNames(db, orgId);
    for (const a of found) if (await notifyOnce(db, orgId, a, names)) report.sent++;
  }
  return report;
}

async function notifyOnce(db: Db, orgId: string, a: Anomaly, names: Awaited<ReturnType<typeof getNames>>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(anomalyNotifications)
      .values({ orgId, hostId: a.hostId, appId: a.appId, metric: a.metric, day: a.day, value: a.value, expected: a.expected, score: a.score })
      .onConflictDoNothing()
      .returning({ day: anomalyNotifications.day });
    if (inserted.length === 0) return false;
    await enqueueWebhook(tx, orgId, "anomaly.detected", {
      id: newId("evt"),
      type: "anomaly.detected",
      createdAt: new Date().toISOString(),
      orgId,
      actor: null,
      data: { anomaly: anomalyItem(a, names) },
    });
    return true;
  });
}

const state = globalThis as typeof globalThis & { __atriumAnomalyLastRun?: number };

/** For the runner's loop: a pass when ANOMALY_CHECK_MS has gone by since the last one in this process. */
export async function runAnomalyNotificationsIfDue(db: Db, now = Date.now()): Promise<NotifyReport | null> {
  if (state.__atriumAnomalyLastRun !== undefined && now - state.__atriumAnomalyLastRun < ANOMALY_CHECK_MS) return null;
  state.__atriumAnomalyLastRun = now;
  return runAnomalyNotifications(db, new Date(now));
}
