// Scenario 4: SIGKILL a server on embedded PGlite while it writes (mini-programs created through the API, each
// with its audit entry in one transaction, and event batches through the SDK API), then start it again on the
// same PGLITE_DIR: it must open, find no migration to apply, and hold every write it acknowledged, whole.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { MIGRATIONS_DIR, migrateDatabase, type DbHandle } from "@/db";
import { AtriumSdkClient, EVENTS_PATH } from "@/sdk-client";
import { api, SEED, type ConsoleUnderTest } from "./console";
import { rows } from "./ingest";
import { sleep } from "./server";

export type RecoveryFigures = {
  miniProgramsAttempted: number;
  miniProgramsAcknowledged: number;
  miniProgramsPresent: number;
  eventBatchesAcknowledged: number;
  eventsAcknowledged: number;
  eventsPresent: number;
  /** Acknowledged writes missing after the restart: mini-programs plus events. */
  lostWrites: number;
  partialRows: number;
  reopenSeconds: number;
  migrationsBefore: number;
  migrationsAfter: number;
  migrationFiles: number;
};

const VERSION = "97.4.0";
const WRITERS = 4;

export async function runRecovery(c: ConsoleUnderTest): Promise<{ problems: string[]; figures: RecoveryFigures; lines: string[] }> {
  const { server } = c;
  const problems: string[] = [];
  const prefix = `com.faults.r${randomBytes(3).toString("hex")}`;
  const attempted = new Set<string>();
  const acked = new Set<string>();
  const ackedEvents = new Set<string>();
  let ackedBatches = 0;
  let stop = false;

  let seq = 0;
  const writer = async () => {
    while (!stop) {
      const appId = `${prefix}.n${seq++}`;
      attempted.add(appId);
      const r = await api(server.baseUrl, "POST", "/api/v1/mini-programs", { appId, name: `Recovery ${appId}`, category: "other" }).catch(() => null);
      if (r?.status === 201) acked.add(appId);
      else if (r) problems.push(`creating ${appId} answered ${r.status}`);
      else return;
    }
  };
  const sdk = new AtriumSdkClient({ baseUrl: server.baseUrl, sdkKey: SEED.sdkKey, sdkSecret: SEED.sdkSecret });
  const { manifest } = await sdk.getManifest({ user: "faults", platform: "ios", sdkVersion: "9.0.0" });
  const appIdForEvents = manifest.miniPrograms[0]?.appId;
  if (!appIdForEvents) throw new Error("The demo host's manifest lists no mini-program");
  const reporter = async () => {
    for (let b = 0; !stop; b++) {
      const events = Array.from({ length: 100 }, (_, i) => ({
        id: `rec-${prefix.slice(-6)}-${b}-${i}`,
        type: "launch",
        appId: appIdForEvents,
        version: VERSION,
        userId: `rec-${b}-${i}`,
        ts: Date.now(),
        platform: "ios",
      }));
      const res = await sdk.signedFetch("POST", EVENTS_PATH, JSON.stringify({ events })).catch(() => null);
      if (!res) return;
      // The kill can land between the answer's status line and its body: the body's read then fails, and the batch
      // was not acknowledged to this client, as when the request itself failed. A body that arrives whole but is not
      // the expected JSON is still a problem below.
      const text = await res.text().catch(() => null);
      if (text === null) return;
      const body = (() => {
        try {
          return JSON.parse(text) as { accepted?: number } | null;
        } catch {
          return null;
        }
      })();
      if (res.status === 202 && body?.accepted === events.length) {
        ackedBatches++;
        for (const e of events) ackedEvents.add(e.id);
      } else problems.push(`an event batch answered ${res.status} ${JSON.stringify(body)}`);
    }
  };

  const work = Promise.all([...Array.from({ length: WRITERS }, writer), reporter()]);
  // Kill once a good amount is acknowledged, with writes certainly in flight.
  const deadline = Date.now() + 30_000;
  while ((acked.size < 40 || ackedBatches < 10) && Date.now() < deadline) await sleep(20);
  await server.kill();
  stop = true;
  await work;

  // Up when /api/health answers (it never touches the database); open once the first API read answers.
  const t0 = performance.now();
  await server.start();
  let readable = 0;
  let reopenSeconds = 0;
  for (const appId of acked) {
    if ((await api(server.baseUrl, "GET", `/api/v1/mini-programs/${appId}`)).status === 200) readable++;
    reopenSeconds ||= Math.round(performance.now() - t0) / 1000;
  }
  await server.stop();

  const journal = JSON.parse(fs.readFileSync(`${MIGRATIONS_DIR}/meta/_journal.json`, "utf8")) as { entries: unknown[] };
  const handle: DbHandle = await c.openDb();
  try {
    const countMigrations = async () => (await rows<{ n: number }>(handle, sql`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`))[0]?.n ?? 0;
    const migrationsBefore = await countMigrations();
    await migrateDatabase(handle);
    const migrationsAfter = await countMigrations();

    const present = await rows<{ app_id: string; audits: number }>(
      handle,
      sql`SELECT m.app_id, (SELECT count(*)::int FROM audit_log a WHERE a.object_id = m.id AND a.action = 'mini_program.create') AS audits
          FROM mini_programs m WHERE m.app_id LIKE ${`${prefix}.%`}`,
    );
    const presentIds = new Set(present.map((r) => r.app_id));
    const eventIds = new Set((await rows<{ id: string }>(handle, sql`SELECT id FROM events WHERE version = ${VERSION}`)).map((r) => r.id));
    const [rollup] = await rows<{ n: number }>(handle, sql`SELECT coalesce(sum(events), 0)::int AS n FROM daily_stats WHERE version = ${VERSION}`);

    const lostMps = [...acked].filter((a) => !presentIds.has(a));
    const lostEvents = [...ackedEvents].filter((id) => !eventIds.has(id)).length;
    const partial = present.filter((r) => r.audits !== 1).map((r) => r.app_id);
    const strays = [...presentIds].filter((a) => !attempted.has(a));
    const figures: RecoveryFigures = {
      miniProgramsAttempted: attempted.size,
      miniProgramsAcknowledged: acked.size,
      miniProgramsPresent: presentIds.size,
      eventBatchesAcknowledged: ackedBatches,
      eventsAcknowledged: ackedEvents.size,
      eventsPresent: eventIds.size,
      lostWrites: lostMps.length + lostEvents,
      partialRows: partial.length + Math.abs((rollup?.n ?? 0) - eventIds.size),
      reopenSeconds,
      migrationsBefore,
      migrationsAfter,
      migrationFiles: journal.entries.length,
    };
    if (acked.size === 0 || ackedBatches === 0) problems.push("nothing was acknowledged before the kill: it proved nothing");
    if (lostMps.length) problems.push(`${lostMps.length} acknowledged mini-programs missing: ${lostMps.slice(0, 5).join(", ")}`);
    if (readable !== acked.size) problems.push(`${acked.size - readable} acknowledged mini-programs not readable through the API after the restart`);
    if (lostEvents) problems.push(`${lostEvents} acknowledged events missing`);
    if (partial.length) problems.push(`mini-programs without exactly one audit entry: ${partial.join(", ")}`);
    if ((rollup?.n ?? 0) !== eventIds.size) problems.push(`the rollup counts ${rollup?.n} events, the raw table ${eventIds.size}`);
    if (strays.length) problems.push(`mini-programs nobody asked for: ${strays.join(", ")}`);
    if (migrationsBefore !== journal.entries.length) problems.push(`${migrationsBefore} migrations recorded, ${journal.entries.length} committed`);
    if (migrationsAfter !== migrationsBefore) problems.push(`migrating again applied ${migrationsAfter - migrationsBefore} migrations`);
    const lines = [
      `killed with ${acked.size}/${attempted.size} mini-programs and ${ackedBatches} event batches acknowledged; the restarted server answered its first API read ${reopenSeconds} s after start`,
      `after the restart: ${presentIds.size} mini-programs (${lostMps.length} acknowledged ones missing, ${partial.length} without their audit entry), ` +
        `${eventIds.size} events (${lostEvents} acknowledged ones missing, rollup ${rollup?.n}); migrations ${migrationsBefore} recorded = ${journal.entries.length} files, ` +
        `${migrationsAfter - migrationsBefore} applied on reopening`,
    ];
    return { problems, figures, lines };
  } finally {
    await handle.close();
  }
}
