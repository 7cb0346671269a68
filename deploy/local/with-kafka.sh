#!/usr/bin/env bash
# Run a command with KAFKA_BOOTSTRAP_SERVERS pointing at Kafka: the one given, else a local broker
# started here (deploy/local/kafka) and stopped afterwards (only if this script started it).
set -euo pipefail
cd "$(dirname "$0")/../.."

# The broker's directory goes to the command too: the integration tests restart the broker in it.
export KAFKA_DIR="${KAFKA_DIR:-$PWD/.cache/kafka}"
started=""
cleanup() { if [[ -n "$started" ]]; then bash deploy/local/kafka/stop.sh >&2 || true; fi; }
trap cleanup EXIT
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]]; then
  if ! bash deploy/local/kafka/status.sh >/dev/null 2>&1; then started=1; fi
  KAFKA_BOOTSTRAP_SERVERS="$(bash deploy/local/kafka/start.sh)"
  export KAFKA_BOOTSTRAP_SERVERS
fi
"$@"
