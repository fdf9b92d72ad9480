// A throwaway PostgreSQL cluster the fault runner can stop and start again on the same port, to make an
// outage under the console's feet. Created by scripts/throwaway-postgres.sh; stopped and restarted here.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import path from "node:path";
import postgres from "postgres";

function pgBin(): string {
  if (process.env.PGBIN) return process.env.PGBIN;
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(a) - Number(b)) : [];
  const last = versions.at(-1);
  if (!last) throw new Error("PostgreSQL server binaries not found (apt-get install postgresql-15)");
  return path.join(root, last, "bin");
}

/** initdb and pg_ctl refuse root: as root they run as the `postgres` user (see throwaway-postgres.sh). */
// Asynchronous, so that the clients under test keep sending while the cluster goes down and comes back.
async function asPostgres(command: string): Promise<void> {
  const argv = process.getuid?.() === 0 ? ["su", "postgres", "-s", "/bin/bash", "-c", command] : ["bash", "-c", command];
  await promisify(execFile)(argv[0]!, argv.slice(1));
}

export class ThrowawayPostgres {
  private constructor(
    readonly dir: string,
    /** The server URL (database `postgres`). */
    readonly url: string,
  ) {}

  static start(dir: string): ThrowawayPostgres {
    const url = execFileSync("bash", ["scripts/throwaway-postgres.sh", "start", dir], { encoding: "utf8" }).trim();
    return new ThrowawayPostgres(dir, url);
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  /** URL of another database on this server. */
  database(name: string): string {
    const u = new URL(this.url);
    u.pathname = `/${name}`;
    return u.toString();
  }

  async createDatabase(name: string): Promise<string> {
    const admin = postgres(this.url, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.unsafe(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    return this.database(name);
  }

  /** `pg_ctl stop -m fast`: open sessions are cut off and new connections refused. */
  stopFast(): Promise<void> {
    return asPostgres(`${pgBin()}/pg_ctl -D '${this.dir}/data' -m fast -w stop`);
  }

  /** Starts the stopped cluster again on the same port, with the options throwaway-postgres.sh gave it. */
  restart(): Promise<void> {
    const opts = `-p ${this.port} -k '${this.dir}' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
    return asPostgres(`${pgBin()}/pg_ctl -D '${this.dir}/data' -l '${this.dir}/server.log' -w -o "${opts}" start`);
  }

  destroy(): void {
    try {
      execFileSync("bash", ["scripts/throwaway-postgres.sh", "stop", this.dir], { stdio: "ignore" });
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
