// Prepares the template databases for the whole run; each test file then starts from a copy of one (a PGlite dump,
// or a PostgreSQL `CREATE DATABASE … TEMPLATE`), which is far faster than migrating per file. Two templates: one
// migrated, and one with the demo seeded on top (test/seeded.ts), which sixty files start from: seeding builds and
// inspects fourteen packages, hashes six passwords and writes thousands of events, about 2 s a file on PGlite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ProvidedContext } from "vitest";
import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase, type DbHandle } from "../db";
import type { SeedResult } from "../db/seed";
import { utcDay } from "../lib/analytics/dates";
import { FsBlobStore } from "../lib/blobs/fs-store";
import { SEED_OPTIONS, seedKeyOf } from "./seed-options";

/** Seeds the demo into a migrated database, its packages into a fresh blob directory; what test/seeded.ts needs. */
async function seedTemplate(handle: DbHandle, blobDir: string): Promise<SeededTemplate> {
  const { seedDemo } = await import("../db/seed");
  const day = utcDay(Date.now());
  const seed = await seedDemo(handle.db, { ...SEED_OPTIONS, blobStore: new FsBlobStore(blobDir) });
  return { seed, day, blobDir, key: seedKeyOf(process.env) };
}

type Templates = { value: ProvidedContext["testDb"]; teardown: () => Promise<void> | void };
type Shared = { ready: Promise<Templates>; users: number };
const SHARED = Symbol.for("atrium.testTemplates");

/**
 * Vitest calls this once for each project (vitest.config.ts: "shared" and "isolated") and once for the root: the
 * templates are made by the first call and handed to the others, in the one process that runs every global setup,
 * and dropped by the last teardown. Made per call, they cost three migrations and three seedings one after another:
 * 22 s of a PGlite run alone, 63 s in CI beside the browser suites.
 */
export default async function setup(project: TestProject) {
  const g = globalThis as { [SHARED]?: Shared };
  const shared = (g[SHARED] ??= { ready: prepareTemplates(), users: 0 });
  shared.users++;
  const { value, teardown } = await shared.ready;
  project.provide("testDb", value);
  return async () => {
    if (--shared.users > 0) return;
    delete g[SHARED];
    await teardown();
  };
}

async function prepareTemplates(): Promise<Templates> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    const tag = String(process.pid);
    const template = `atrium_tpl_${tag}`;
    const prefix = `atrium_t_${tag}_`;
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template}`);
    await admin.unsafe(`CREATE DATABASE ${template}`);
    const tplUrl = withDatabase(url, template);
    const handle = await openDatabase({ databaseUrl: tplUrl, maxConnections: 1 });
    await migrateDatabase(handle);
    await handle.close();
    const seededTemplate = `atrium_tpl_seeded_${tag}`;
    await admin.unsafe(`DROP DATABASE IF EXISTS ${seededTemplate}`);
    await admin.unsafe(`CREATE DATABASE ${seededTemplate} TEMPLATE ${template}`);
    const seededHandle = await openDatabase({ databaseUrl: withDatabase(url, seededTemplate), maxConnections: 1 });
    const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-test-blobs-"));
    const seeded = await seedTemplate(seededHandle, blobDir);
    await seededHandle.close();
    const value = { kind: "postgres", url, template, prefix, seeded: { ...seeded, template: seededTemplate } } as const;
    const teardown = async () => {
      const rows = await admin<{ datname: string }[]>`SELECT datname FROM pg_database
        WHERE starts_with(datname, ${prefix}) OR datname IN (${template}, ${seededTemplate})`;
      for (const r of rows) await admin.unsafe(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.end();
      fs.rmSync(blobDir, { recursive: true, force: true });
    };
    return { value, teardown };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-test-"));
  const handle = await openDatabase({ pgliteDir: "memory://" });
  await migrateDatabase(handle);
  const file = path.join(dir, "template.tar");
  fs.writeFileSync(file, Buffer.from(await (await getPgliteDump(handle)).arrayBuffer()));
  const seeded = await seedTemplate(handle, path.join(dir, "blobs"));
  const seededFile = path.join(dir, "seeded.tar");
  fs.writeFileSync(seededFile, Buffer.from(await (await getPgliteDump(handle)).arrayBuffer()));
  await handle.close();
  return {
    value: { kind: "pglite", dumpFile: file, seeded: { ...seeded, dumpFile: seededFile } },
    teardown: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

async function getPgliteDump(handle: Awaited<ReturnType<typeof openDatabase>>): Promise<Blob> {
  // The drizzle PGlite database keeps its client on `$client`.
  const client = (handle.db as unknown as { $client: { dumpDataDir(c?: "none"): Promise<Blob> } }).$client;
  return client.dumpDataDir("none");
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The seeded template: the seed's ids, the UTC day it was seeded on and the key its secrets were encrypted with (a
 * file on another day or under another key seeds afresh, test/seeded.ts), and the directory of its package blobs.
 */
export type SeededTemplate = { seed: SeedResult; day: string; key: string; blobDir: string };

declare module "vitest" {
  export interface ProvidedContext {
    testDb:
      | { kind: "pglite"; dumpFile: string; seeded: SeededTemplate & { dumpFile: string } }
      | { kind: "postgres"; url: string; template: string; prefix: string; seeded: SeededTemplate & { template: string } };
  }
}
