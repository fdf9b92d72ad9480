import fs from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);
const baseURL = `http://127.0.0.1:${PORT}`;
// Debian's chromium here; elsewhere `npx playwright install chromium` or set CHROMIUM_PATH.
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  // Apart per database: CI runs the two suites side by side, and each run empties its output directory first.
  outputDir: process.env.TEST_DATABASE_URL ? "test-results/postgres" : "test-results/pglite",
  // One server process owns the PGlite directory; tests share its seeded data, so run them in order.
  workers: 1,
  fullyParallel: false,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [["list"]] : [["list"]],
  // CI runs both browser suites side by side with the unit tests on two cores: a long walk-through (assign to two
  // hosts, roll out, promote) then takes over 30 s. Timeouts catch hangs here, never measure speed.
  timeout: process.env.CI ? 60_000 : 30_000,
  expect: { timeout: process.env.CI ? 15_000 : 10_000 },
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: fs.existsSync(chromiumPath) ? chromiumPath : undefined,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
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
