#!/usr/bin/env bash
# `docker build` cannot run on machines without a Docker engine. This runs what it would run instead: the build stage
# of the Dockerfile, read from the Dockerfile itself (its COPY and RUN lines, in order), in a fresh `git clone` of the
# committed tree in a temporary directory, with the `node` on PATH. Then, in the directory that would become the image:
#   - `npm install --package-lock-only` leaves package-lock.json unchanged (the lock file is complete and stable);
#   - the meta-server starts from the pruned (production-only) node_modules, the image's HEALTHCHECK command
#     (`main.js --health`) reports it healthy, and SIGTERM stops it with exit status 0 (a graceful stop).
# Usage: bash scripts/docker-steps.sh [--keep]   (--keep leaves the temporary directory for a look).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
keep=0
[ "${1:-}" = --keep ] && keep=1
work="$(mktemp -d "${TMPDIR:-/tmp}/linker-docker-steps.XXXXXX")"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  if [ "$keep" = 1 ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
started=$SECONDS
say() { printf '== docker-steps (%ss): %s\n' "$((SECONDS - started))" "$*" >&2; }

git clone -q --no-hardlinks "$repo" "$work/src"
git -C "$work/src" checkout -q "$(git -C "$repo" rev-parse HEAD)"
say "clean clone of $(git -C "$work/src" rev-parse --short HEAD) in $work/src, node $(node --version)"

# The build stage: every line from the first FROM to the next FROM.
app=""
while IFS= read -r line; do
  case "$line" in
    FROM*) [ -n "$app" ] && break; app="$work/app" ;;
    WORKDIR*) mkdir -p "$app" ;;
    COPY*)
      read -r -a parts <<<"${line#COPY }"
      destination="${parts[${#parts[@]} - 1]}"
      for source in "${parts[@]:0:${#parts[@]}-1}"; do
        target="$app/$destination"
        [ "$destination" = ./ ] && target="$app/$(basename "$source")"
        cp -R "$work/src/$source" "$target"
      done
      say "$line" ;;
    RUN*)
      say "$line"
      (cd "$app" && sh -ec "${line#RUN }") ;;
  esac
done <"$repo/Dockerfile"
[ -n "$app" ] || { echo "no build stage found in the Dockerfile" >&2; exit 1; }

# What the runtime stage copies from the build stage must be there.
grep -o 'COPY --from=build [^ ]* /app/[^ ]*' "$repo/Dockerfile" | while read -r _ _ _ from _; do
  [ -e "$app${from#/app}" ] || { echo "the runtime stage copies $from, which the build stage did not make" >&2; exit 1; }
done

say "npm install --package-lock-only leaves package-lock.json as committed"
(cd "$work/src" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund >/dev/null)
git -C "$work/src" diff --exit-code --stat package-lock.json

say "the meta-server runs from the pruned node_modules; HEALTHCHECK, then SIGTERM"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
cp -R "$work/src/topologies" "$app/topologies"
(cd "$app" && NODE_ENV=production LINKER_META_PORT="$port" LINKER_LOG_LEVEL=warn exec node dist/apps/meta-server/src/main.js) &
server_pid=$!
healthy=0
for _ in $(seq 1 60); do
  if (cd "$app" && NODE_ENV=production LINKER_META_PORT="$port" node dist/apps/meta-server/src/main.js --health); then healthy=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 1
done
[ "$healthy" = 1 ] || { echo "the meta-server never answered its health check within 60 s" >&2; exit 1; }
kill -TERM "$server_pid"
set +e
wait "$server_pid"
status=$?
set -e
server_pid=""
[ "$status" = 0 ] || { echo "the meta-server exited with status $status after SIGTERM (0 expected)" >&2; exit 1; }
say "passed"
