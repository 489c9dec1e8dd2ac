#!/usr/bin/env bash
# Build the committed HEAD (not the working tree) into ${TMPDIR:-/tmp}/linker-bench-build/<commit>/dist and print that
# path, so a benchmark measures one known commit while `dist` may be rebuilt meanwhile:
#   npm run bench -- --dist "$(bash bench/snapshot.sh)"
# The copy lives outside the repository (Jest and tsc must not see it); its node_modules is a link to the repository's.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
commit=$(git -C "$repo" rev-parse --short HEAD)
dir="${TMPDIR:-/tmp}/linker-bench-build/$commit"
if [ ! -f "$dir/COMMIT" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  git -C "$repo" archive HEAD | tar -x -C "$dir"
  ln -s "$repo/node_modules" "$dir/node_modules"
  (cd "$dir" && node_modules/.bin/tsc -p tsconfig.build.json && node_modules/.bin/tsc-alias -p tsconfig.build.json) >&2
  echo "$commit" > "$dir/COMMIT"
fi
echo "$dir/dist"
