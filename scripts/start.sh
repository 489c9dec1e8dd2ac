#!/usr/bin/env bash
# `npm start`: one whole domain in one process (meta-server, connector, processor and the web UI) with no external
# service. `npm start -- --help` lists the flags (topology, domain, ports, which servers to run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "building (the apps and the web UI)…" >&2
npm run -s build
exec node dist/apps/embedded/src/main.js "$@"
