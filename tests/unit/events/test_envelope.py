"""Envelopes are built from a stored event's parts, with metadata that travels as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from shared.events import (
    DomainEvent,
    Envelope,
    EventRegistry,
    InvalidEnvelope,
    InvalidEventData,
    OrderCompleted,
    Upcaster,
    build_envelope,
    envelope_from_recorded,
    metadata_caused_by,
    metadata_for,
    new_event_id,
    parse_envelope,
    serialize,
)
from shared.eventstore import NewEvent, RecordedEvent

NOON_TAIPEI = datetime(2025, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=8)))
ORDER = UUID("0193b0b8-5c1e-7aa0-8000-0000000000aa")


def stored(event: DomainEvent, metadata: dict[str, Any], **parts: Any) -> dict[str, Any]:
    return {
        "event_id": new_event_id(),
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "data": serialize(event),
        "metadata": metadata,
        "stream_id": f"order-{ORDER}",
        "stream_version": 3,
        "position": 42,
        **parts,
    }


def test_metadata_is_json_with_utc_time_and_string_ids() -> None:
    cause = uuid4()
    metadata = metadata_for(NOON_TAIPEI, correlation_id=ORDER, causation_id=cause, actor="buyer:7")
    assert json.loads(json.dumps(metadata)) == metadata
    assert metadata == {
        "occurred_at": "2025-03-01T04:00:00Z",
        "correlation_id": str(ORDER),
        "causation_id": str(cause),
        "actor": "buyer:7",
    }


def test_metadata_refuses_a_naive_time() -> None:
    with pytest.raises(InvalidEnvelope, match="time zone"):
        metadata_for(datetime(2025, 3, 1, 12, 0))


def test_an_envelope_is_built_from_stored_parts() -> None:
    parts = stored(OrderCompleted(order_id=ORDER), metadata_for(NOON_TAIPEI, ORDER, None, "system"))
    envelope = build_envelope(**parts)
    assert envelope.event == OrderCompleted(order_id=ORDER)
    assert envelope.occurred_at == datetime(2025, 3, 1, 4, 0, tzinfo=UTC)
    assert (envelope.stream_id, envelope.stream_version, envelope.position) == (
        f"order-{ORDER}",
        3,
        42,
    )
    assert (envelope.correlation_id, envelope.causation_id, envelope.actor) == (
        ORDER,
        None,
        "system",
    )
    assert envelope.event_id == parts["event_id"]


def test_an_envelope_is_built_from_a_recorded_event_of_the_store() -> None:
    event = OrderCompleted(order_id=ORDER)
    new = NewEvent(
        event_id=new_event_id(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        data=serialize(event),
        metadata=metadata_for(NOON_TAIPEI, ORDER),
    )
    recorded = RecordedEvent(
        event_id=new.event_id,
        event_type=new.event_type,
        schema_version=new.schema_version,
        data=new.data,
        metadata=new.metadata,
        stream_id=f"order-{ORDER}",
        stream_version=1,
        position=9,
        recorded_at=datetime.now(UTC),
    )
    envelope = envelope_from_recorded(recorded)
    assert (envelope.event, envelope.event_id, envelope.position) == (event, new.event_id, 9)


def test_infrastructure_keys_in_metadata_are_ignored() -> None:
    metadata = {**metadata_for(NOON_TAIPEI), "trace_id": "abc"}
    assert build_envelope(**stored(OrderCompleted(order_id=ORDER), metadata)).actor is None


def test_metadata_without_occurred_at_is_an_invalid_envelope() -> None:
    with pytest.raises(InvalidEnvelope, match="occurred_at"):
        build_envelope(**stored(OrderCompleted(order_id=ORDER), {}))


@pytest.mark.parametrize("part", [{"position": 0}, {"stream_version": 0}, {"stream_id": ""}])
def test_stream_versions_and_positions_start_at_one(part: dict[str, Any]) -> None:
    with pytest.raises(InvalidEnvelope):
        build_envelope(**stored(OrderCompleted(order_id=ORDER), metadata_for(NOON_TAIPEI), **part))


def test_bad_payload_data_is_an_event_data_error() -> None:
    parts = stored(OrderCompleted(order_id=ORDER), metadata_for(NOON_TAIPEI))
    with pytest.raises(InvalidEventData):
        build_envelope(**{**parts, "data": {"order_id": "nope"}})


class LabelPrinted(DomainEvent):
    """Test event, v2 (v1 had no ``printer``)."""

    event_type: ClassVar[str] = "LabelPrinted"
    schema_version: ClassVar[int] = 2

    order_id: UUID
    printer: str


def test_an_old_version_is_upcast_and_the_envelope_carries_the_current_version() -> None:
    registry = EventRegistry(
        [LabelPrinted], [Upcaster("LabelPrinted", 1, 2, lambda d: {**d, "printer": "unknown"})]
    )
    envelope = build_envelope(
        event_id=uuid4(),
        event_type="LabelPrinted",
        schema_version=1,
        data={"order_id": str(ORDER)},
        metadata=metadata_for(NOON_TAIPEI),
        stream_id="label-1",
        stream_version=1,
        position=1,
        registry=registry,
    )
    assert envelope.event == LabelPrinted(order_id=ORDER, printer="unknown")
    assert envelope.schema_version == 2


def test_an_envelope_must_describe_its_own_payload() -> None:
    with pytest.raises(ValidationError, match="must be those of the payload"):
        Envelope(
            event_id=uuid4(),
            event_type="OrderPlaced",
            schema_version=1,
            stream_id="order-1",
            stream_version=1,
            position=1,
            occurred_at=NOON_TAIPEI,
            event=OrderCompleted(order_id=ORDER),
        )


def test_an_envelope_cannot_be_validated_from_a_raw_payload_dict() -> None:
    with pytest.raises(ValidationError):
        Envelope.model_validate(
            {
                "event_id": str(uuid4()),
                "event_type": "OrderCompleted",
                "schema_version": 1,
                "stream_id": "order-1",
                "stream_version": 1,
                "position": 1,
                "occurred_at": "2025-03-01T04:00:00Z",
                "event": {"order_id": str(ORDER)},
            }
        )


def test_an_envelope_survives_json_and_parse_envelope() -> None:
    metadata = metadata_for(NOON_TAIPEI, ORDER, uuid4(), "supplier:3")
    envelope = build_envelope(**stored(OrderCompleted(order_id=ORDER), metadata))
    wire = json.loads(envelope.model_dump_json())
    assert wire["event"] == {"order_id": str(ORDER)}
    assert wire["occurred_at"] == "2025-03-01T04:00:00Z"
    assert parse_envelope(wire) == envelope


def test_parse_envelope_reports_a_missing_part() -> None:
    envelope = build_envelope(**stored(OrderCompleted(order_id=ORDER), metadata_for(NOON_TAIPEI)))
    wire = envelope.model_dump(mode="json")
    del wire["position"]
    with pytest.raises(InvalidEnvelope, match="position"):
        parse_envelope(wire)


def test_a_follow_up_keeps_the_correlation_and_is_caused_by_the_envelope() -> None:
    cause = build_envelope(
        **stored(OrderCompleted(order_id=ORDER), metadata_for(NOON_TAIPEI, ORDER))
    )
    later = NOON_TAIPEI + timedelta(minutes=1)
    assert metadata_caused_by(cause, later, actor="policy:x") == metadata_for(
        later, correlation_id=ORDER, causation_id=cause.event_id, actor="policy:x"
    )


def test_an_envelope_read_from_stored_text_is_the_validated_envelope() -> None:
    """Decoding skips validating the envelope a second time; what it builds must be what full
    validation builds (equal, same fields set, same dump, same hash)."""
    event = OrderCompleted(order_id=ORDER)
    caused = metadata_for(NOON_TAIPEI, ORDER, uuid4(), "buyer:someone")
    recorded = RecordedEvent(
        event_id=new_event_id(),
        event_type=event.event_type,
        schema_version=event.schema_version,
        data=json.dumps(serialize(event)),
        metadata=json.dumps(caused),
        stream_id=f"order-{ORDER}",
        stream_version=4,
        position=17,
        recorded_at=datetime.now(UTC),
    )
    fast = envelope_from_recorded(recorded)
    validated = Envelope.model_validate(
        {
            "event_id": recorded.event_id,
            "event_type": recorded.event_type,
            "schema_version": recorded.schema_version,
            "stream_id": recorded.stream_id,
            "stream_version": 4,
            "position": 17,
            **{k: v for k, v in caused.items() if k in Envelope.model_fields},
            "event": event,
        }
    )
    assert fast == validated
    assert fast.model_fields_set == validated.model_fields_set
    assert fast.model_dump_json() == validated.model_dump_json()
    assert hash(fast) == hash(validated)
    assert fast.correlation_id == ORDER
    assert fast.actor == validated.actor
