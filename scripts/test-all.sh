#!/usr/bin/env bash
# npm test: unit and integration tests (vitest), a production build, and the Playwright suite, on embedded
# PGlite, or on PostgreSQL when TEST_DATABASE_URL points at a server (each test file gets its own database).
# SKIP_BUILD=1 reuses .next; SKIP_E2E=1 runs vitest only; SKIP_VITEST=1 runs the end-to-end part only (CI runs
# the parts apart, to overlap one database's end-to-end tests with the other's vitest run). E2E_PART=presentation or
# functional runs that part of the Playwright suite only, on its own server (playwright.config.ts).
set -uo pipefail
cd "$(dirname "$0")/.."
db="PGlite"; [ -n "${TEST_DATABASE_URL:-}" ] && db="PostgreSQL"
out=".data/test-results/$(echo "$db" | tr '[:upper:]' '[:lower:]')${E2E_PART:+-$E2E_PART}"
mkdir -p "$out"
status=0
parts=""

if [ "${SKIP_VITEST:-}" != 1 ]; then
  parts="vitest"
  rm -f "$out/vitest.json"
  echo "== unit and integration tests on $db"
  npx vitest run --reporter=default --reporter=json --outputFile="$out/vitest.json" || status=1
fi

if [ "${SKIP_E2E:-}" != 1 ]; then
  parts="$parts,e2e"
  rm -f "$out/playwright.json"
  if [ "${SKIP_BUILD:-}" != 1 ]; then
    echo "== production build"
    npx next build > "$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
    tail -n 3 "$out/build.log"
  fi
  echo "== end-to-end tests on $db"
  PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json || status=1
fi

node scripts/test-summary.mjs "$db" "$out" "$parts"
exit $status
