#!/usr/bin/env bash
# Make sure Debian's Chromium is installed (the browser tests launch it by path); idempotent.
# Env: CHROMIUM (default /usr/bin/chromium). Never downloads a browser from anywhere but apt.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

log() { echo "chromium: $*" >&2; }

# CJK fonts: without them the portal's Chinese pages render as boxes in screenshots.
have_cjk_fonts() { fc-list :lang=zh 2>/dev/null | grep -q .; }

if [[ -x "$CHROMIUM" ]] && have_cjk_fonts; then
  log "present: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

log "installing Debian's chromium and fonts with apt-get (Chromium at $CHROMIUM, CJK fonts)"
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Fonts so pages render legibly in screenshots; no recommends keeps the install small.
$sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core fonts-noto-cjk >/dev/null

if [[ ! -x "$CHROMIUM" ]]; then
  log "apt-get finished but $CHROMIUM is still missing; install Debian's chromium package by hand"
  exit 1
fi
log "installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
