"""Kafka messages: the public envelope as JSON bytes, keyed by the order (saga) or the stream."""

from __future__ import annotations

import json
from typing import Any

from shared.events.envelope import Envelope, parse_envelope
from shared.events.registry import serialize
from shared.eventstore.port import RecordedEvent


def message_key(envelope: Envelope) -> bytes:
    """The order's id (correlation id) when the event belongs to a saga, else its stream id."""
    key = str(envelope.correlation_id) if envelope.correlation_id else envelope.stream_id
    return key.encode()


def encode(envelope: Envelope) -> bytes:
    return envelope.model_dump_json().encode()


def decode(value: bytes | None) -> RecordedEvent:
    """Bytes → envelope (pydantic, upcast) → the record shape consumers take; raises if invalid."""
    if value is None:
        raise ValueError("the message has no value (a tombstone?)")
    raw: Any = json.loads(value)
    if not isinstance(raw, dict):
        raise ValueError(f"expected a JSON object, got {type(raw).__name__}")
    envelope = parse_envelope(raw)
    record = RecordedEvent(
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        schema_version=envelope.schema_version,
        data=serialize(envelope.event),
        metadata={
            "occurred_at": envelope.occurred_at.isoformat(),
            "correlation_id": str(envelope.correlation_id) if envelope.correlation_id else None,
            "causation_id": str(envelope.causation_id) if envelope.causation_id else None,
            "actor": envelope.actor,
        },
        stream_id=envelope.stream_id,
        stream_version=envelope.stream_version,
        position=envelope.position,
        recorded_at=envelope.occurred_at,
    )
    record.decoded = envelope  # parsed once: the dispatcher's handlers take it as it is
    return record
