# Sourced by the deploy/local scripts: choosing loopback ports that nothing else will take.
#
# A port picked at random inside the kernel's ephemeral range (ip_local_port_range, often
# 32768-60999) can be taken by any outgoing connection between the pick and the bind, so ports are
# picked outside it. B2B_PORT_BASE=N gives fixed ports instead (see docs/distributed.md); a bind
# that still loses a race is retried by the caller on another port (bind_lost tells it so).

port_is_free() {
  # Nobody listens there and a socket can bind it (catches ports held without listening).
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null || return 1
  python3 - "$1" 2>/dev/null <<'PY'
import socket, sys
with socket.socket() as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1])))
PY
}

ephemeral_range() {
  # Prints "LOW HIGH"; Linux's default when the file cannot be read.
  local range
  range="$(cat /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true)"
  set -- $range
  echo "${1:-32768} ${2:-60999}"
}

pick_port() {
  # A free port outside the ephemeral range and not in PICKED_PORTS (the caller's earlier picks:
  # port="$(pick_port)"; PICKED_PORTS+=" $port").
  local low high port span_low span_high
  read -r low high <<<"$(ephemeral_range)"
  # Below the range from 10000 (under it sit well-known services), and above it up to 65535.
  span_low=$(( low > 10000 ? low - 10000 : 0 ))
  span_high=$(( high < 65535 ? 65535 - high : 0 ))
  if (( span_low + span_high == 0 )); then
    echo "ports: the ephemeral range $low-$high leaves no port to pick; set B2B_PORT_BASE" >&2
    return 1
  fi
  for _ in $(seq 1 300); do
    local n=$(( (RANDOM * 32768 + RANDOM) % (span_low + span_high) ))
    if (( n < span_low )); then port=$(( 10000 + n )); else port=$(( high + 1 + n - span_low )); fi
    [[ " ${PICKED_PORTS:-} " == *" $port "* ]] && continue
    if port_is_free "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "ports: no free port found outside the ephemeral range $low-$high" >&2
  return 1
}

based_port() {
  # B2B_PORT_BASE + offset when the base is set, else nothing.
  [[ -n "${B2B_PORT_BASE:-}" ]] && echo $(( B2B_PORT_BASE + $1 ))
  return 0
}

bind_lost() {
  # Did this log (from byte offset $2 on) say the port was taken under us?
  tail -c +"${2:-1}" "$1" 2>/dev/null | grep -qiE "address already in use|errno 98|BindException|could not bind|bind\(\) to .* failed"
}
