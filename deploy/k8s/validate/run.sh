#!/usr/bin/env bash
# `make k8s-validate`: render every overlay with kustomize and validate it offline; lint the
# Dockerfile. Tools are built or installed once into .cache/k8s (idempotent), from registries only.
set -euo pipefail
cd "$(dirname "$0")/../../.."
KUSTOMIZE_VERSION=v5.8.1
CACHE=.cache/k8s
UV=.cache/tools/bin/uv
mkdir -p "$CACHE"

need() {  # a tool this check cannot install from the machine's package manager
  command -v "$1" >/dev/null || { echo "k8s-validate: $1 not found: $2" >&2; exit 1; }
}
if [[ "$("$CACHE/bin/kustomize" version 2>/dev/null)" != "$KUSTOMIZE_VERSION" ]]; then
  need go "kustomize is built from source with Go 1.22 or newer (see README, 'What you need')"
  echo "k8s-validate: building kustomize $KUSTOMIZE_VERSION with $(go version | cut -d' ' -f3) (once)"
  GOTOOLCHAIN=local GOBIN="$PWD/$CACHE/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
if ! cmp -s deploy/k8s/validate/requirements.txt "$CACHE/venv/requirements.txt"; then
  [[ -x "$CACHE/venv/bin/python" ]] || "$UV" venv --quiet --python 3.11 "$CACHE/venv"
  "$UV" pip install --quiet --python "$CACHE/venv/bin/python" -r deploy/k8s/validate/requirements.txt
  cp deploy/k8s/validate/requirements.txt "$CACHE/venv/requirements.txt"
fi
if ! cmp -s deploy/k8s/validate/package-lock.json "$CACHE/node/package-lock.json"; then
  need npm "the manifest checks run on Node.js packages (apt-get install npm)"
  mkdir -p "$CACHE/node"
  cp deploy/k8s/validate/package.json deploy/k8s/validate/package-lock.json "$CACHE/node/"
  (cd "$CACHE/node" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

echo "== hadolint Dockerfile"
"$CACHE/venv/bin/hadolint" Dockerfile
status=0
for overlay in deploy/k8s/overlays/*/; do
  name="$(basename "$overlay")"
  "$CACHE/bin/kustomize" build "$overlay" >"$CACHE/$name.yaml"
  "$CACHE/venv/bin/python" deploy/k8s/validate/check.py "$name" "$CACHE/$name.yaml" || status=1
done
exit $status
