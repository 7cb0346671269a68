#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at PostgreSQL: the one given, else a private
# cluster started here and stopped afterwards (only if this script started it).
set -euo pipefail
cd "$(dirname "$0")/../.."

started=""
cleanup() { if [[ -n "$started" ]]; then bash deploy/local/postgres/stop.sh >&2 || true; fi; }
trap cleanup EXIT
if [[ -z "${DATABASE_URL:-}" ]]; then
  # A cluster already running in PG_DIR belongs to someone else: use it, leave it running.
  if ! bash deploy/local/postgres/status.sh >/dev/null 2>&1; then started=1; fi
  DATABASE_URL="$(bash deploy/local/postgres/start.sh)"
  export DATABASE_URL
fi
"$@"
