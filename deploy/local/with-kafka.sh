#!/usr/bin/env bash
# Run a command with KAFKA_BOOTSTRAP_SERVERS pointing at Kafka: the one given, else a local broker
# started here (deploy/local/kafka) and stopped afterwards (only if this script started it).
set -euo pipefail
cd "$(dirname "$0")/../.."

# The broker's directory goes to the command too: the integration tests restart the broker in it.
# Not `make up`'s broker (.cache/kafka): a throwaway one for test and bench runs, whose storage a
# run it starts begins empty (every run makes topics of its own; thousands of partitions of
# earlier runs slowed the broker until consumer groups could not find their coordinator).
export KAFKA_DIR="${KAFKA_DIR:-$PWD/.cache/kafka-tests}"
started=""
cleanup() { if [[ -n "$started" ]]; then bash deploy/local/kafka/stop.sh >&2 || true; fi; }
trap cleanup EXIT
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  if ! bash deploy/local/kafka/status.sh >/dev/null 2>&1; then
    started=1
    rm -rf "$KAFKA_DIR/data"
  fi
  KAFKA_BOOTSTRAP_SERVERS="$(bash deploy/local/kafka/start.sh)"
  export KAFKA_BOOTSTRAP_SERVERS
fi
"$@"
