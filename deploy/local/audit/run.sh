#!/usr/bin/env bash
# `make lint` (and `make audit`): pip-audit over requirements.lock, with each vulnerability data
# source pip-audit knows (PyPI's per-release advisories, then OSV). A source that cannot be reached
# from this machine, or that answers without auditing anything, is skipped with the reason; when
# none is reachable the audit is skipped, saying so, rather than passing on audits it never made.
# B2B_AUDIT=require turns a skip into a failure (CI with network); B2B_AUDIT=off skips at once.
set -euo pipefail
cd "$(dirname "$0")/../../.."
UV=.cache/tools/bin/uv
VENV=.cache/audit/venv
LOCK=${1:-requirements.lock}
case "${B2B_AUDIT:-auto}" in off) echo "pip-audit: skipped (B2B_AUDIT=off)"; exit 0 ;; esac

if ! cmp -s deploy/local/audit/requirements.txt "$VENV/requirements.txt"; then
  [[ -x "$VENV/bin/python" ]] || "$UV" venv --quiet --python 3.11 "$VENV"
  "$UV" pip install --quiet --python "$VENV/bin/python" -r deploy/local/audit/requirements.txt
  cp deploy/local/audit/requirements.txt "$VENV/requirements.txt"
fi

reasons=()
for source in pypi osv; do
  report="$(mktemp)"
  log="$(mktemp)"
  # exit 1 means either "vulnerabilities found" or "could not run": the report tells which
  set +e
  timeout 600 "$VENV/bin/pip-audit" --requirement "$LOCK" --no-deps --disable-pip \
    --vulnerability-service "$source" --format json --output "$report" \
    --progress-spinner off --timeout 20 >"$log" 2>&1
  set -e
  verdict=0
  "$VENV/bin/python" deploy/local/audit/verdict.py "$source" "$report" "$log" || verdict=$?
  rm -f "$report" "$log"
  case $verdict in
    0) exit 0 ;;            # audited: nothing known
    1) exit 1 ;;            # audited: vulnerabilities (printed)
    *) reasons+=("$source") ;;  # not reachable or audited nothing: try the next source
  esac
done
if [[ "${B2B_AUDIT:-auto}" == require ]]; then
  echo "pip-audit: FAILED: no vulnerability source was reachable (${reasons[*]}), and B2B_AUDIT=require"
  exit 1
fi
echo "pip-audit: SKIPPED: no vulnerability data source is reachable from this machine (tried ${reasons[*]}; see above); run 'make audit' where one is"
