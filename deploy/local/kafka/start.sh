#!/usr/bin/env bash
# Start (or reuse) a single-node Apache Kafka (KRaft broker+controller) on 127.0.0.1; print its
# bootstrap servers (also in $KAFKA_DIR/bootstrap). Jars come from Maven Central via Maven (pom.xml).
# Env: KAFKA_DIR (default $PWD/.cache/kafka), KAFKA_LIBS (jar cache, default $PWD/.cache/kafka/libs),
# KAFKA_PORT / KAFKA_CONTROLLER_PORT (default: B2B_PORT_BASE+6 / +7 when set, else free ports outside
# the ephemeral range), KAFKA_HEAP (default 384m). A picked port lost to a race is picked again.
# KAFKA_SASL=1: the client listener is SASL_PLAINTEXT with SCRAM-SHA-512 (as the Strimzi cluster's,
# deploy/k8s), one user KAFKA_SASL_USERNAME (default b2b) with KAFKA_SASL_PASSWORD (default random),
# both fixed when the storage is formatted; $KAFKA_DIR/sasl.env (mode 600) holds the client
# settings to source (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*). A directory keeps the listener it
# was formatted with.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
KAFKA_DIR="${KAFKA_DIR:-$PWD/.cache/kafka}"
mkdir -p "$KAFKA_DIR"
KAFKA_DIR="$(cd "$KAFKA_DIR" && pwd)"
LIBS="${KAFKA_LIBS:-$(cd "$HERE/../../.." && pwd)/.cache/kafka/libs}"
DATA="$KAFKA_DIR/data"
CONF="$KAFKA_DIR/server.properties"
LOG="$KAFKA_DIR/kafka.log"
PIDFILE="$KAFKA_DIR/kafka.pid"

log() { echo "kafka: $*" >&2; }

# shellcheck source=../ports.sh
source "$HERE/../ports.sh"

is_running() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

