#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (its headless shell: Chromium's engine without the
# browser's windows around it; tests/browser/conftest.py says why); install it from Debian's
# packages when missing. Never a downloaded browser. When it cannot be installed but Debian's
# whole chromium is there, the tests use that instead (the same tests, slower).
set -euo pipefail
if [[ -x /usr/bin/chromium-headless-shell ]]; then
  exit 0
fi
fallback() {
  if [[ -x /usr/bin/chromium ]]; then
    echo "chromium-headless-shell could not be installed ($1): the browser tests use /usr/bin/chromium (slower)" >&2
    exit 0
  fi
  echo "chromium-headless-shell is missing and could not be installed ($1): run 'apt-get install chromium-headless-shell' as root" >&2
  exit 1
}
echo "Installing Debian's chromium-headless-shell for the browser tests…"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || fallback "this user cannot run apt-get"
  SUDO="sudo"
fi
if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-headless-shell >/dev/null; }; then
  fallback "apt-get failed"
fi
/usr/bin/chromium-headless-shell --version
