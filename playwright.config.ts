import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// E2E_PART splits the suite in two for CI, to run side by side on two servers: "presentation" (the specs that
// only read markup, CSS, language and layout: they call presentationOnly(), e2e/helpers.ts) and "functional" (the
// rest). Unset: the whole suite. Each part has its own port, database, blobs, saved sign-ins and output directory.
const PART = process.env.E2E_PART ?? "";
if (!["", "presentation", "functional"].includes(PART)) throw new Error(`E2E_PART must be presentation or functional, not ${PART}`);
const PRESENTATION_SPECS = fs
  .readdirSync("e2e")
  .filter((f) => f.endsWith(".spec.ts") && /^presentationOnly\(\);/m.test(fs.readFileSync(`e2e/${f}`, "utf8")))
  .map((f) => `**/e2e/${f}`);
const PORT = Number(process.env.E2E_PORT ?? (PART === "presentation" ? 3212 : 3210));
const baseURL = `http://127.0.0.1:${PORT}`;
// Debian's chromium-headless-shell here (what `npx playwright install` also uses for headless runs: the same engine
// without the full browser around it, about a third less CPU per page, measured here over 17 tests), else Debian's
// chromium; elsewhere `npx playwright install chromium` or set CHROMIUM_PATH.
const chromiumPath = process.env.CHROMIUM_PATH ?? ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].find((p) => fs.existsSync(p)) ?? "";

export default defineConfig({
  testDir: "e2e",
  // Apart per database: CI runs the two suites side by side, and each run empties its output directory first.
  outputDir: `test-results/${process.env.TEST_DATABASE_URL ? "postgres" : "pglite"}${PART && `-${PART}`}`,
  // The functional specs share the server's seeded data and change it (assign, roll out, revoke), so they run in
  // order, one at a time. The presentation specs only read pages, and a run of them is one long chain of waits on a
  // single page (load, then axe in the renderer's one thread): alone on two cores it kept a third of the machine
  // busy. Two workers split them, file and test alike. E2E_WORKERS overrides either.
  workers: Number(process.env.E2E_WORKERS) || (PART === "presentation" ? 2 : 1),
  fullyParallel: PART === "presentation",
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  // CI runs both browser suites side by side with the unit tests on two cores: a long walk-through (assign to two
  // hosts, roll out, promote) then takes over 30 s. Timeouts catch hangs here, never measure speed.
  timeout: process.env.CI ? 60_000 : 30_000,
  expect: { timeout: process.env.CI ? 15_000 : 10_000 },
  use: {
    baseURL,
    // A trace records the page all along (DOM snapshots and screencast frames): in CI only a failed test's retry
    // records one (E2E_TRACE overrides: on, off, retain-on-failure…).
    trace: (process.env.E2E_TRACE as "on" | "off" | "retain-on-failure" | "on-first-retry" | undefined) ?? (process.env.CI ? "on-first-retry" : "retain-on-failure"),
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: fs.existsSync(chromiumPath) ? chromiumPath : undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        // As desktop Chrome does and the headless shell does not by default: every site, and every sandboxed frame
        // (a package preview), in a process of its own, so a preview that never returns cannot freeze the console.
        "--site-per-process",
        "--enable-features=IsolateSandboxedIframes",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"] },
      dependencies: ["setup"],
      ...(PART === "presentation" ? { testMatch: PRESENTATION_SPECS } : PART === "functional" ? { testIgnore: PRESENTATION_SPECS } : {}),
    },
  ],
  webServer: {
    command: "bash scripts/e2e-server.sh",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    env: { PORT: String(PORT) },
  },
});
