#!/usr/bin/env bash
# Stop the nginx gateway that start.sh runs from $GATEWAY_DIR (default $PWD/.cache/gateway), by its PID file.
set -euo pipefail
GATEWAY_DIR="${GATEWAY_DIR:-$PWD/.cache/gateway}"
PIDFILE="$GATEWAY_DIR/nginx.pid"
if [[ ! -f "$PIDFILE" ]] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "gateway: not running from $GATEWAY_DIR" >&2
  exit 0
fi
pid="$(cat "$PIDFILE")"
kill -QUIT "$pid"
for _ in $(seq 1 50); do
  kill -0 "$pid" 2>/dev/null || { echo "gateway: stopped (pid $pid)" >&2; exit 0; }
  sleep 0.1
done
kill -TERM "$pid" 2>/dev/null || true
