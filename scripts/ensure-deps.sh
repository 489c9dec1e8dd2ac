#!/usr/bin/env bash
# Install the npm dependencies when they are missing or older than the lock file.
# Not `npm ci`: the registry mirror these machines use lacks some non-Linux optional binaries, so the lock file made
# here misses their entries and `npm ci` refuses it; `npm install` keeps the locked versions and skips them.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies…" >&2
  npm install --no-audit --no-fund
fi
