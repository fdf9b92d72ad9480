// Puts the benchmark's dataset into a migrated database: the ecosystem through Drizzle (hundreds of rows), the
// event history through COPY (the bulk path), then the rollups rebuilt set-based and the planner's statistics
// refreshed, as an operator would after a bulk import.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { and, eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import {
  apiTokens,
  assignments,
  auditLog,
  collaborators,
  credentialIndex,
  hostApps,
  memberships,
  miniPrograms,
  organizations,
  sessions,
  users,
  versions,
} from "@/db/schema";
import { rebuildRollups } from "@/lib/analytics/queries/rebuild-rollups";
import { list } from "@/lib/analytics/sql";
import { encryptSecret } from "@/lib/crypto/secrets";
import { sha256Hex } from "@/lib/crypto/hash";
import { newId } from "@/lib/ids";
import { EVENT_COPY_COLUMNS, eventCsvLine, VERSIONS, type Dataset, type GeneratedEvent, type OrgSpec } from "./dataset";

export const BENCH_PASSWORD_HASH = "bench-unused"; // nobody signs in with a password: sessions are minted
export const API_TOKEN_PREFIX = "t_bench_";

export type Credentials = {
  /** Per organization: the owner's user id, an owner API token, and a session id for a minted cookie. */
  orgs: { orgId: string; slug: string; userId: string; email: string; token: string; sessionId: string }[];
};

const ALL_PERMISSIONS = ["location", "camera", "microphone", "album", "bluetooth", "contacts", "userInfo", "phoneNumber", "payment", "clipboard", "nfc"];

