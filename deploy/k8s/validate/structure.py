"""Checks across the rendered objects that no schema can make: the lag scaling of the workers
(KEDA ScaledObjects) points at the right Deployment, consumer groups, topics and credentials,
never asks for more workers than a topic has partitions, a node drain keeps at least half
of the workers, and every Kafka client signs in as its service's KafkaUser. Pure (standard
library only): tests/unit/ops/test_k8s_structure.py feeds it broken renders."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

Doc = dict[str, Any]

WORKER = "worker"


def _of(docs: list[Doc], kind: str) -> Iterator[Doc]:
    return (d for d in docs if d.get("kind") == kind)


def _named(docs: list[Doc], kind: str) -> dict[str, Doc]:
    return {d["metadata"]["name"]: d for d in _of(docs, kind)}


def _labels(deployment: Doc) -> dict[str, str]:
    return deployment["spec"]["template"]["metadata"].get("labels", {})


def _selects(pdb: Doc, labels: dict[str, str]) -> bool:
    wanted = pdb["spec"].get("selector", {}).get("matchLabels", {})
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def _settings(docs: list[Doc], deployment: Doc) -> dict[str, str]:
    """The ConfigMap data a Deployment's app container takes with envFrom."""
    maps = _named(docs, "ConfigMap")
    found: dict[str, str] = {}
    for container in deployment["spec"]["template"]["spec"]["containers"]:
        for source in container.get("envFrom", ()):
            ref = source.get("configMapRef")
            if ref and ref["name"] in maps:
                found.update(maps[ref["name"]].get("data", {}))
    return found


def _budget_left(pdb: Doc, replicas: int) -> int:
    """Pods a PodDisruptionBudget keeps when ``replicas`` run (as the eviction API counts)."""
    spec = pdb["spec"]

    def count(value: int | str, *, up: bool) -> int:
        if isinstance(value, str) and value.endswith("%"):
            share = replicas * int(value[:-1]) / 100
            return math.ceil(share) if up else math.floor(share)
        return int(value)

    if "minAvailable" in spec:
        return min(replicas, count(spec["minAvailable"], up=True))
    if "maxUnavailable" in spec:
        return max(0, replicas - count(spec["maxUnavailable"], up=True))
    return 0


def scaling_problems(docs: list[Doc]) -> list[str]:
    """Every worker Deployment scaled by exactly one ScaledObject on its own groups' lag."""
    problems: list[str] = []
    deployments = _named(docs, "Deployment")
    auths = _named(docs, "TriggerAuthentication")
    users = _named(docs, "KafkaUser")
    topics = {t["spec"].get("topicName", t["metadata"]["name"]): t for t in _of(docs, "KafkaTopic")}
    hpa_targets = {
        h["spec"]["scaleTargetRef"]["name"] for h in _of(docs, "HorizontalPodAutoscaler")
    }
    scaled: dict[str, str] = {}
    for so in _of(docs, "ScaledObject"):
        where = f"ScaledObject/{so['metadata']['name']}"
        spec = so["spec"]
        target = deployments.get(spec["scaleTargetRef"]["name"])
        if target is None:
            problems.append(
                f"{where}: scales Deployment {spec['scaleTargetRef']['name']}, "
                "which is not in the render"
            )
            continue
        name = target["metadata"]["name"]
        if name in scaled:
            problems.append(f"{where}: Deployment {name} is scaled by {scaled[name]} too")
        scaled[name] = where
        if name in hpa_targets:
            problems.append(f"{where}: a HorizontalPodAutoscaler scales Deployment {name} too")
        labels = _labels(target)
        service = labels.get("app.kubernetes.io/name", "")
        if labels.get("app.kubernetes.io/component") != WORKER:
            problems.append(f"{where}: scales {name}, which is no worker")
        least, most = spec.get("minReplicaCount", 0), spec.get("maxReplicaCount", 100)
        if not 1 <= least <= most:
            problems.append(f"{where}: replicas {least}..{most} (at least 1, min <= max)")
        triggers = spec.get("triggers", [])
        if not triggers:
            problems.append(f"{where}: no trigger")
        for trigger in triggers:
            problems += [
                f"{where}: {p}"
                for p in _trigger_problems(
                    trigger, service, most, topics, auths, users, _settings(docs, target)
                )
            ]
    for name, deployment in deployments.items():
        if _labels(deployment).get("app.kubernetes.io/component") == WORKER and name not in scaled:
            problems.append(f"Deployment/{name}: a worker no ScaledObject scales")
    return problems


