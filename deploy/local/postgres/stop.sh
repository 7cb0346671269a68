#!/usr/bin/env bash
# Stop the private PostgreSQL cluster that start.sh runs in $PG_DIR (default $PWD/.cache/postgres); keeps its data.
set -euo pipefail

PG_DIR="${PG_DIR:-$PWD/.cache/postgres}"
DATA="$PG_DIR/data"

if [[ ! -f "$DATA/postmaster.pid" ]]; then
  echo "postgres: no cluster running in $DATA" >&2
  exit 0
fi

# The pg_ctl of the version that created this cluster.
PG_CTL="/usr/lib/postgresql/$(cat "$DATA/PG_VERSION")/bin/pg_ctl"
[[ -x "$PG_CTL" ]] || PG_CTL="$(command -v pg_ctl)"

if [[ "$(id -u)" -eq 0 ]]; then
  runuser -u postgres -- "$PG_CTL" -D "$DATA" -m fast -w stop >&2
else
  "$PG_CTL" -D "$DATA" -m fast -w stop >&2
fi
