"""Kafka clients sign in with SCRAM-SHA-512, as in the cluster (deploy/k8s: the Strimzi listener):
a broker of its own (deploy/local/kafka with KAFKA_SASL=1, SASL_PLAINTEXT), the client settings
it writes read as a service process reads its environment (NodeSettings), then the admin calls,
the idempotent producer and a Faust member work with them, and a wrong password or no sign-in
is refused, aiokafka saying why."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiokafka.errors import KafkaConnectionError
from pydantic import SecretStr

from runtime.distributed.settings import NodeSettings
from shared.messaging.kafka.admin import ensure_topics, partitions_of
from shared.messaging.kafka.faust_member import FaustMember
from shared.messaging.kafka.lanes import Lanes, Message
from shared.messaging.kafka.producer import idempotent_producer
from shared.messaging.kafka.security import PLAINTEXT, KafkaSecurity
from tests.integration.conftest import ROOT, _script

pytestmark = pytest.mark.kafka


@dataclass(frozen=True)
class _Broker:
    bootstrap: str
    kafka_dir: Path
    client_env: dict[str, str]
    """The client settings start.sh wrote (sasl.env)."""


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Broker]:
    kafka_dir = tmp_path_factory.mktemp("kafka-sasl")
    env = {**os.environ, "KAFKA_DIR": str(kafka_dir), "KAFKA_SASL": "1"}
    for name in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "KAFKA_PORT"):
        env.pop(name, None)
    base = os.environ.get("B2B_PORT_BASE")
    if base:  # beside the tier's broker (N+6, N+7) and make up's ports (up to N+9)
        env |= {"KAFKA_PORT": str(int(base) + 10), "KAFKA_CONTROLLER_PORT": str(int(base) + 11)}
    else:
        env.pop("KAFKA_CONTROLLER_PORT", None)
    bootstrap = _script("deploy/local/kafka/start.sh", env)
    try:
        lines = (kafka_dir / "sasl.env").read_text().splitlines()
        found = dict(line.split("=", 1) for line in lines if "=" in line)
        yield _Broker(bootstrap, kafka_dir, found)
    finally:
        _script("deploy/local/kafka/stop.sh", env)


@pytest.fixture
def security(sasl_broker: _Broker, monkeypatch: pytest.MonkeyPatch) -> KafkaSecurity:
    """What a service process makes of the environment the broker's sasl.env describes."""
    for name, value in sasl_broker.client_env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", sasl_broker.bootstrap)
    monkeypatch.setenv("DATABASE_URL", "postgresql://b2b@127.0.0.1:9/postgres")  # not used
    found = NodeSettings(service="order").kafka_security()
    assert found.protocol == "SASL_PLAINTEXT"
    assert found.mechanism == "SCRAM-SHA-512"
    return found


class _Idle:
    """A lane's dispatcher for messages that never reach it (none here is an event)."""

    position = 0

    async def load(self) -> None:
        return None


async def test_admin_producer_and_faust_member_sign_in(
    sasl_broker: _Broker, security: KafkaSecurity, caplog: pytest.LogCaptureFixture
) -> None:
    servers = sasl_broker.bootstrap
    topic = f"sasl-{uuid.uuid4().hex[:8]}"
    await ensure_topics(servers, [topic], partitions=2, security=security)
    assert await partitions_of(servers, topic, security=security) == [0, 1]

    producer = idempotent_producer(servers, "sasl-test", security=security)
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, b"no event", key=b"k")
    finally:
        await producer.stop()

    # The Faust member joins its group and consumes: the message reaches its lanes (as poison).
    received: asyncio.Queue[Message] = asyncio.Queue()

    async def poisoned(message: Message, error: Exception) -> None:
        await received.put(message)

    lanes = Lanes(topic, lambda lane: _Idle(), poisoned)  # type: ignore[arg-type,return-value]
    member = FaustMember(
        f"sasl<{topic}",
        servers,
        topic,
        lanes,
        session_timeout_s=6,
        heartbeat_interval_s=1.5,
        max_poll_interval_s=30,
        security=security,
    )
    running = asyncio.create_task(member.run())
    try:
        message = await asyncio.wait_for(received.get(), timeout=90)
    finally:
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
    assert (message.partition, message.offset, message.value) == (
        sent.partition,
        sent.offset,
        b"no event",
    )
    assert security.password is not None
    assert security.password.get_secret_value() not in caplog.text


async def test_a_wrong_password_is_refused_and_aiokafka_says_why(
    sasl_broker: _Broker, security: KafkaSecurity, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = KafkaSecurity(
        security.protocol, security.mechanism, security.username, SecretStr("not-the-password")
    )
    caplog.set_level(logging.ERROR, logger="aiokafka")
    with pytest.raises(KafkaConnectionError):
        await partitions_of(sasl_broker.bootstrap, "any", security=wrong)
    assert "SaslAuthenticationFailed" in caplog.text
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in caplog.text
    assert "not-the-password" not in caplog.text

    producer = idempotent_producer(sasl_broker.bootstrap, "sasl-test", security=wrong)
    try:
        with pytest.raises(KafkaConnectionError):
            await producer.start()
    finally:
        await producer.stop()


async def test_a_client_that_does_not_sign_in_is_refused(sasl_broker: _Broker) -> None:
    with pytest.raises(KafkaConnectionError):
        await partitions_of(sasl_broker.bootstrap, "any", security=PLAINTEXT)


def test_the_sasl_directory_is_private_and_never_started_without_sasl(
    sasl_broker: _Broker,
) -> None:
    assert (sasl_broker.kafka_dir / "sasl.env").stat().st_mode & 0o077 == 0
    assert (sasl_broker.kafka_dir / "server.properties").stat().st_mode & 0o077 == 0
    env = {**os.environ, "KAFKA_DIR": str(sasl_broker.kafka_dir), "KAFKA_SASL": ""}
    done = subprocess.run(
        ["bash", str(ROOT / "deploy/local/kafka/start.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "holds a SASL_PLAINTEXT broker, not PLAINTEXT" in done.stderr
