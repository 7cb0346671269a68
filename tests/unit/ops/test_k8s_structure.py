"""The cross-object checks of `make k8s-validate` (deploy/k8s/validate/structure.py) pass a
sound render and name each way of breaking one: the lag scaling of the workers, their
disruption budgets and the Kafka clients' sign-in."""

from __future__ import annotations

import copy
import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

PATH = Path(__file__).resolve().parents[3] / "deploy/k8s/validate/structure.py"


def _structure() -> ModuleType:
    spec = importlib.util.spec_from_file_location("k8s_structure", PATH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


structure = _structure()
Doc = dict[str, Any]


def _render() -> list[Doc]:
    labels = {"app.kubernetes.io/name": "payment", "app.kubernetes.io/component": "worker"}
    return [
        {
            "kind": "ConfigMap",
            "metadata": {"name": "payment-settings"},
            "data": {"KAFKA_SASL_USERNAME": "payment"},
        },
        {
            "kind": "Deployment",
            "metadata": {"name": "payment-worker"},
            "spec": {
                "replicas": 2,
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {
                        "containers": [
                            {
                                "name": "app",
                                "envFrom": [{"configMapRef": {"name": "payment-settings"}}],
                            }
                        ]
                    },
                },
            },
        },
        {
            "kind": "ScaledObject",
            "metadata": {"name": "payment-worker"},
            "spec": {
                "scaleTargetRef": {"name": "payment-worker"},
                "minReplicaCount": 2,
                "maxReplicaCount": 12,
                "triggers": [
                    {
                        "type": "kafka",
                        "metadata": {"topic": "order.events.v1", "consumerGroup": "payment<order"},
                        "authenticationRef": {"name": "payment-kafka"},
                    }
                ],
            },
        },
        {
            "kind": "TriggerAuthentication",
            "metadata": {"name": "payment-kafka"},
            "spec": {
                "secretTargetRef": [
                    {"parameter": "password", "name": "payment", "key": "password"}
                ],
                "env": [{"parameter": "username", "name": "KAFKA_SASL_USERNAME"}],
            },
        },
        {
            "kind": "KafkaUser",
            "metadata": {"name": "payment"},
            "spec": {
                "authorization": {
                    "acls": [
                        {
                            "resource": {"type": "topic", "name": "order.events.v1"},
                            "operations": ["Describe", "Read"],
                        },
                        {
                            "resource": {
                                "type": "group",
                                "name": "payment<",
                                "patternType": "prefix",
                            },
                            "operations": ["Read"],
                        },
                    ]
                }
            },
        },
        {
            "kind": "KafkaTopic",
            "metadata": {"name": "order-events-v1"},
            "spec": {"topicName": "order.events.v1", "partitions": 12},
        },
        {
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "payment-worker"},
            "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels}},
        },
    ]


def _problems(docs: list[Doc]) -> list[str]:
    return [*structure.scaling_problems(docs), *structure.disruption_problems(docs)]


def _get(docs: list[Doc], kind: str) -> Doc:
    return next(d for d in docs if d["kind"] == kind)


def test_a_sound_render_has_no_problem() -> None:
    assert _problems(_render()) == []


def _trigger(docs: list[Doc]) -> Doc:
    return _get(docs, "ScaledObject")["spec"]["triggers"][0]


