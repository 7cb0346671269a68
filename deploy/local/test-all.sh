#!/usr/bin/env bash
# Every check and every test tier, with the servers they need started and stopped here.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin

echo "== checks: ruff, mypy, import-linter"
$BIN/ruff check .
$BIN/mypy
$BIN/lint-imports

echo "== checks: Dockerfile and Kubernetes manifests (make k8s-validate)"
bash deploy/k8s/validate/run.sh

echo "== browser: Debian's Chromium for the e2e tests"
bash deploy/local/chromium/install.sh

echo "== tests: unit, contract, service, integration, e2e"
bash deploy/local/with-postgres.sh bash deploy/local/with-kafka.sh $BIN/pytest tests -q -p no:cacheprovider
