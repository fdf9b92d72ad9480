// npm run db:migrate: applies the committed migrations to DATABASE_URL, or to the embedded PGlite directory.
import { migrateDatabase, openDatabase } from "@/db";

const handle = await openDatabase();
try {
  await migrateDatabase(handle);
  console.log(`Migrations applied (${handle.kind === "postgres" ? "PostgreSQL" : `PGlite at ${process.env.PGLITE_DIR ?? ".data/pglite"}`}).`);
} finally {
  await handle.close();
}
