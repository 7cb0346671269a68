#!/usr/bin/env bash
# Exit 0 and print the bootstrap servers when the broker of $KAFKA_DIR (default $PWD/.cache/kafka) runs.
set -euo pipefail
KAFKA_DIR="${KAFKA_DIR:-$PWD/.cache/kafka}"
[[ -f "$KAFKA_DIR/kafka.pid" ]] && kill -0 "$(cat "$KAFKA_DIR/kafka.pid")" 2>/dev/null || exit 1
cat "$KAFKA_DIR/bootstrap"
