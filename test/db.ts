// A fresh, migrated database per test file, on PGlite or (with TEST_DATABASE_URL) PostgreSQL.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, inject } from "vitest";
import { openDatabase, setDbHandleForTests, type DbHandle, type OpenOptions } from "../db";
import { withDatabase } from "./global-setup";

// A worker opens one PGlite per test file. What each opening used to redo (measured: 1.2-1.9 s an opening, now
// 0.4-0.6 s) is done once per worker: reading the template dump (Node's Blob hands it back in chunks it then
// concatenates: PGlite reads the whole dump through `arrayBuffer()`), compiling PGlite's WebAssembly and reading
// its file bundle. And the database starts with 16 MB of shared buffers instead of 128 MB, which PostgreSQL
// initialises at every start; a test database is far smaller.
class DumpBlob extends Blob {
  constructor(private readonly tar: ArrayBuffer) {
    super([], { type: "application/x-tar" });
  }
  override get size(): number {
    return this.tar.byteLength;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.tar.slice(0));
  }
}

let pgliteOptions: Promise<NonNullable<OpenOptions["pglite"]>> | undefined;
function loadPgliteOptions() {
  return (pgliteOptions ??= (async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    const dist = path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
    return {
      pgliteWasmModule: await WebAssembly.compile(fs.readFileSync(path.join(dist, "pglite.wasm"))),
      fsBundle: new Blob([fs.readFileSync(path.join(dist, "pglite.data"))]),
      startParams: [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"],
    };
  })());
}
const dumps = new Map<string, ArrayBuffer>();
function loadDump(file: string): ArrayBuffer {
  let dump = dumps.get(file);
  if (!dump) {
    const bytes = fs.readFileSync(file);
    dump = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    dumps.set(file, dump);
  }
  return dump;
}

/** A fresh database: migrated, or (`seeded`) a copy of the run's seeded template (test/global-setup.ts). */
export async function createTestDb(opts: { seeded?: boolean } = {}): Promise<DbHandle> {
  const cfg = inject("testDb");
  if (cfg.kind === "pglite") {
    const dump = loadDump(opts.seeded ? cfg.seeded.dumpFile : cfg.dumpFile);
    return openDatabase({ pgliteLoadFrom: new DumpBlob(dump), pglite: await loadPgliteOptions() });
  }
  const { default: postgres } = await import("postgres");
  const admin = postgres(cfg.url, { max: 1, onnotice: () => {} });
  const name = `${cfg.prefix}${randomBytes(6).toString("hex")}`;
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${opts.seeded ? cfg.seeded.template : cfg.template}`);
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
export function useTestDb(opts: { seeded?: () => boolean } = {}): { readonly handle: DbHandle } {
  const box = {} as { handle: DbHandle };
  beforeAll(async () => {
    box.handle = await createTestDb({ seeded: opts.seeded?.() });
    setDbHandleForTests(box.handle);
  });
  afterAll(async () => {
    setDbHandleForTests(undefined);
    await box.handle?.close();
  });
  return box;
}
