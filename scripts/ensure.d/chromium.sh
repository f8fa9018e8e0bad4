#!/usr/bin/env bash
# The playground's browser test drives Debian's Chromium through playwright-core.
# Installs Chromium when missing and fails loudly (non-zero) when it cannot, so the
# test never silently skips. Also adds a CJK font, without which the page's Chinese
# shows as empty boxes in screenshots (a warning, not a failure).
set -euo pipefail
CHROMIUM=/usr/bin/chromium
has_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }
[ -x "$CHROMIUM" ] && has_cjk_font && exit 0

say() { echo "ensure.d/chromium: $*" >&2; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
updated=""
apt_install() {
  command -v apt-get >/dev/null 2>&1 || { say "apt-get not found"; return 1; }
  [ -z "$SUDO" ] || command -v sudo >/dev/null 2>&1 || { say "need root (or sudo) to run apt-get"; return 1; }
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$updated" ]; then $SUDO apt-get update && updated=1 || return 1; fi
  $SUDO apt-get install -y "$@"
}

if [ ! -x "$CHROMIUM" ]; then
  say "$CHROMIUM is missing; installing Debian's chromium package"
  if ! apt_install chromium || [ ! -x "$CHROMIUM" ]; then
    say "FAILED to install Chromium at $CHROMIUM; the playground browser test cannot run"
    exit 1
  fi
  "$CHROMIUM" --version >&2
fi
if ! has_cjk_font; then
  say "no CJK font; installing fonts-wqy-zenhei"
  apt_install fonts-wqy-zenhei || say "warning: no CJK font; screenshots will show boxes for Chinese"
fi
