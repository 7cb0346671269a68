"""Validates rendered overlays offline: core kinds with kubernetes-validate (strict), Strimzi kinds
against their CRD schemas, and the Ingress against deploy/local/gateway/routes.txt (`make up`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import yaml

KUBERNETES_VERSION = "1.33.0"
ROOT = Path(__file__).resolve().parents[3]
NODE_DIR = ROOT / ".cache" / "k8s" / "node"


def core_problems(doc: dict) -> list[str]:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = "/".join(str(p) for p in error.path)
        return [f"{error.message} at {path or '.'}"]
    except kubernetes_validate.utils.SchemaNotFoundError as error:
        return [f"no schema: {error}"]
    return []


def strimzi_problems(docs: list[dict]) -> list[str]:
    script = Path(__file__).with_name("strimzi.mjs")
    local = NODE_DIR / "strimzi.mjs"
    local.write_text(script.read_text())
    run = subprocess.run(
        ["node", str(local)], input=json.dumps(docs), text=True, capture_output=True, cwd=NODE_DIR
    )
    return [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]


def route_problems(docs: list[dict]) -> list[str]:
    wanted = set()
    for line in (ROOT / "deploy/local/gateway/routes.txt").read_text().splitlines():
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            path, service = (parts[1], parts[2]) if parts[0] == "~" else (parts[0], parts[1])
            wanted.add((path, f"{service}-api"))
    routed = {
        (path["path"], path["backend"]["service"]["name"])
        for doc in docs
        if doc["kind"] == "Ingress"
        for rule in doc["spec"]["rules"]
        for path in rule["http"]["paths"]
        if path["backend"]["service"]["name"] != "portal"
    }
    missing = [
        f"route {p} -> {s} is in routes.txt but not in the Ingress" for p, s in wanted - routed
    ]
    extra = [
        f"route {p} -> {s} is in the Ingress but not in routes.txt" for p, s in routed - wanted
    ]
    return missing + extra


def main(overlay: str, rendered: str) -> int:
    docs = [doc for doc in yaml.safe_load_all(Path(rendered).read_text()) if doc]
    problems: list[str] = []
    strimzi = [d for d in docs if d["apiVersion"].startswith("kafka.strimzi.io/")]
    for doc in docs:
        if doc not in strimzi:
            where = f"{doc['kind']}/{doc['metadata']['name']}"
            problems += [f"{where}: {p}" for p in core_problems(doc)]
    problems += strimzi_problems(strimzi)
    problems += route_problems(docs)
    for problem in problems:
        print(f"  {overlay}: {problem}")
    print(f"{overlay}: {len(docs)} objects ({len(strimzi)} Strimzi), {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
