#!/usr/bin/env bash
# Runs a command with the local defaults a fresh checkout needs: without AUTH_SECRET, a random one is made
# once in .data/auth-secret (it signs sessions and, through HKDF, encrypts SDK secrets, so it must persist).
# Production sets AUTH_SECRET (and ideally ATRIUM_ENCRYPTION_KEY) itself.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${AUTH_SECRET:-}" ]; then
  mkdir -p .data
  [ -s .data/auth-secret ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' > .data/auth-secret
  AUTH_SECRET="$(cat .data/auth-secret)"
  export AUTH_SECRET
fi
exec "$@"