BREAKAGES: dict[str, tuple[Callable[[list[Doc]], None], str]] = {
    "target missing": (
        lambda d: _get(d, "ScaledObject")["spec"]["scaleTargetRef"].update(name="payment-api"),
        "not in the render",
    ),
    "another service's group": (
        lambda d: _trigger(d)["metadata"].update(consumerGroup="order<order"),
        "'payment<order' on 'order.events.v1'",
    ),
    "unknown topic": (
        lambda d: _trigger(d)["metadata"].update(
            topic="sourcing.events.v1", consumerGroup="payment<sourcing"
        ),
        "no KafkaTopic",
    ),
    "more workers than partitions": (
        lambda d: _get(d, "KafkaTopic")["spec"].update(partitions=6),
        "idle",
    ),
    "authentication missing": (
        lambda d: _trigger(d).update(authenticationRef={"name": "kafka"}),
        "TriggerAuthentication 'kafka' not in the render",
    ),
    "another user's name": (
        lambda d: _get(d, "ConfigMap")["data"].update(KAFKA_SASL_USERNAME="order"),
        "user name 'order'",
    ),
    "no read on the group": (
        lambda d: _get(d, "KafkaUser")["spec"]["authorization"]["acls"].pop(),
        "may not read",
    ),
    "an HPA as well": (
        lambda d: d.append(
            {
                "kind": "HorizontalPodAutoscaler",
                "metadata": {"name": "payment-worker"},
                "spec": {"scaleTargetRef": {"name": "payment-worker"}},
            }
        ),
        "HorizontalPodAutoscaler scales",
    ),
    "a worker not scaled": (
        lambda d: d.remove(_get(d, "ScaledObject")),
        "no ScaledObject scales",
    ),
    "no budget": (
        lambda d: d.remove(_get(d, "PodDisruptionBudget")),
        "0 PodDisruptionBudgets",
    ),
    "a drain may take most": (
        lambda d: _get(d, "PodDisruptionBudget")["spec"].update(maxUnavailable="60%"),
        "fewer than half",
    ),
    "a drain may take none": (
        lambda d: (
            _get(d, "PodDisruptionBudget")["spec"].update(minAvailable="100%", maxUnavailable=None)
            or _get(d, "PodDisruptionBudget")["spec"].pop("maxUnavailable")
        ),
        "would hang",
    ),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_each_breakage_is_named(breakage: str) -> None:
    docs = copy.deepcopy(_render())
    breaks, expected = BREAKAGES[breakage]
    breaks(docs)
    problems = _problems(docs)
    assert any(expected in p for p in problems), problems


def test_a_single_worker_is_not_asked_for_a_quorum() -> None:
    docs = _render()
    _get(docs, "ScaledObject")["spec"].update(minReplicaCount=1, maxReplicaCount=1)
    assert _problems(docs) == []


def _clients() -> list[Doc]:
    """A relay of payment that signs in as its KafkaUser on a SCRAM listener."""
    labels = {"app.kubernetes.io/component": "relay", "b2b.dev/kafka-client": "true"}
    env = [
        {"name": "KAFKA_SECURITY_PROTOCOL", "value": "SASL_PLAINTEXT"},
        {"name": "KAFKA_SASL_MECHANISM", "value": "SCRAM-SHA-512"},
        {
            "name": "KAFKA_SASL_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": "payment", "key": "password"}},
        },
    ]
    container = {
        "name": "app",
        "envFrom": [{"configMapRef": {"name": "payment-settings"}}],
        "env": env,
    }
    return [
        _get(_render(), "ConfigMap"),
        _get(_render(), "KafkaUser"),
        {
            "kind": "Kafka",
            "metadata": {"name": "b2b"},
            "spec": {"kafka": {"listeners": [{"authentication": {"type": "scram-sha-512"}}]}},
        },
        {
            "kind": "Deployment",
            "metadata": {"name": "payment-relay"},
            "spec": {
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}}
            },
        },
    ]


def _env(docs: list[Doc]) -> list[Doc]:
    env: list[Doc] = _get(docs, "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"]
    return env


SIGN_IN_BREAKAGES: dict[str, tuple[Callable[[list[Doc]], None], str]] = {
    "plaintext on a SCRAM listener": (
        lambda d: _env(d).pop(0),
        "KAFKA_SECURITY_PROTOCOL=PLAINTEXT",
    ),
    "another mechanism": (
        lambda d: _env(d)[1].update(value="SCRAM-SHA-256"),
        "KAFKA_SASL_MECHANISM=SCRAM-SHA-256",
    ),
    "no password": (
        lambda d: _env(d).pop(2),
        "KAFKA_SASL_PASSWORD from Secret None",
    ),
    "another user's password": (
        lambda d: _env(d)[2]["valueFrom"]["secretKeyRef"].update(name="order"),
        "from Secret 'order' key 'password', not KafkaUser 'payment'",
    ),
    "a user Strimzi does not know": (
        lambda d: _get(d, "ConfigMap")["data"].update(KAFKA_SASL_USERNAME="paymnet"),
        "as 'paymnet', which is no KafkaUser",
    ),
}


def test_a_kafka_client_signing_in_as_its_user_has_no_problem() -> None:
    assert structure.sign_in_problems(_clients()) == []


@pytest.mark.parametrize("breakage", sorted(SIGN_IN_BREAKAGES))
def test_each_sign_in_breakage_is_named(breakage: str) -> None:
    docs = copy.deepcopy(_clients())
    breaks, expected = SIGN_IN_BREAKAGES[breakage]
    breaks(docs)
    problems = structure.sign_in_problems(docs)
    assert any(expected in p for p in problems), problems
