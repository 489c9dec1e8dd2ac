#!/usr/bin/env bash
# npm run chaos: the long variants of the fault battery, and the abuse battery. Each service stays down
# LINKER_CHAOS_OUTAGE_S seconds (60 by default, against 20 in the test command); the general-chaos run mixes random
# faults for LINKER_CHAOS_DURATION_S seconds (180; LINKER_CHAOS_SEED replays a run); then docs/reliability.md is
# written from the results. Starts the real services it needs (and stops those it started), builds first. About
# 20 minutes with the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
outage_s=${LINKER_CHAOS_OUTAGE_S:-60}
if ! [[ $outage_s =~ ^[0-9]+$ ]] || [ "$outage_s" -eq 0 ]; then
  echo "LINKER_CHAOS_OUTAGE_S must be a whole number of seconds above 0, got '$outage_s'" >&2
  exit 2
fi
npm run -s build
already_running=$(bash -c '. scripts/services/lib.sh; for s in "${ALL_SERVICES[@]}"; do live_pid "$s" >/dev/null || { echo 0; exit; }; done; echo 1')
eval "$(bash scripts/services/up.sh)"
if [ "$already_running" = 0 ]; then trap 'bash scripts/services/down.sh' EXIT; fi
rm -rf test-output/reliability test-output/abuse
# The report is written whatever the outcome: a broken case is shown broken. The exit status is the battery's.
set +e
chaos_s=${LINKER_CHAOS_DURATION_S:-180}
LINKER_FAULT_OUTAGE_MS=$((outage_s * 1000)) LINKER_CHAOS_DURATION_S=$chaos_s LINKER_TEST_FILE_LIMIT_S=$((chaos_s + 900)) \
  npx jest apps/processor/test/reliability apps/embedded/test/abuse --selectProjects e2e chaos --runInBand
status=$?
set -e
npx tsx scripts/reliability-report.ts --out docs/reliability.md
exit "$status"
