// A fresh, migrated database per test file, on PGlite or (with TEST_DATABASE_URL) PostgreSQL.
import fs from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { openDatabase, setDbHandleForTests, type DbHandle } from "../db";
import { withDatabase } from "./global-setup";

export async function createTestDb(): Promise<DbHandle> {
  const cfg = inject("testDb");
  if (cfg.kind === "pglite") {
    const blob = new Blob([fs.readFileSync(cfg.dumpFile)]);
    return openDatabase({ pgliteLoadFrom: blob });
  }
  const { default: postgres } = await import("postgres");
  const admin = postgres(cfg.url, { max: 1, onnotice: () => {} });
  const name = `${cfg.prefix}${randomBytes(6).toString("hex")}`;
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${cfg.template}`);
  await admin.end();
  const handle = await openDatabase({ databaseUrl: withDatabase(cfg.url, name), maxConnections: 5 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const a = postgres(cfg.url, { max: 1, onnotice: () => {} });
      await a.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Registers a database for the current file; also installs it as the process-wide one. */
export function useTestDb(): { readonly handle: DbHandle } {
  const box = {} as { handle: DbHandle };
  beforeAll(async () => {
    box.handle = await createTestDb();
    setDbHandleForTests(box.handle);
  });
  afterAll(async () => {
    setDbHandleForTests(undefined);
    await box.handle?.close();
  });
  return box;
}
