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
# E2E_SEED_CACHE (CI sets a directory of its own per run): the first PGlite server of the run keeps a copy of its
# freshly seeded database and blobs there, and a later one seeded the same UTC day (the seed's history is relative
# to its day) starts from that copy instead of migrating and seeding again: about 20 s of one core.
seeded=""
[ -n "${E2E_SEED_CACHE:-}" ] && [ -z "${TEST_DATABASE_URL:-}" ] && seeded="$E2E_SEED_CACHE/seeded"
if [ -n "$seeded" ] && [ "$(cat "$seeded/day" 2>/dev/null)" = "$(date -u +%F)" ]; then
  cp -a "$seeded/pglite" "$PGLITE_DIR"
  mkdir -p "$BLOB_DIR" && cp -a "$seeded/blobs/." "$BLOB_DIR/"
else
  day="$(date -u +%F)"
  npx tsx scripts/migrate.ts
  npx tsx scripts/seed.ts > /dev/null
  if [ -n "$seeded" ]; then
    # Copied aside, then renamed into place whole (a rename onto a directory still there fails, and then this copy
    # is dropped): a server starting meanwhile sees a whole copy or none.
    mkdir -p "$E2E_SEED_CACHE" && rm -rf "$seeded" && own="$(mktemp -d "$E2E_SEED_CACHE/.new.XXXXXX")"
    cp -a "$PGLITE_DIR" "$own/pglite" && cp -a "$BLOB_DIR" "$own/blobs" && echo "$day" > "$own/day" && mv -T "$own" "$seeded" 2>/dev/null || true
    rm -rf "$own"
  fi
fi
exec node_modules/.bin/next start -p "${PORT:-3210}" -H 127.0.0.1
