#!/usr/bin/env bash
# `make up`: Kafka, PostgreSQL (a database per service), each service as its own process, and the
# nginx gateway in front; prints where everything listens. `make down` (down.sh) stops exactly this.
# WORKERS=N (default 1): N members of each service's consumer groups: the service's process
# (`b2b node`: API, relay, and a worker) and N-1 `b2b worker` processes beside it.
# Env: UP_DIR (default $PWD/.cache/up) holds PID files, logs and the servers' data;
# KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL, when set, are used instead of starting those servers.
# Ports (docs/distributed.md): B2B_PORT_BASE=N puts the gateway on N, the services on N+1..N+5
# (sourcing on N+9),
# Kafka on N+6/N+7 and PostgreSQL on N+8; SERVICE_PORTS="order=8101 pricing=8102 ..." sets single
# services; GATEWAY_PORT, KAFKA_PORT, PG_PORT the others. Unset, ports are picked outside the
# kernel's ephemeral range, and a port another process takes before the bind is picked again.
set -euo pipefail
cd "$(dirname "$0")/../.."
UP_DIR="${UP_DIR:-$PWD/.cache/up}"
mkdir -p "$UP_DIR/pids" "$UP_DIR/logs"
UP_DIR="$(cd "$UP_DIR" && pwd)"
SERVICES=(order pricing inventory logistics payment sourcing)
WORKERS="${WORKERS:-1}"
[[ "$WORKERS" =~ ^[1-9][0-9]?$ ]] || { echo "up: WORKERS must be 1 to 99, not '$WORKERS'" >&2; exit 2; }
export KAFKA_DIR="$UP_DIR/kafka" PG_DIR="$UP_DIR/postgres" GATEWAY_DIR="$UP_DIR/gateway"

log() { echo "up: $*" >&2; }
# shellcheck source=ports.sh
source deploy/local/ports.sh
# The port given for a service (SERVICE_PORTS, then B2B_PORT_BASE), or nothing.
fixed_port() {
  local pair index list="${SERVICE_PORTS:-}"
  for pair in ${list//,/ }; do
    [[ "${pair%%=*}" == "$1" ]] && { echo "${pair#*=}"; return; }
  done
  for index in "${!SERVICES[@]}"; do
    # order..payment at N+1..N+5; Kafka, its controller and PostgreSQL hold N+6..N+8
    [[ "${SERVICES[$index]}" == "$1" ]] && based_port $(( index < 5 ? index + 1 : index + 4 ))
  done
  return 0
}
launch() {  # process port: start it (`order` is the service, `order-w2` its 2nd worker), remember
  # its pid, port and log offset
  local service="${1%-w*}" command=node
  [[ "$1" == *-w* ]] && command=worker
  touch "$UP_DIR/logs/$1.log"
  echo $(( $(stat -c %s "$UP_DIR/logs/$1.log") + 1 )) >"$UP_DIR/pids/$1.offset"
  nohup setsid .venv/bin/b2b "$command" --service "$service" --port "$2" --data-dir "$UP_DIR/data" \
    >>"$UP_DIR/logs/$1.log" 2>&1 </dev/null &
  echo $! >"$UP_DIR/pids/$1.pid"
  echo "$2" >"$UP_DIR/pids/$1.port"
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

PROCESSES=("${SERVICES[@]}")
for index in $(seq 2 "$WORKERS"); do
  for service in "${SERVICES[@]}"; do PROCESSES+=("$service-w$index"); done
done
# Workers beyond WORKERS (a smaller WORKERS than last time) leave their groups.
for pidfile in "$UP_DIR"/pids/*-w*.pid; do
  [[ -e "$pidfile" ]] || continue
  name="$(basename "$pidfile" .pid)"
  (( ${name##*-w} > WORKERS )) || continue
  running "$pidfile" && kill -TERM "$(cat "$pidfile")" && log "stopped $name (WORKERS=$WORKERS)"
  rm -f "$pidfile" "$UP_DIR/pids/$name.port" "$UP_DIR/pids/$name.offset"
done

pairs=()
launched=()
for service in "${PROCESSES[@]}"; do
  pidfile="$UP_DIR/pids/$service.pid"
  if running "$pidfile"; then
    port="$(cat "$UP_DIR/pids/$service.port")"
    log "$service already runs on port $port (pid $(cat "$pidfile"))"
  else
    port="$(fixed_port "$service")"
    # A restarted service keeps its port when it is free: the gateway's routes stay as they are.
    if [[ -z "$port" && -f "$UP_DIR/pids/$service.port" ]] && port_is_free "$(cat "$UP_DIR/pids/$service.port")"; then
      port="$(cat "$UP_DIR/pids/$service.port")"
    fi
    port="${port:-$(pick_port)}"
    launch "$service" "$port"
    launched+=("$service")
  fi
  PICKED_PORTS+=" $port"
  pairs+=("$service=$port")
done

healthy() { curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null; }
for index in "${!pairs[@]}"; do
  service="${pairs[$index]%%=*}"; port="${pairs[$index]#*=}"
  for attempt in 1 2 3; do
    for _ in $(seq 1 120); do
      running "$UP_DIR/pids/$service.pid" || break
      healthy "$port" && break
      sleep 0.5
    done
    healthy "$port" && break
    logfile="$UP_DIR/logs/$service.log"
    if ! running "$UP_DIR/pids/$service.pid" && bind_lost "$logfile" "$(cat "$UP_DIR/pids/$service.offset")" \
        && [[ -z "$(fixed_port "$service")" ]] && (( attempt < 3 )); then
      port="$(pick_port)"; PICKED_PORTS+=" $port"
      log "$service lost its port to another process; starting it again on $port"
      launch "$service" "$port"
      pairs[$index]="$service=$port"
      continue
    fi
    if ! running "$UP_DIR/pids/$service.pid"; then tail -n 30 "$logfile" >&2; log "$service exited"; exit 1; fi
    log "$service not ready after 60 s (log $logfile)"; exit 1
  done
done

GATEWAY_URL="$(bash deploy/local/gateway/start.sh "${pairs[@]:0:${#SERVICES[@]}}")"
echo "$GATEWAY_URL" >"$UP_DIR/gateway-url"

echo "B2B ordering, distributed mode ($WORKERS worker(s) per service):"
echo "  gateway     $GATEWAY_URL   (try: .venv/bin/b2b simulate --orders 200 --url $GATEWAY_URL)"
for pair in "${pairs[@]}"; do
  printf '  %-11s http://127.0.0.1:%s   (pid %s, log %s)\n' "${pair%%=*}" "${pair#*=}" \
    "$(cat "$UP_DIR/pids/${pair%%=*}.pid")" "$UP_DIR/logs/${pair%%=*}.log"
done
echo "  kafka       $KAFKA_BOOTSTRAP_SERVERS"
echo "  postgresql  ${DATABASE_URL/:b2b@/:***@}   (one database per service: b2b_<service>)"
echo "stop it all with: make down"
