// Prints one closing line for a test run from vitest's and Playwright's JSON reports: "<db>: N passed, N failed".
import fs from "node:fs";

// parts: which reports this run wrote, "vitest", "e2e" or "vitest,e2e"; a report expected and absent is a failure.
const [db, dir, partsArg = "vitest"] = process.argv.slice(2);
const parts = new Set(partsArg.split(",").filter(Boolean));
let passed = 0;
let failed = 0;
let skipped = 0;
const read = (f) => (fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : null);

const v = parts.has("vitest") ? read(`${dir}/vitest.json`) : null;
if (!v && parts.has("vitest")) failed += 1;
if (v) {
  passed += v.numPassedTests;
  // A file that failed without a failing test (it did not load, a hook threw) counts once; a file whose tests
  // failed is already counted by its tests.
  const brokenFiles = (v.testResults ?? []).filter(
    (f) => f.status === "failed" && !(f.assertionResults ?? []).some((t) => t.status === "failed"),
  ).length;
  failed += v.numFailedTests + brokenFiles;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
}
const p = parts.has("e2e") ? read(`${dir}/playwright.json`) : null;
// No report where one was expected means Playwright never ran (no browser, a busy port): that is a failure.
if (!p && parts.has("e2e")) failed += 1;
if (p) {
  passed += (p.stats.expected ?? 0) + (p.stats.flaky ?? 0);
  // Global errors (the web server did not start, a config error) fail the run without failing a test.
  failed += (p.stats.unexpected ?? 0) + (p.errors?.length ?? 0);
  skipped += p.stats.skipped ?? 0;
}
const what = parts.size === 2 ? "" : parts.has("e2e") ? " end-to-end" : " unit and integration";
console.log(`${db}${what}: ${passed} passed, ${failed} failed, ${skipped} skipped`);
