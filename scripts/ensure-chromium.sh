#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it from Debian's packages when missing.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
  exit 0
fi
echo "Installing Debian's chromium for the browser tests…"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "chromium is missing and this user cannot install it: run 'apt-get install chromium' as root" >&2; exit 1; }
  SUDO="sudo"
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
/usr/bin/chromium --version