fetch_jars() {
  # The pom's hash names the jar set, so a version bump in pom.xml fetches again.
  local stamp
  stamp="$(sha256sum "$HERE/pom.xml" | cut -c1-16)"
  [[ -f "$LIBS/.fetched-$stamp" ]] && return 0
  local missing=()
  command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null || missing+=(maven)
  if (( ${#missing[@]} )); then
    log "installing Debian's ${missing[*]} (Kafka runs on Java 17; Maven fetches its jars)"
    local sudo=""; [[ "$(id -u)" -ne 0 ]] && sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  log "fetching Kafka jars from Maven Central into $LIBS"
  rm -rf "$LIBS"
  if ! mvn -q -B -f "$HERE/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$LIBS" -DincludeScope=runtime >"$KAFKA_DIR/maven.log" 2>&1; then
    tail -n 30 "$KAFKA_DIR/maven.log" >&2
    log "maven could not fetch the jars (see $KAFKA_DIR/maven.log); check that Maven Central is reachable"
    exit 1
  fi
  touch "$LIBS/.fetched-$stamp"
}

# The client listener: PLAINTEXT, or SASL_PLAINTEXT with KAFKA_SASL=1.
LISTENER=PLAINTEXT
[[ "${KAFKA_SASL:-}" == 1 ]] && LISTENER=SASL_PLAINTEXT
SASL_ENV="$KAFKA_DIR/sasl.env"
BROKER_SECRET="$KAFKA_DIR/sasl-broker"

random_secret() { head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9'; }

check_listener() {
  # A formatted directory keeps its listener: SCRAM users exist only if they were formatted in.
  local formatted=PLAINTEXT
  [[ -f "$KAFKA_DIR/listener" ]] && formatted="$(cat "$KAFKA_DIR/listener")"
  if [[ -f "$DATA/meta.properties" || -f "$PIDFILE" ]] && [[ "$formatted" != "$LISTENER" ]]; then
    log "$KAFKA_DIR holds a $formatted broker, not $LISTENER (KAFKA_SASL=${KAFKA_SASL:-}):" \
      "use another KAFKA_DIR, or stop.sh and remove $DATA"
    exit 1
  fi
}

sasl_users() {
  # Written once, before formatting: the broker's own user (it talks to itself over the listener)
  # and the clients' user; the storage format adds both as SCRAM-SHA-512 credentials.
  [[ -f "$SASL_ENV" && -f "$BROKER_SECRET" ]] && return 0
  local user="${KAFKA_SASL_USERNAME:-b2b}" password="${KAFKA_SASL_PASSWORD:-$(random_secret)}"
  if [[ ! "$user" =~ ^[A-Za-z0-9._-]+$ || ! "$password" =~ ^[A-Za-z0-9._-]+$ ]]; then
    log "KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: letters, digits, '.', '_' and '-' only"
    exit 1
  fi
  (umask 077
    random_secret >"$BROKER_SECRET"
    printf '%s\n' KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT KAFKA_SASL_MECHANISM=SCRAM-SHA-512 \
      "KAFKA_SASL_USERNAME=$user" "KAFKA_SASL_PASSWORD=$password" >"$SASL_ENV")
}

sasl_value() { sed -n "s/^$1=//p" "$SASL_ENV"; }

write_config() {
  (umask 077; cat >"$CONF" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=$LISTENER://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=$LISTENER://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=$LISTENER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,$LISTENER:$LISTENER
log.dirs=$DATA
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.network.threads=2
num.io.threads=2
background.threads=2
log.retention.hours=168
CONF
  )
  if [[ "$LISTENER" == SASL_PLAINTEXT ]]; then
    cat >>"$CONF" <<CONF
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$(cat "$BROKER_SECRET")";
CONF
  fi
  cat >"$KAFKA_DIR/log4j2.properties" <<CONF
appender.file.type = File
appender.file.name = file
appender.file.fileName = $LOG
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
logger.server.name = kafka.server.KafkaRaftServer
logger.server.level = INFO
CONF
}

JAVA=(java "-Xmx${KAFKA_HEAP:-384m}" "-Xms${KAFKA_HEAP:-384m}" -XX:+UseSerialGC -Djava.awt.headless=true
  "-Dlog4j2.configurationFile=$KAFKA_DIR/log4j2.properties" -cp "$LIBS/*")

broker_listens() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# 0: ready; 2: it exited having lost a port to another process; exits on any other failure.
wait_ready() {
  local offset="$1"
  for _ in $(seq 1 240); do
    if ! is_running; then
      if bind_lost "$LOG" "$offset" || bind_lost "$KAFKA_DIR/stdout.log" "$STDOUT_OFFSET"; then return 2; fi
      tail -n 30 "$LOG" >&2; log "the broker exited while starting (log $LOG)"; exit 1
    fi
    if tail -c +"$offset" "$LOG" 2>/dev/null | grep -q "Kafka Server started" && broker_listens "$PORT"; then
      return 0
    fi
    sleep 0.5
  done
  log "not ready after 120 s (log $LOG); run deploy/local/kafka/stop.sh and retry"
  exit 1
}

fetch_jars
check_listener
[[ "$LISTENER" == SASL_PLAINTEXT ]] && sasl_users

if is_running; then
  PORT="$(cat "$KAFKA_DIR/port")"
  log "reusing the broker running on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"))"
else
  PORT="${KAFKA_PORT:-$(based_port 6)}"
  if [[ -z "$PORT" && -f "$KAFKA_DIR/port" ]] && port_is_free "$(cat "$KAFKA_DIR/port")"; then
    PORT="$(cat "$KAFKA_DIR/port")"
  fi
  FIXED_CONTROLLER="${KAFKA_CONTROLLER_PORT:-$(based_port 7)}"
  for attempt in 1 2 3; do
    PORT="${PORT:-$(pick_port)}"; PICKED_PORTS+=" $PORT"
    CONTROLLER_PORT="${FIXED_CONTROLLER:-$(pick_port)}"; PICKED_PORTS+=" $CONTROLLER_PORT"
    write_config
    if [[ ! -f "$DATA/meta.properties" ]]; then
      log "formatting KRaft storage in $DATA"
      mkdir -p "$DATA"
      scram=()
      if [[ "$LISTENER" == SASL_PLAINTEXT ]]; then
        scram=(--add-scram "SCRAM-SHA-512=[name=broker,password=$(cat "$BROKER_SECRET")]"
          --add-scram "SCRAM-SHA-512=[name=$(sasl_value KAFKA_SASL_USERNAME),password=$(sasl_value KAFKA_SASL_PASSWORD)]")
      fi
      "${JAVA[@]}" kafka.tools.StorageTool format -t "$("${JAVA[@]}" kafka.tools.StorageTool random-uuid)" \
        -c "$CONF" "${scram[@]}" >"$KAFKA_DIR/format.log" 2>&1 || { cat "$KAFKA_DIR/format.log" >&2; exit 1; }
      echo "$LISTENER" >"$KAFKA_DIR/listener"
    fi
    touch "$LOG" "$KAFKA_DIR/stdout.log"
    offset=$(( $(stat -c %s "$LOG") + 1 ))
    STDOUT_OFFSET=$(( $(stat -c %s "$KAFKA_DIR/stdout.log") + 1 ))
    log "starting on 127.0.0.1:$PORT (controller $CONTROLLER_PORT, data $DATA, log $LOG)"
    # setsid: the broker outlives this script and a Ctrl-C in the shell that started it.
    nohup setsid "${JAVA[@]}" kafka.Kafka "$CONF" >>"$KAFKA_DIR/stdout.log" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    echo "$PORT" >"$KAFKA_DIR/port"
    status=0; wait_ready "$offset" || status=$?
    (( status == 0 )) && break
    if [[ -n "${KAFKA_PORT:-}${B2B_PORT_BASE:-}" ]] || (( attempt == 3 )); then
      log "port $PORT or $CONTROLLER_PORT is taken by another process (log $LOG)"; exit 1
    fi
    log "port $PORT or $CONTROLLER_PORT was taken while starting; picking others"
    PORT=""
  done
fi
echo "127.0.0.1:$PORT" >"$KAFKA_DIR/bootstrap"
echo "127.0.0.1:$PORT"
