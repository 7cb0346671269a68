"""Between typed events and stored records: serialise going in, parse (and upcast) coming out."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from shared.events.base import DomainEvent
from shared.events.envelope import Envelope, envelope_from_recorded, metadata_for
from shared.events.registry import serialize
from shared.eventstore.port import NewEvent, RecordedEvent


def to_new_event(
    event: DomainEvent,
    *,
    event_id: UUID,
    occurred_at: datetime,
    correlation_id: UUID | None,
    causation_id: UUID | None,
    actor: str | None,
) -> NewEvent:
    return NewEvent(
        event_id=event_id,
        event_type=event.event_type,
        schema_version=event.schema_version,
        data=serialize(event),
        metadata=metadata_for(
            occurred_at=occurred_at,
            correlation_id=correlation_id,
            causation_id=causation_id,
            actor=actor,
        ),
    )


def to_envelope(record: RecordedEvent) -> Envelope:
    """Parse (and upcast) a stored record; raises when it fits no registered contract."""
    return envelope_from_recorded(record)
