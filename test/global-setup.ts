// Prepares one migrated template database for the whole run; each test file then starts from a copy of it
// (a PGlite dump, or a PostgreSQL `CREATE DATABASE … TEMPLATE`), which is far faster than migrating per file.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase, openDatabase } from "../db";

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
    project.provide("testDb", { kind: "postgres", url, template, prefix });
    return async () => {
      const rows = await admin<{ datname: string }[]>`SELECT datname FROM pg_database WHERE starts_with(datname, ${prefix}) OR datname = ${template}`;
      for (const r of rows) await admin.unsafe(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.end();
    };
  }
  const handle = await openDatabase({ pgliteDir: "memory://" });
  await migrateDatabase(handle);
  const dump = await getPgliteDump(handle);
  await handle.close();
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "atrium-test-")), "template.tar");
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("testDb", { kind: "pglite", dumpFile: file });
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
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

declare module "vitest" {
  export interface ProvidedContext {
    testDb: { kind: "pglite"; dumpFile: string } | { kind: "postgres"; url: string; template: string; prefix: string };
  }
}
