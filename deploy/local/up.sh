#!/usr/bin/env bash
# `make up`: Kafka, PostgreSQL (a database per service), each service as its own process, and the
# nginx gateway in front; prints where everything listens. `make down` (down.sh) stops exactly this.
# Env: UP_DIR (default $PWD/.cache/up) holds PID files, logs and the servers' data;
# KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL, when set, are used instead of starting those servers.
set -euo pipefail
cd "$(dirname "$0")/../.."
UP_DIR="${UP_DIR:-$PWD/.cache/up}"
mkdir -p "$UP_DIR/pids" "$UP_DIR/logs"
UP_DIR="$(cd "$UP_DIR" && pwd)"
SERVICES=(order pricing inventory logistics payment)
export KAFKA_DIR="$UP_DIR/kafka" PG_DIR="$UP_DIR/postgres" GATEWAY_DIR="$UP_DIR/gateway"

log() { echo "up: $*" >&2; }
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 40000))
    if port_is_free "$port"; then echo "$port"; return; fi
  done
  log "no free port found"; exit 1
}
# A process killed a moment ago may linger as a zombie until reaped: that is not running.
running() {
  [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null && [[ "$(ps -o stat= -p "$(cat "$1")")" != Z* ]]
}
trap 'log "failed: run make down to stop what started, logs in $UP_DIR/logs"' ERR

if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  if ! bash deploy/local/kafka/status.sh >/dev/null 2>&1; then touch "$UP_DIR/started-kafka"; fi
  KAFKA_BOOTSTRAP_SERVERS="$(bash deploy/local/kafka/start.sh)"
fi
if [[ -z "${DATABASE_URL:-}" ]]; then
  touch "$UP_DIR/started-postgres"
  DATABASE_URL="$(bash deploy/local/postgres/start.sh)"
fi
export KAFKA_BOOTSTRAP_SERVERS DATABASE_URL

pairs=()
for service in "${SERVICES[@]}"; do
  pidfile="$UP_DIR/pids/$service.pid"
  if running "$pidfile"; then
    port="$(cat "$UP_DIR/pids/$service.port")"
    log "$service already runs on port $port (pid $(cat "$pidfile"))"
  else
    # A restarted service keeps its port when it is free: the gateway's routes stay as they are.
    port=""
    if [[ -f "$UP_DIR/pids/$service.port" ]] && port_is_free "$(cat "$UP_DIR/pids/$service.port")"; then
      port="$(cat "$UP_DIR/pids/$service.port")"
    fi
    port="${port:-$(pick_port)}"
    nohup setsid .venv/bin/b2b node --service "$service" --port "$port" --data-dir "$UP_DIR/data" \
      >>"$UP_DIR/logs/$service.log" 2>&1 </dev/null &
    echo $! >"$pidfile"
    echo "$port" >"$UP_DIR/pids/$service.port"
  fi
  pairs+=("$service=$port")
done

for pair in "${pairs[@]}"; do
  service="${pair%%=*}"; port="${pair#*=}"
  for _ in $(seq 1 120); do
    running "$UP_DIR/pids/$service.pid" || { tail -n 30 "$UP_DIR/logs/$service.log" >&2; log "$service exited"; exit 1; }
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/health" >/dev/null || { log "$service not healthy after 60 s (log $UP_DIR/logs/$service.log)"; exit 1; }
done

GATEWAY_URL="$(bash deploy/local/gateway/start.sh "${pairs[@]}")"
echo "$GATEWAY_URL" >"$UP_DIR/gateway-url"

echo "B2B ordering, distributed mode:"
echo "  gateway     $GATEWAY_URL   (try: .venv/bin/b2b simulate --orders 200 --url $GATEWAY_URL)"
for pair in "${pairs[@]}"; do
  printf '  %-11s http://127.0.0.1:%s   (pid %s, log %s)\n' "${pair%%=*}" "${pair#*=}" \
    "$(cat "$UP_DIR/pids/${pair%%=*}.pid")" "$UP_DIR/logs/${pair%%=*}.log"
done
echo "  kafka       $KAFKA_BOOTSTRAP_SERVERS"
echo "  postgresql  ${DATABASE_URL/:b2b@/:***@}   (one database per service: b2b_<service>)"
echo "stop it all with: make down"