def _trigger_problems(
    trigger: Doc,
    service: str,
    most: int,
    topics: dict[str, Doc],
    auths: dict[str, Doc],
    users: dict[str, Doc],
    settings: dict[str, str],
) -> list[str]:
    if trigger.get("type") != "kafka":
        return [f"trigger {trigger.get('type')}: the workers scale on Kafka lag only"]
    meta = trigger.get("metadata", {})
    topic, group = meta.get("topic", ""), meta.get("consumerGroup", "")
    problems = []
    source = topic.removesuffix(".events.v1")
    if not topic.endswith(".events.v1") or group != f"{service}<{source}":
        problems.append(
            f"trigger on {topic!r} with group {group!r}: the group of {service}'s workers on "
            f"{source}'s events is '{service}<{source}' on '{source}.events.v1'"
        )
    found = topics.get(topic)
    if found is None:
        problems.append(f"trigger on {topic!r}: no KafkaTopic has that topicName")
    elif most > found["spec"]["partitions"]:
        problems.append(
            f"maxReplicaCount {most} > the {found['spec']['partitions']} partitions of {topic}: "
            "the extra workers would sit idle"
        )
    ref = trigger.get("authenticationRef", {}).get("name")
    auth = auths.get(ref or "")
    if auth is None:
        return [*problems, f"trigger on {topic!r}: TriggerAuthentication {ref!r} not in the render"]
    secrets = {s["parameter"]: s["name"] for s in auth["spec"].get("secretTargetRef", ())}
    envs = {e["parameter"]: e["name"] for e in auth["spec"].get("env", ())}
    user = secrets.get("password")
    if user not in users:
        problems.append(
            f"TriggerAuthentication/{ref}: password from Secret {user!r}, no KafkaUser's"
        )
    else:
        username = settings.get(envs.get("username", ""))
        if username != user:
            problems.append(
                f"TriggerAuthentication/{ref}: user name {username!r} (the workers' "
                f"{envs.get('username')!r}), but the password is KafkaUser {user!r}'s"
            )
        if not _may_read(users[user], topic, group):
            problems.append(f"KafkaUser/{user} may not read {topic!r} or group {group!r}")
    return problems


def _may_read(user: Doc, topic: str, group: str) -> bool:
    def allows(kind: str, name: str) -> bool:
        for acl in user["spec"].get("authorization", {}).get("acls", ()):
            resource = acl["resource"]
            if resource["type"] != kind or "Read" not in acl.get("operations", ()):
                continue
            pattern = resource.get("patternType", "literal")
            if name == resource["name"] or (
                pattern == "prefix" and name.startswith(resource["name"])
            ):
                return True
        return False

    return allows("topic", topic) and allows("group", group)


def disruption_problems(docs: list[Doc]) -> list[str]:
    """A node drain keeps at least half of the workers (at least one) at every scale KEDA may
    choose; a single-replica Deployment (dev) cannot, and is not asked to."""
    problems: list[str] = []
    pdbs = list(_of(docs, "PodDisruptionBudget"))
    scales = {
        so["spec"]["scaleTargetRef"]["name"]: (
            so["spec"].get("minReplicaCount", 0),
            so["spec"].get("maxReplicaCount", 100),
        )
        for so in _of(docs, "ScaledObject")
    }
    for name, deployment in _named(docs, "Deployment").items():
        labels = _labels(deployment)
        if labels.get("app.kubernetes.io/component") != WORKER:
            continue
        budgets = [p for p in pdbs if _selects(p, labels)]
        if len(budgets) != 1:
            problems.append(f"Deployment/{name}: {len(budgets)} PodDisruptionBudgets select it")
            continue
        least, most = scales.get(name, (deployment["spec"].get("replicas", 1),) * 2)
        for replicas in range(max(2, least), most + 1):
            left = _budget_left(budgets[0], replicas)
            if left < max(1, math.ceil(replicas / 2)):
                problems.append(
                    f"PodDisruptionBudget/{budgets[0]['metadata']['name']}: a drain may leave "
                    f"{left} of {replicas} workers (fewer than half)"
                )
                break
            if left >= replicas:
                problems.append(
                    f"PodDisruptionBudget/{budgets[0]['metadata']['name']}: no worker of "
                    f"{replicas} may ever be evicted (a node drain would hang)"
                )
                break
    return problems


SASL = ("SASL_PLAINTEXT", "SASL_SSL")


def sign_in_problems(docs: list[Doc]) -> list[str]:
    """Every Deployment whose pods may reach Kafka (label b2b.dev/kafka-client) signs in as the
    listener asks, as the KafkaUser its settings name, with the password from the Secret Strimzi
    writes for that user (named after it, key ``password``)."""
    problems: list[str] = []
    users = _named(docs, "KafkaUser")
    mechanisms = {
        listener.get("authentication", {}).get("type")
        for kafka in _of(docs, "Kafka")
        for listener in kafka["spec"]["kafka"].get("listeners", ())
    }
    for name, deployment in _named(docs, "Deployment").items():
        if _labels(deployment).get("b2b.dev/kafka-client") != "true":
            continue
        where = f"Deployment/{name}"
        env = {
            e["name"]: e
            for c in deployment["spec"]["template"]["spec"]["containers"]
            if c["name"] == "app"
            for e in c.get("env", ())
        }
        settings = _settings(docs, deployment) | {
            k: e["value"] for k, e in env.items() if "value" in e
        }
        protocol = settings.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
        mechanism = settings.get("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
        if "scram-sha-512" in mechanisms and (protocol not in SASL or mechanism != "SCRAM-SHA-512"):
            problems.append(
                f"{where}: the Kafka listener takes SCRAM-SHA-512, the pods sign in with "
                f"KAFKA_SECURITY_PROTOCOL={protocol} KAFKA_SASL_MECHANISM={mechanism}"
            )
        user = settings.get("KAFKA_SASL_USERNAME")
        ref = env.get("KAFKA_SASL_PASSWORD", {}).get("valueFrom", {}).get("secretKeyRef", {})
        if user not in users:
            problems.append(f"{where}: signs in to Kafka as {user!r}, which is no KafkaUser")
        elif (ref.get("name"), ref.get("key")) != (user, "password"):
            problems.append(
                f"{where}: KAFKA_SASL_PASSWORD from Secret {ref.get('name')!r} key "
                f"{ref.get('key')!r}, not KafkaUser {user!r}'s (Secret {user!r}, key 'password')"
            )
    return problems
