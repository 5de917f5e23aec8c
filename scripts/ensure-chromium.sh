#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (its headless shell: Chromium's engine without the
# browser's windows around it; tests/browser/conftest.py says why); install it from Debian's
# packages when missing. Never a downloaded browser.
set -euo pipefail
if [[ -x /usr/bin/chromium-headless-shell ]]; then
  exit 0
fi
echo "Installing Debian's chromium-headless-shell for the browser tests…"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "chromium-headless-shell is missing and this user cannot install it: run 'apt-get install chromium-headless-shell' as root" >&2; exit 1; }
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium-headless-shell >/dev/null
/usr/bin/chromium-headless-shell --version
