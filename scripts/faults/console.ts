// One console under test: a database (a PGlite directory or a PostgreSQL database) migrated and seeded the way
// `npm run db:migrate` / `db:seed` do, a blob directory, and the built server on a port of the runner's range.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { openDatabase, type DbHandle } from "@/db";
import { ConsoleServer } from "./server";

/** The seed's credentials (CONTRACT §2); fixed so the runner can act as the demo host's SDK and as an admin. */
export const SEED = {
  sdkKey: "ak_faults_demo_key",
  sdkSecret: "sk_faults_demo_secret",
  tokenPrefix: "t_",
  adminToken: "t_admin_demo",
} as const;

const SECRETS = {
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  ATRIUM_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
};

export type DbTarget = { kind: "pglite"; dir: string } | { kind: "postgres"; url: string };

export type ConsoleUnderTest = {
  name: string;
  target: DbTarget;
  blobDir: string;
  server: ConsoleServer;
  /** Opens the console's database from the runner. On PGlite only while the server is stopped (one process per directory). */
  openDb(): Promise<DbHandle>;
};

function dbEnv(target: DbTarget): Record<string, string | undefined> {
  return target.kind === "postgres" ? { DATABASE_URL: target.url, PGLITE_DIR: undefined } : { DATABASE_URL: undefined, PGLITE_DIR: target.dir };
}

function runScript(script: string, env: Record<string, string | undefined>): string {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  return execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", script], { env: merged, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Migrates and seeds a fresh database (no demo events: the runner's events are then the only ones). */
export function prepareConsole(opts: { name: string; target: DbTarget; workDir: string; port: number }): ConsoleUnderTest {
  const blobDir = path.join(opts.workDir, `${opts.name}-blobs`);
  fs.rmSync(blobDir, { recursive: true, force: true });
  fs.rmSync(path.join(opts.workDir, `${opts.name}-server.log`), { force: true });
  if (opts.target.kind === "pglite") fs.rmSync(opts.target.dir, { recursive: true, force: true });
  const env = {
    ...SECRETS,
    ...dbEnv(opts.target),
    BLOB_DIR: blobDir,
    SEED_PASSWORD: "demo-password",
    SEED_API_TOKEN_PREFIX: SEED.tokenPrefix,
    SEED_SDK_KEY: SEED.sdkKey,
    SEED_SDK_SECRET: SEED.sdkSecret,
    SEED_EVENTS_SCALE: "0",
    // The runner itself is the fleet: one key, many concurrent batches.
    SDK_RATE_LIMIT_PER_SECOND: "0",
  };
  runScript("scripts/migrate.ts", env);
  runScript("scripts/seed.ts", env);
  const server = new ConsoleServer(opts.port, env, path.join(opts.workDir, `${opts.name}-server.log`));
  const target = opts.target;
  return {
    name: opts.name,
    target,
    blobDir,
    server,
    openDb: () => (target.kind === "postgres" ? openDatabase({ databaseUrl: target.url, maxConnections: 2 }) : openDatabase({ pgliteDir: target.dir })),
  };
}

/** A JSON call to the automation API as the seeded admin of Demo Enterprise. */
export async function api<T>(baseUrl: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${SEED.adminToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json().catch(() => null)) as T };
}