/** Organizations, owners, tokens, sessions, hosts, mini-programs, approved versions and assignments. */
export async function loadEcosystem(handle: DbHandle, ds: Dataset): Promise<Credentials> {
  const db = handle.db;
  const creds: Credentials = { orgs: [] };
  const now = Date.now();
  for (const org of ds.orgs) {
    const userId = `usr_bench${String(org.index).padStart(2, "0")}`;
    const email = `owner@${org.slug}.bench`;
    const token = `${API_TOKEN_PREFIX}${org.slug}`;
    const tokenId = `tok_bench${String(org.index).padStart(2, "0")}`;
    const sessionId = `ses_bench${String(org.index).padStart(2, "0")}`;
    await db.transaction(async (tx) => {
      await tx.insert(organizations).values({ id: org.id, slug: org.slug, name: org.name });
      await tx.insert(users).values({ id: userId, email, name: `Owner of ${org.name}`, passwordHash: BENCH_PASSWORD_HASH });
      await tx.insert(memberships).values({ orgId: org.id, userId, role: "owner" });
      await tx.insert(apiTokens).values({ orgId: org.id, id: tokenId, userId, name: "bench", scope: "role", tokenHash: sha256Hex(token), hint: token.slice(0, 8) });
      await tx.insert(credentialIndex).values({ lookup: sha256Hex(token), kind: "api_token", orgId: org.id, refId: tokenId });
      await tx.insert(sessions).values({ id: sessionId, userId, expiresAt: new Date(now + 24 * 3_600_000) });
      await tx.insert(hostApps).values(
        org.hosts.map((h) => ({
          orgId: org.id,
          id: h.id,
          name: h.name,
          platforms: h.platforms.map((p) => ({ platform: p, identifier: `com.${org.slug}.host${h.index}` })),
          policy: { allowedPermissions: ALL_PERMISSIONS, allowedDomains: null, minSdkVersion: null },
          sdkKey: h.sdkKey,
          secretEnc: encryptSecret(h.sdkSecret),
        })),
      );
      await tx.insert(credentialIndex).values(org.hosts.map((h) => ({ lookup: h.sdkKey, kind: "sdk_key" as const, orgId: org.id, refId: h.id })));
      await tx.insert(miniPrograms).values(
        org.apps.map((a) => ({ orgId: org.id, id: a.id, appId: a.appId, name: a.name, category: a.category, createdBy: userId })),
      );
      await tx.insert(collaborators).values(org.apps.map((a) => ({ orgId: org.id, miniProgramId: a.id, userId })));
      const versionRows = org.apps.flatMap((a) =>
        VERSIONS.map((v, i) => ({
          orgId: org.id,
          id: `ver_${a.id.slice(3)}_${i}`,
          miniProgramId: a.id,
          appId: a.appId,
          version: v,
          status: "approved" as const,
          sha256: sha256Hex(`${a.appId}@${v}`),
          size: 20_000 + ((a.index * 7919 + i * 104_729) % 200_000),
          manifest: { appId: a.appId, name: a.name, version: v, pages: ["pages/index/index"], permissions: ["location"], domains: ["https://api.bench.test"], minSdkVersion: "2.0.0" },
          inspection: { ok: true, errors: [], warnings: [] },
          uploadedBy: userId,
          createdAt: new Date(now - (90 - i * 30) * 86_400_000),
          submittedAt: new Date(now - (90 - i * 30) * 86_400_000),
          decidedAt: new Date(now - (89 - i * 30) * 86_400_000),
        })),
      );
      await tx.insert(versions).values(versionRows);
      // Every host runs every mini-program of its organization; every fifth one has a candidate rolling out.
      await tx.insert(assignments).values(
        org.hosts.flatMap((h) =>
          org.apps.map((a) => {
            const rolling = a.index % 5 === 4;
            return {
              orgId: org.id,
              id: `asg_${a.id.slice(3)}_${h.index}`,
              hostId: h.id,
              miniProgramId: a.id,
              appId: a.appId,
              stableVersionId: `ver_${a.id.slice(3)}_${rolling ? 1 : 2}`,
              candidateVersionId: rolling ? `ver_${a.id.slice(3)}_2` : null,
              rolloutPercent: rolling ? 25 : 0,
            };
          }),
        ),
      );
      // Release control at its heaviest (issue 14, "Performance"): on the biggest organization's second host, every
      // assignment has targeting rules (two platforms, an SDK range, 1,000 listed users) and a trial version for
      // 500 testers (device-0 … device-499, half of the manifest requests the bench sends).
      if (org.index === 0) {
        const h = org.hosts[1]!;
        await tx
          .update(assignments)
          .set({
            rules: { platforms: ["ios", "android"], sdkVersion: ">=3.0.0 <4", users: Array.from({ length: 1000 }, (_, i) => `vip-${i}`) },
            testers: Array.from({ length: 500 }, (_, i) => `device-${i}`),
            trialVersionId: sql`'ver_' || substr(${assignments.miniProgramId}, 4) || '_2'`,
          })
          .where(and(eq(assignments.orgId, org.id), eq(assignments.hostId, h.id)));
      }
      // An audit history, so the audit page has something to page through.
      await tx.insert(auditLog).values(
        Array.from({ length: 300 }, (_, i) => ({
          orgId: org.id,
          id: newId("aud", now - (300 - i) * 600_000),
          actorType: "user" as const,
          actorId: userId,
          actorLabel: email,
          action: i % 3 === 0 ? "version.approve" : i % 3 === 1 ? "assignment.rollout" : "host.update",
          objectType: i % 3 === 0 ? "version" : i % 3 === 1 ? "assignment" : "host_app",
          objectId: `obj_${i}`,
          changes: { n: i },
        })),
      );
    });
    creds.orgs.push({ orgId: org.id, slug: org.slug, userId, email, token, sessionId });
  }
  return creds;
}

/** Rows per COPY statement on PGlite (the CSV travels as one in-memory blob). */
const PGLITE_COPY_ROWS = 200_000;

/**
 * COPY events into the `events` table: PGlite from an in-memory CSV blob, PostgreSQL FROM STDIN. Answers the
 * rows copied and the seconds spent inside COPY (CSV generation excluded when `pregenerated`).
 */
