#!/usr/bin/env bash
# Start (or reuse) a private PostgreSQL cluster on 127.0.0.1 and print its URL (also in $PG_DIR/url).
# Env: PG_DIR (default $PWD/.cache/postgres), PG_FAST=1 (synchronous_commit=off), PG_PORT (default:
# B2B_PORT_BASE+8 when set, else a free port outside the ephemeral range, picked again if lost).
set -euo pipefail

PG_DIR="${PG_DIR:-$PWD/.cache/postgres}"
DATA="$PG_DIR/data"
SOCKETS="$PG_DIR/run"
LOG="$PG_DIR/postgres.log"

log() { echo "postgres: $*" >&2; }

find_bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$dir" && -x "$dir/initdb" ]] && echo "$dir"
}

install_postgres() {
  log "initdb not found: installing Debian's postgresql"
  local sudo=""
  [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # Keep the package from creating and starting a system-wide "main" cluster we never asked for.
  $sudo apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
  $sudo sed -ri 's/^#?\s*create_main_cluster\s*=.*/create_main_cluster = false/' \
    /etc/postgresql-common/createcluster.conf
  $sudo apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}

# The server refuses to run as root: as root, the cluster belongs to the postgres OS user.
as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# shellcheck source=../ports.sh
source "$(dirname "$0")/../ports.sh"

is_running() {
  [[ -f "$DATA/postmaster.pid" ]] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

init_cluster() {
  log "creating cluster in $DATA"
  mkdir -p "$DATA" "$SOCKETS"
  chmod 700 "$DATA" "$SOCKETS"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown -R postgres:postgres "$PG_DIR"
    if ! runuser -u postgres -- test -w "$DATA"; then
      log "the postgres user cannot reach $DATA: choose a PG_DIR it can traverse (e.g. /tmp/b2b-postgres)"
      exit 1
    fi
  fi
  as_owner "$BIN/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log"
  # Superuser only through the owner-only socket directory; the app role over loopback TCP.
  cat >"$DATA/pg_hba.conf" <<'EOF'
local all  all                trust
host  b2b  b2b  127.0.0.1/32  trust
host  all  all  127.0.0.1/32  scram-sha-256
EOF
  echo "include_if_exists = 'b2b.conf'" >>"$DATA/postgresql.conf"
  [[ "$(id -u)" -eq 0 ]] && chown postgres:postgres "$DATA/pg_hba.conf"
  return 0
}

write_settings() {
  local fast="off"
  [[ "${PG_FAST:-0}" == "1" ]] && fast="on"
  {
    echo "port = $PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$SOCKETS'"
    echo "max_connections = 200"
    echo "shared_buffers = 32MB"
    echo "fsync = on"
    if [[ "$fast" == "on" ]]; then echo "synchronous_commit = off"; fi
    echo "log_min_messages = warning"
  } >"$DATA/b2b.conf"
  [[ "$(id -u)" -eq 0 ]] && chown postgres:postgres "$DATA/b2b.conf"
  return 0
}

psql_super() {
  as_owner "$BIN/psql" -X -q -h "$SOCKETS" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

ensure_role_and_database() {
  if [[ "$(psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = 'b2b'")" != "1" ]]; then
    psql_super -c "CREATE ROLE b2b LOGIN CREATEDB PASSWORD 'b2b'"
  fi
  if [[ "$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = 'b2b'")" != "1" ]]; then
    psql_super -c "CREATE DATABASE b2b OWNER b2b"
  fi
}

BIN="$(find_bindir || true)"
if [[ -z "$BIN" ]]; then
  install_postgres
  BIN="$(find_bindir)"
fi

mkdir -p "$PG_DIR"
PG_DIR="$(cd "$PG_DIR" && pwd)"
DATA="$PG_DIR/data"; SOCKETS="$PG_DIR/run"; LOG="$PG_DIR/postgres.log"
if (( ${#SOCKETS} > 90 )); then
  log "PG_DIR is too long for a unix socket path (max ~90 characters): $PG_DIR"
  exit 1
fi

[[ -f "$DATA/PG_VERSION" ]] || init_cluster

if is_running; then
  PORT="$(cat "$PG_DIR/port")"
  log "reusing the cluster running in $DATA on port $PORT"
else
  PORT="${PG_PORT:-$(based_port 8)}"
  if [[ -z "$PORT" && -f "$PG_DIR/port" ]] && port_is_free "$(cat "$PG_DIR/port")"; then
    PORT="$(cat "$PG_DIR/port")"
  fi
  touch "$LOG"
  [[ "$(id -u)" -eq 0 ]] && chown postgres:postgres "$LOG"
  for attempt in 1 2 3; do
    PORT="${PORT:-$(pick_port)}"; PICKED_PORTS+=" $PORT"
    write_settings
    offset=$(( $(stat -c %s "$LOG") + 1 ))
    log "starting on 127.0.0.1:$PORT (data $DATA, log $LOG)"
    as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null && break
    if bind_lost "$LOG" "$offset" && [[ -z "${PG_PORT:-}${B2B_PORT_BASE:-}" ]] && (( attempt < 3 )); then
      log "port $PORT was taken while starting; picking another"
      PORT=""
      continue
    fi
    tail -n 20 "$LOG" >&2
    exit 1
  done
  echo "$PORT" >"$PG_DIR/port"
fi

for _ in $(seq 1 60); do
  if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.5
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || { log "not ready on port $PORT"; exit 1; }

ensure_role_and_database
URL="postgresql+asyncpg://b2b:b2b@127.0.0.1:$PORT/b2b"
echo "$URL" >"$PG_DIR/url"
echo "$URL"
