// Drops and recreates one database on a PostgreSQL server and prints its URL (for e2e and benchmarks).
import postgres from "postgres";

const [url, name] = process.argv.slice(2);
if (!url || !name || !/^[a-z_][a-z0-9_]*$/.test(name)) {
  console.error("usage: pg-fresh-db.ts <server url> <database name>");
  process.exit(2);
}
const admin = postgres(url, { max: 1, onnotice: () => {} });
await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
await admin.unsafe(`CREATE DATABASE ${name}`);
await admin.end();
const u = new URL(url);
u.pathname = `/${name}`;
console.log(u.toString());
