#!/usr/bin/env bash
# Starts the built console for Playwright on a fresh, seeded database: PGlite by default, or a fresh
# PostgreSQL database when TEST_DATABASE_URL is set. Playwright starts and stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_ENV=production
export AUTH_SECRET="${AUTH_SECRET:-e2e-only-secret-not-for-production-0123456789}"
export SEED_PASSWORD="${SEED_PASSWORD:-demo-password}"
export SEED_API_TOKEN_PREFIX="${SEED_API_TOKEN_PREFIX:-t_}"
export SEED_SDK_KEY="${SEED_SDK_KEY:-ak_e2e_demo_key}"
export SEED_SDK_SECRET="${SEED_SDK_SECRET:-sk_e2e_demo_secret}"
# The release job runner ticks every second, so a guardrail halt or a ring change shows without waiting 10 s.
export RELEASE_TICK_MS="${RELEASE_TICK_MS:-1000}"
# e2e/sso.spec.ts runs a real OpenID provider on plain http://127.0.0.1 (lib/sso/provider.ts allows loopback only).
export SSO_ALLOW_HTTP_LOOPBACK="${SSO_ALLOW_HTTP_LOOPBACK:-1}"
# One blob directory per database: CI runs the PGlite and PostgreSQL suites side by side, and each start empties its own.
# And one per part of the suite (E2E_PART, playwright.config.ts), which CI runs side by side on two servers.
part="${E2E_PART:+-$E2E_PART}"
if [ -n "${TEST_DATABASE_URL:-}" ]; then export BLOB_DIR="${E2E_BLOB_DIR:-.data/e2e/blobs-pg$part}"; else export BLOB_DIR="${E2E_BLOB_DIR:-.data/e2e/blobs$part}"; fi
rm -rf "$BLOB_DIR"
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  export DATABASE_URL
  DATABASE_URL="$(npx tsx scripts/pg-fresh-db.ts "$TEST_DATABASE_URL" "atrium_e2e${part//-/_}")"
else
  unset DATABASE_URL
  export PGLITE_DIR="${E2E_PGLITE_DIR:-.data/e2e/pglite$part}"
  rm -rf "$PGLITE_DIR"
fi
npx tsx scripts/migrate.ts
npx tsx scripts/seed.ts > /dev/null
exec node_modules/.bin/next start -p "${PORT:-3210}" -H 127.0.0.1
