import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

const DIRS = ["lib", "db", "app", "components", "scripts", "test", "sdk-client", "bench"];

// npm test runs vitest twice: on embedded PGlite, then on PostgreSQL (TEST_DATABASE_URL). The second run is for what
// a database answers, so it takes only the files that open one (through test/db or test/seeded); the others (package
// inspection, signing, i18n, bucketing…) never touch a database and ran already.
const root = import.meta.dirname;
const ALL = DIRS.flatMap((dir) =>
  fs.existsSync(path.join(root, dir))
    ? (fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]).filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules")).map((f) => path.join(dir, f))
    : [],
);
const source = (f: string) => fs.readFileSync(path.join(root, f), "utf8");
const opensADatabase = (f: string) => /test\/(db|seeded)["']|\b(useTestDb|createTestDb)\b/.test(source(f));
const FILES = process.env.TEST_DATABASE_URL ? ALL.filter(opensADatabase) : ALL;

// Most time in a file used to go to importing the app's module graph again (next-auth, drizzle, the services) and
// opening a fresh PGlite: a third of the run. Files that leave no trace in the modules they load share a worker's
// module cache (isolate: false; each still gets its own database, test/db.ts; a seeded one is a copy of one
// template, with the same ids in every file, so modules forget what they cached at each swap: onTestDatabaseSwap,
// db/index.ts). A file that mocks or spies on modules, stubs globals or the environment, or fakes timers gets fresh modules of its own.
const leavesATrace = (f: string) =>
  /vi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers|spyOn|resetModules)|process\.env\.[A-Z_]+ *=[^=]|delete process\.env|process\.env\[[^\]]+\] *=[^=]/.test(source(f));

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    environment: "node",
    globalSetup: ["./test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Every core: most files wait on their own database, and vitest's default (cores − 1) is one worker on two cores.
    // VITEST_MAX_WORKERS overrides it (one worker, say, beside other work).
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || os.availableParallelism(),
    // The suites call the API thousands of times with one seeded token; rate-limit tests set their own limit.
    env: { API_RATE_LIMIT: "0" },
    // next-auth imports "next/server" without an extension; Vite must resolve it, not Node.
    server: { deps: { inline: ["next-auth", "@auth/core"] } },
    projects: [
      { extends: true, test: { name: "shared", include: FILES.filter((f) => !leavesATrace(f)), isolate: false } },
      { extends: true, test: { name: "isolated", include: FILES.filter(leavesATrace), isolate: true } },
    ],
  },
});
