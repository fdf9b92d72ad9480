// Prepares the template databases for the whole run; each test file then starts from a copy of one (a PGlite dump,
// or a PostgreSQL `CREATE DATABASE … TEMPLATE`), which is far faster than migrating per file. Two templates: one
// migrated, and one with the demo seeded on top (test/seeded.ts), which sixty files start from: seeding builds and
// inspects fourteen packages, hashes six passwords and writes thousands of events, about 2 s a file on PGlite.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const { default: postgres } = await import("postgres");
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    // One template per vitest project (vitest.config.ts runs the setup for each): apart, so that neither's
    // teardown drops the other's databases.
    const tag = `${process.pid}_${project.name.replace(/[^a-z0-9]/gi, "")}`;
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
    project.provide("testDb", { kind: "postgres", url, template, prefix, seeded: { ...seeded, template: seededTemplate } });
    return async () => {
      const rows = await admin<{ datname: string }[]>`SELECT datname FROM pg_database
        WHERE starts_with(datname, ${prefix}) OR datname IN (${template}, ${seededTemplate})`;
      for (const r of rows) await admin.unsafe(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.end();
      fs.rmSync(blobDir, { recursive: true, force: true });
    };
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
  project.provide("testDb", { kind: "pglite", dumpFile: file, seeded: { ...seeded, dumpFile: seededFile } });
  return () => fs.rmSync(dir, { recursive: true, force: true });
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
