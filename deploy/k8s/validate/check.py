"""Validates rendered overlays offline: core kinds with kubernetes-validate (strict), Strimzi and
KEDA kinds against their CRD schemas, what no schema sees across objects (structure.py: the
workers' lag scaling and disruption budgets, the Kafka clients' sign-in), and the Ingress against
deploy/local/gateway/routes.txt (`make up`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import yaml
from structure import disruption_problems, scaling_problems, sign_in_problems

KUBERNETES_VERSION = "1.33.0"
ROOT = Path(__file__).resolve().parents[3]
NODE_DIR = ROOT / ".cache" / "k8s" / "node"
CRD_GROUPS = ("kafka.strimzi.io/", "keda.sh/")


def core_problems(doc: dict) -> list[str]:
    try:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = "/".join(str(p) for p in error.path)
        return [f"{error.message} at {path or '.'}"]
    except kubernetes_validate.utils.SchemaNotFoundError as error:
        return [f"no schema: {error}"]
    return []


def crd_problems(docs: list[dict]) -> list[str]:
    script = Path(__file__).with_name("crds.mjs")
    local = NODE_DIR / "crds.mjs"
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
    custom = [d for d in docs if d["apiVersion"].startswith(CRD_GROUPS)]
    for doc in docs:
        if doc not in custom:
            where = f"{doc['kind']}/{doc['metadata']['name']}"
            problems += [f"{where}: {p}" for p in core_problems(doc)]
    problems += crd_problems(custom)
    problems += scaling_problems(docs)
    problems += disruption_problems(docs)
    problems += sign_in_problems(docs)
    problems += route_problems(docs)
    for problem in problems:
        print(f"  {overlay}: {problem}")
    kinds = sorted({d["kind"] for d in custom})
    print(
        f"{overlay}: {len(docs)} objects ({len(custom)} custom: {', '.join(kinds)}), "
        f"{len(problems)} problems"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
