#!/usr/bin/env bash
# Start and stop the distributed mode N times in a row (default 10) while another process keeps
# churning through the kernel's ephemeral ports, as outgoing connections on a busy machine do.
# Each round: `make up`, one request through the gateway to every service's readiness, `make down`.
# Prints one line per round and a summary; exits non-zero on the first failed round.
# Env: ROUNDS (10), CROWD (ephemeral-port connections held open at once, default 4000),
# plus everything make up reads (B2B_PORT_BASE, UP_DIR, ...).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS="${ROUNDS:-10}"
CROWD="${CROWD:-4000}"
UP_DIR="${UP_DIR:-$PWD/.cache/up-loop}"
export UP_DIR

crowd_pid=""
cleanup() {
  [[ -n "$crowd_pid" ]] && kill "$crowd_pid" 2>/dev/null || true
  make -s down >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The crowd: a loopback listener and $CROWD client connections to it, each on an ephemeral port,
# closed and reopened continuously so the kernel keeps handing out ports from the whole range.
.venv/bin/python - "$CROWD" <<'PY' &
import random, socket, sys, time
held = int(sys.argv[1])
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(4096); server.setblocking(False)
clients, accepted = [], []
while True:
    for _ in range(200):
        if len(clients) >= held:
            victim = clients.pop(random.randrange(len(clients))); victim.close()
        c = socket.socket(); c.setblocking(False); c.connect_ex(server.getsockname()); clients.append(c)
    try:
        while True:
            accepted.append(server.accept()[0])
    except BlockingIOError:
        pass
    while len(accepted) > held:
        accepted.pop(0).close()
    time.sleep(0.05)
PY
crowd_pid=$!
sleep 2
read -r low high </proc/sys/net/ipv4/ip_local_port_range
in_use=$(ss -Htan state established "( sport >= :$low and sport <= :$high )" 2>/dev/null | wc -l || echo "?")
echo "up-loop: $ROUNDS rounds; ephemeral range $low-$high, $in_use connections on ephemeral ports"

passed=0
for round in $(seq 1 "$ROUNDS"); do
  started=$(date +%s)
  if ! make -s up >"$UP_DIR.round-$round.log" 2>&1; then
    echo "round $round: make up FAILED (log $UP_DIR.round-$round.log)"; tail -n 20 "$UP_DIR.round-$round.log"
    exit 1
  fi
  gateway="$(cat "$UP_DIR/gateway-url")"
  code=$(curl -s -o /dev/null -w '%{http_code}' "$gateway/health/ready")
  ports="$(cat "$UP_DIR"/pids/*.port | tr '\n' ' ')"
  make -s down >/dev/null 2>&1
  echo "round $round: up in $(( $(date +%s) - started ))s, gateway $gateway answered $code, service ports $ports"
  [[ "$code" == "200" ]] || exit 1
  passed=$(( passed + 1 ))
done
echo "up-loop: $passed of $ROUNDS rounds passed"
