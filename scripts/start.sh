#!/usr/bin/env bash
# `npm start`: run linker-ts with no external service.
# Today this is the meta-server alone; the whole embedded domain (meta-server, connector, processor and UI in one
# process, on in-memory lanes and presence and the embedded mailbox) arrives with issue 3.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
echo "building…" >&2
npm run -s build
exec node dist/apps/meta-server/src/main.js "$@"
