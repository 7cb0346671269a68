#!/usr/bin/env bash
# Exit 0 and print the URL when the private cluster of $PG_DIR (default $PWD/.cache/postgres) runs; else exit 1.
set -euo pipefail

PG_DIR="${PG_DIR:-$PWD/.cache/postgres}"
DATA="$PG_DIR/data"

[[ -f "$DATA/postmaster.pid" && -f "$DATA/PG_VERSION" ]] || exit 1
# The pg_ctl of the version that created this cluster.
PG_CTL="/usr/lib/postgresql/$(cat "$DATA/PG_VERSION")/bin/pg_ctl"
[[ -x "$PG_CTL" ]] || PG_CTL="$(command -v pg_ctl)" || exit 1
# pg_ctl refuses to run as root: as root, ask as the cluster's owner (see start.sh).
if [[ "$(id -u)" -eq 0 ]]; then
  runuser -u postgres -- "$PG_CTL" -D "$DATA" status >/dev/null 2>&1 || exit 1
else
  "$PG_CTL" -D "$DATA" status >/dev/null 2>&1 || exit 1
fi
if [[ -f "$PG_DIR/url" ]]; then cat "$PG_DIR/url"; fi
