#!/usr/bin/env bash
# Stop the broker that start.sh runs in $KAFKA_DIR (default $PWD/.cache/kafka), by its PID file; keeps its data.
set -euo pipefail

KAFKA_DIR="${KAFKA_DIR:-$PWD/.cache/kafka}"
PIDFILE="$KAFKA_DIR/kafka.pid"

if [[ ! -f "$PIDFILE" ]] || ! kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  echo "kafka: no broker running from $KAFKA_DIR" >&2
  rm -f "$PIDFILE"
  exit 0
fi
pid="$(cat "$PIDFILE")"
kill -TERM "$pid"
for _ in $(seq 1 60); do
  kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; echo "kafka: stopped (pid $pid)" >&2; exit 0; }
  sleep 0.5
done
echo "kafka: pid $pid did not stop within 30 s; killing it" >&2
kill -KILL "$pid" 2>/dev/null || true
rm -f "$PIDFILE"
