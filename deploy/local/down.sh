#!/usr/bin/env bash
# `make down`: stop what up.sh started (by its PID files in $UP_DIR), in reverse order; keep the data.
set -euo pipefail
cd "$(dirname "$0")/../.."
UP_DIR="${UP_DIR:-$PWD/.cache/up}"
export KAFKA_DIR="$UP_DIR/kafka" PG_DIR="$UP_DIR/postgres" GATEWAY_DIR="$UP_DIR/gateway"

stop_pid() {
  local name="$1" pidfile="$2" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    echo "down: stopped $name (pid $pid)" >&2
  fi
  rm -f "$pidfile"
}

[[ -d "$UP_DIR" ]] || { echo "down: nothing was started here ($UP_DIR)" >&2; exit 0; }
bash deploy/local/gateway/stop.sh
for pidfile in "$UP_DIR"/pids/*.pid; do
  [[ -e "$pidfile" ]] && stop_pid "$(basename "$pidfile" .pid)" "$pidfile"
done
if [[ -f "$UP_DIR/started-postgres" ]]; then
  bash deploy/local/postgres/stop.sh && rm -f "$UP_DIR/started-postgres"
fi
if [[ -f "$UP_DIR/started-kafka" ]]; then
  bash deploy/local/kafka/stop.sh && rm -f "$UP_DIR/started-kafka"
fi
