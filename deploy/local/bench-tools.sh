#!/usr/bin/env bash
# What `make bench` needs besides the venv: wrk, the HTTP load generator (Debian's package).
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then exit 0; fi
echo "bench: installing wrk (Debian package) for the HTTP load" >&2
sudo=""
[[ "$(id -u)" -ne 0 ]] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
