import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const INCLUDE = ["{lib,db,app,components,scripts,test,sdk-client,bench}/**/*.test.ts"];
const DIRS = ["lib", "db", "app", "components", "scripts", "test", "sdk-client", "bench"];

// npm test runs vitest twice: on embedded PGlite, then on PostgreSQL (TEST_DATABASE_URL). The second run is for what
// a database answers, so it takes only the files that open one (through test/db or test/seeded); the others (package
// inspection, signing, i18n, bucketing…) never touch a database and ran already.
function filesThatOpenADatabase(): string[] {
  const root = import.meta.dirname;
  const files = DIRS.flatMap((dir) =>
    fs.existsSync(path.join(root, dir))
      ? (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]).filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules")).map((f) => path.join(dir, f))
      : [],
  );
  return files.filter((f) => /test\/(db|seeded)["']|\b(useTestDb|createTestDb)\b/.test(fs.readFileSync(path.join(root, f), "utf8")));
}

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: process.env.TEST_DATABASE_URL ? filesThatOpenADatabase() : INCLUDE,
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    environment: "node",
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Every core: most files wait on their own database, and vitest's default (cores − 1) is one worker on two cores.
    maxWorkers: os.availableParallelism(),
    // The suites call the API thousands of times with one seeded token; rate-limit tests set their own limit.
    env: { API_RATE_LIMIT: "0" },
    // next-auth imports "next/server" without an extension; Vite must resolve it, not Node.
    server: { deps: { inline: ["next-auth", "@auth/core"] } },
  },
});
