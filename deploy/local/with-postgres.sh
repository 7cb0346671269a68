#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at PostgreSQL: the one given, else a private
# cluster started here and stopped afterwards (only if this script started it).
set -euo pipefail
cd "$(dirname "$0")/../.."

started=""
if [[ -z "${DATABASE_URL:-}" ]]; then
  if ! bash deploy/local/postgres/status.sh >/dev/null 2>&1; then
    bash deploy/local/postgres/start.sh >&2
    started=1
  fi
  DATABASE_URL="$(cat "${PG_DIR:-$PWD/.cache/postgres}/url")"
  export DATABASE_URL
fi
cleanup() { if [[ -n "$started" ]]; then bash deploy/local/postgres/stop.sh >&2 || true; fi; }
trap cleanup EXIT
"$@"