export async function copyEvents(handle: DbHandle, rows: Iterable<GeneratedEvent>): Promise<{ rows: number; seconds: number }> {
  let n = 0;
  let copySeconds = 0;
  if (handle.kind === "pglite") {
    const client = (handle.db as unknown as { $client: { query(q: string, p?: unknown[], o?: { blob?: Blob }): Promise<unknown> } }).$client;
    let chunk: string[] = [];
    const flush = async () => {
      if (!chunk.length) return;
      const blob = new Blob(chunk);
      chunk = [];
      const t0 = performance.now();
      await client.query(`COPY events (${EVENT_COPY_COLUMNS}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob });
      copySeconds += (performance.now() - t0) / 1000;
    };
    for (const e of rows) {
      chunk.push(eventCsvLine(e));
      n++;
      if (chunk.length >= PGLITE_COPY_ROWS) await flush();
    }
    await flush();
    return { rows: n, seconds: copySeconds };
  }
  const client = (handle.db as unknown as { $client: { unsafe(q: string): { writable(): Promise<NodeJS.WritableStream> }; reserve?: unknown } }).$client;
  const t0 = performance.now();
  const writable = await client.unsafe(`COPY events (${EVENT_COPY_COLUMNS}) FROM STDIN WITH (FORMAT csv)`).writable();
  const it = rows[Symbol.iterator]();
  const source = Readable.from(
    (function* () {
      let buf = "";
      for (let r = it.next(); !r.done; r = it.next()) {
        buf += eventCsvLine(r.value);
        n++;
        if (buf.length > 1 << 20) {
          yield buf;
          buf = "";
        }
      }
      if (buf) yield buf;
    })(),
  );
  await pipeline(source, writable);
  copySeconds = (performance.now() - t0) / 1000;
  return { rows: n, seconds: copySeconds };
}

/** Rebuilds every organization's rollups from the raw events, then refreshes planner statistics. */
export async function rebuildAll(handle: DbHandle, orgs: OrgSpec[]): Promise<void> {
  for (const org of orgs) await rebuildRollups(handle.db, org.id);
  await analyze(handle);
}

export async function analyze(handle: DbHandle): Promise<void> {
  await handle.db.execute(sql.raw("ANALYZE"));
}

/** How many rows a statement with RETURNING answered, on either driver. */
function rowCount(rows: unknown): number {
  return Array.isArray(rows) ? rows.length : ((rows as { rows?: unknown[] }).rows?.length ?? 0);
}

/** Deletes the given events again (the COPY baseline's rows, before the same rows are sent over HTTP). */
export async function deleteEventsWithPrefix(handle: DbHandle, orgIds: string[], idPrefix: string): Promise<number> {
  return rowCount(await handle.db.execute(sql`DELETE FROM events WHERE org_id IN (${list(orgIds)}) AND id LIKE ${idPrefix + "%"} RETURNING 1`));
}

/**
 * Every rolling candidate of these organizations gets a guardrail that never halts (a ceiling of 100 %), so the
 * release runner reads their figures while nothing changes: the bench's "ingest with guardrails" figure and
 * `bench/profile-ingest.ts --guarded`. Answers how many were guarded.
 */
export async function guardRollingCandidates(handle: DbHandle, orgIds: string[]): Promise<number> {
  return rowCount(
    await handle.db.execute(
      sql`UPDATE assignments SET guardrail = '{"maxErrorRate": 1, "minLaunches": 1, "windowMinutes": 1440}'::jsonb
          WHERE org_id IN (${list(orgIds)}) AND candidate_version_id IS NOT NULL RETURNING id`,
    ),
  );
}

/** Clears what guardRollingCandidates set: no assignment of these organizations has a guardrail afterwards. */
export async function unguardCandidates(handle: DbHandle, orgIds: string[]): Promise<void> {
  await handle.db.execute(sql`UPDATE assignments SET guardrail = NULL WHERE org_id IN (${list(orgIds)}) AND guardrail IS NOT NULL`);
}
