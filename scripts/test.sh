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
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh  # the browser tests drive Debian's Chromium

step "type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p ui/tsconfig.json --noEmit

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
