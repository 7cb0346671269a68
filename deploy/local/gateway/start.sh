#!/usr/bin/env bash
# Start (or restart) nginx as the gateway: one loopback URL routing each API prefix (routes.txt)
# to its service. Args: service=port pairs, e.g. order=8101 pricing=8102 ... Prints the URL.
# Env: GATEWAY_DIR (default $PWD/.cache/gateway), GATEWAY_PORT (default: B2B_PORT_BASE when set, else
# a free port outside the ephemeral range, picked again if another process takes it first).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
GATEWAY_DIR="${GATEWAY_DIR:-$PWD/.cache/gateway}"
mkdir -p "$GATEWAY_DIR/tmp"
GATEWAY_DIR="$(cd "$GATEWAY_DIR" && pwd)"
CONF="$GATEWAY_DIR/nginx.conf"
PIDFILE="$GATEWAY_DIR/nginx.pid"

log() { echo "gateway: $*" >&2; }
# shellcheck source=../ports.sh
source "$HERE/../ports.sh"

NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [[ ! -x "$NGINX" ]]; then
  log "nginx not found: installing Debian's nginx-light"
  sudo=""; [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
  NGINX=/usr/sbin/nginx
fi

declare -A PORTS=()
for pair in "$@"; do PORTS["${pair%%=*}"]="${pair#*=}"; done
(( ${#PORTS[@]} > 0 )) || { log "usage: start.sh order=PORT pricing=PORT ..."; exit 2; }

RUNNING=""
if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then RUNNING=1; fi
# Keep the URL stable across restarts of a service: reuse the port, reload a running gateway.
PORT="${GATEWAY_PORT:-$(based_port 0)}"
FIXED="$PORT"
if [[ -z "$PORT" && -f "$GATEWAY_DIR/port" ]] && { [[ -n "$RUNNING" ]] || port_is_free "$(cat "$GATEWAY_DIR/port")"; }; then
  PORT="$(cat "$GATEWAY_DIR/port")"
fi
write_config() {
  chmod 777 "$GATEWAY_DIR/tmp"  # the worker processes may run as nobody

  PREVIOUS="$(cat "$CONF" 2>/dev/null || true)"
  {
    echo "worker_processes 1;"
    echo "pid $PIDFILE;"
    echo "error_log $GATEWAY_DIR/error.log warn;"
    echo "events { worker_connections 1024; }"
    echo "http {"
    echo "  access_log off;"
    for kind in client_body proxy fastcgi uwsgi scgi; do echo "  ${kind}_temp_path $GATEWAY_DIR/tmp/$kind;"; done
    for service in "${!PORTS[@]}"; do
      echo "  upstream $service { server 127.0.0.1:${PORTS[$service]}; keepalive 64; }"
    done
    echo "  proxy_http_version 1.1;"
    echo '  proxy_set_header Connection "";'
    echo '  proxy_set_header Host $host;'
    echo '  proxy_set_header X-Forwarded-For $remote_addr;'
    echo "  proxy_read_timeout 120s;"
    echo "  server {"
    echo "    listen 127.0.0.1:$PORT;"
    echo "    client_max_body_size 64m;"  # bulk imports (shared/service/imports/routes.py)
    while read -r prefix rest; do
      [[ -z "$prefix" || "$prefix" == \#* ]] && continue
      if [[ "$prefix" == "~" ]]; then
        read -r regex service <<<"$rest"
        echo "    location ~ $regex { proxy_pass http://$service; }"
      else
        service="$rest"
        [[ -n "${PORTS[$service]:-}" ]] || { log "no port given for service $service (routes.txt)"; exit 2; }
        echo "    location $prefix { proxy_pass http://$service; }"
      fi
    done <"$HERE/routes.txt"
    echo '    location / { return 404 "no service owns this path: see the API prefixes in deploy/local/gateway/routes.txt\n"; }'
    echo "  }"
    echo "}"
  } >"$CONF"
}

for attempt in 1 2 3; do
  PORT="${PORT:-$(pick_port)}"
  write_config
  "$NGINX" -t -q -p "$GATEWAY_DIR" -c "$CONF" 2>"$GATEWAY_DIR/start.err" || {
    cat "$GATEWAY_DIR/start.err" >&2; log "invalid configuration $CONF"; exit 1; }
  if [[ -n "$RUNNING" && "$(cat "$CONF")" == "$PREVIOUS" ]]; then
    break  # the same routes: a reload would only drop the clients' open connections
  elif [[ -n "$RUNNING" ]]; then
    "$NGINX" -p "$GATEWAY_DIR" -c "$CONF" -s reload && break
  elif "$NGINX" -p "$GATEWAY_DIR" -c "$CONF" 2>"$GATEWAY_DIR/start.err"; then
    break
  fi
  if bind_lost "$GATEWAY_DIR/start.err" && [[ -z "$FIXED" ]] && (( attempt < 3 )); then
    log "port $PORT was taken while starting; picking another"
    PICKED_PORTS+=" $PORT"; PORT=""
    continue
  fi
  cat "$GATEWAY_DIR/start.err" >&2; log "nginx did not start ($CONF)"; exit 1
done
for _ in $(seq 1 50); do
  port_is_free "$PORT" || break
  sleep 0.1
done
echo "$PORT" >"$GATEWAY_DIR/port"
log "routing http://127.0.0.1:$PORT to ${!PORTS[*]} (config $CONF)"
echo "http://127.0.0.1:$PORT"
