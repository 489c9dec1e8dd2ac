#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core: Playwright's own browser
# download does not work on these machines. Install the Debian package when it is missing (needs root, or sudo).
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
fail() {
  echo "error: $* — the browser tests need Debian's chromium at $CHROMIUM (install it with: apt-get install chromium)" >&2
  exit 1
}
command -v apt-get >/dev/null || fail "no apt-get on this machine, so chromium cannot be installed here"
if [ "$(id -u)" = 0 ]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root() { sudo -n "$@"; }
else
  fail "not root and no password-less sudo, so chromium cannot be installed"
fi
echo "installing Debian's chromium for the browser tests: apt-get update, then apt-get install -y --no-install-recommends chromium…" >&2
as_root apt-get update -qq || fail "apt-get update failed"
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium >&2 || fail "apt-get install chromium failed"
[ -x "$CHROMIUM" ] || fail "the chromium package is installed but $CHROMIUM is not there"
echo "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")" >&2
