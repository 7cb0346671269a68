"""The producer settings every Kafka writer here uses: idempotent, acknowledged by all replicas."""

from __future__ import annotations

from aiokafka import AIOKafkaProducer

from shared.messaging.kafka.security import PLAINTEXT, KafkaSecurity, client_kwargs


def idempotent_producer(
    bootstrap_servers: str, client_id: str, *, security: KafkaSecurity = PLAINTEXT
) -> AIOKafkaProducer:
    """Not started: the caller starts and stops it (nothing connects at build time)."""
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        linger_ms=2,
        request_timeout_ms=15_000,
        **client_kwargs(security),
    )
