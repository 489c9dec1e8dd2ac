#!/usr/bin/env bash
# Install the npm dependencies exactly as package-lock.json says (`npm ci`, the same command the Dockerfile runs) when
# node_modules is missing or was installed from another lock file. The lock file holds every platform's optional
# binaries (scripts/lockfile.spec.ts checks it), so `npm ci` accepts it and `npm install` leaves it unchanged.
# A stamp (node_modules/.linker-lock.sha256: the hash of package.json and package-lock.json) records what was installed.
set -euo pipefail
cd "$(dirname "$0")/.."
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
stamp=node_modules/.linker-lock.sha256
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
if [ -L node_modules ]; then
  # A link to another checkout's node_modules (a git worktree): `npm ci` would empty that one. Leave it alone.
  echo "warning: node_modules is a link to $(readlink node_modules), not installed from this package-lock.json; run npm ci in that checkout" >&2
  exit 0
fi
echo "installing npm dependencies (npm ci)…" >&2
npm ci --no-audit --no-fund
echo "$want" >"$stamp"
