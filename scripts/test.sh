#!/usr/bin/env bash
# The one test command (`npm test`, what CI runs): on a fresh machine it installs what is missing, starts the real
# services (Kafka, NATS, Redis, FerretDB), and runs every check and every test against them. Nothing is skipped:
# a missing service fails the run with a clear message.
# LINKER_KEEP_SERVICES=1 leaves the services running afterwards (they are stopped otherwise, if this run started them).
set -euo pipefail
cd "$(dirname "$0")/.."
started_at=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started_at))" >&2; }

step "dependencies"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # Not `npm ci`: the registry mirror these machines use lacks some non-Linux optional binaries, so the lock file
  # made here misses their entries and `npm ci` refuses it; `npm install` keeps the locked versions and skips them.
  npm install --no-audit --no-fund
fi

step "type check"
npx tsc -p tsconfig.json --noEmit

step "import rules"
npm run -s lint:imports

step "build"
npm run -s build

step "real services"
already_running=$(bash -c '. scripts/services/lib.sh; for s in "${ALL_SERVICES[@]}"; do live_pid "$s" >/dev/null || { echo 0; exit; }; done; echo 1')
eval "$(bash scripts/services/up.sh)"
if [ "$already_running" = 0 ] && [ "${LINKER_KEEP_SERVICES:-0}" != 1 ]; then
  trap 'step "stopping the services this run started"; bash scripts/services/down.sh' EXIT
fi

step "unit, integration and end-to-end tests"
mkdir -p test-output
set +e
npx jest --json --outputFile=test-output/jest-results.json "$@"
jest_status=$?
set -e
node scripts/test-summary.js test-output/jest-results.json
summary_status=$?
step "done"
[ "$jest_status" = 0 ] && [ "$summary_status" = 0 ]
