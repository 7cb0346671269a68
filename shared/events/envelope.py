"""The envelope: a parsed event with its id, stream, position and metadata (ARCHITECTURE §5)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Protocol, Self
from uuid import UUID

from pydantic import (
    ConfigDict,
    Field,
    InstanceOf,
    SerializeAsAny,
    ValidationError,
    WithJsonSchema,
    model_validator,
)

from shared.events.base import Contract, DomainEvent, UtcDateTime
from shared.events.errors import InvalidEnvelope
from shared.events.ids import external_event_id, new_event_id, reaction_event_id
from shared.events.registry import DEFAULT_REGISTRY, EventRegistry

__all__ = [
    "Envelope",
    "EventMetadata",
    "StoredEvent",
    "build_envelope",
    "envelope_from_recorded",
    "external_event_id",
    "metadata_caused_by",
    "metadata_for",
    "new_event_id",
    "parse_envelope",
    "reaction_event_id",
]

_PAYLOAD_SCHEMA = {
    "type": "object",
    "description": "The event's data; its schema is <event_type>.v<schema_version>.json",
}


class EventMetadata(Contract):
    """What ``NewEvent.metadata`` holds; keys added by infrastructure are ignored."""

    model_config = ConfigDict(extra="ignore")

    occurred_at: UtcDateTime
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    actor: str | None = None


class Envelope(Contract):
    """A stored event, parsed: ``schema_version`` is the payload's (current) version."""

    event_id: UUID
    event_type: str
    schema_version: int = Field(ge=1)
    stream_id: str = Field(min_length=1)
    stream_version: int = Field(ge=1)
    position: int = Field(ge=1)
    occurred_at: UtcDateTime
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    actor: str | None = None
    event: Annotated[SerializeAsAny[InstanceOf[DomainEvent]], WithJsonSchema(_PAYLOAD_SCHEMA)]

    @model_validator(mode="after")
    def _describes_its_payload(self) -> Self:
        model = type(self.event)
        if (self.event_type, self.schema_version) != (
            getattr(model, "event_type", None),
            model.schema_version,
        ):
            raise ValueError("event_type and schema_version must be those of the payload's model")
        return self


class StoredEvent(Protocol):
    """What the event store's RecordedEvent offers (read-only)."""

    @property
    def event_id(self) -> UUID: ...
    @property
    def event_type(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def metadata(self) -> dict[str, Any]: ...
    @property
    def stream_id(self) -> str: ...
    @property
    def stream_version(self) -> int: ...
    @property
    def position(self) -> int: ...


def metadata_for(
    occurred_at: datetime,
    correlation_id: UUID | None = None,
    causation_id: UUID | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """The JSON-able dict for ``NewEvent.metadata``; ``occurred_at`` must carry a time zone."""
    try:
        metadata = EventMetadata(
            occurred_at=occurred_at,
            correlation_id=correlation_id,
            causation_id=causation_id,
            actor=actor,
        )
    except ValidationError as error:
        raise InvalidEnvelope(f"invalid event metadata: {error}") from error
    return metadata.model_dump(mode="json")


def metadata_caused_by(
    cause: Envelope, occurred_at: datetime, actor: str | None = None
) -> dict[str, Any]:
    """Metadata for an event caused by ``cause``: same correlation, caused by its id."""
    return metadata_for(occurred_at, cause.correlation_id, cause.event_id, actor)


def build_envelope(
    *,
    event_id: UUID,
    event_type: str,
    schema_version: int,
    data: Mapping[str, Any],
    metadata: Mapping[str, Any],
    stream_id: str,
    stream_version: int,
    position: int,
    registry: EventRegistry = DEFAULT_REGISTRY,
) -> Envelope:
    """Parse a stored event's parts (upcasting old versions) into an Envelope."""
    event = registry.parse(event_type, schema_version, data)
    try:
        meta = EventMetadata.model_validate(metadata)
    except ValidationError as error:
        raise InvalidEnvelope(f"invalid envelope for event {event_id}: {error}") from error
    return _envelope(event_id, event, meta, stream_id, stream_version, position)


def _envelope(
    event_id: UUID,
    event: DomainEvent,
    meta: EventMetadata,
    stream_id: str,
    stream_version: int,
    position: int,
) -> Envelope:
    if stream_version < 1 or position < 1 or not stream_id:
        raise InvalidEnvelope(
            f"invalid envelope for event {event_id}: stream {stream_id!r} version "
            f"{stream_version} position {position} (the store numbers from 1)"
        )
    # Every part is validated already (the payload and metadata just now, the rest by the
    # store's schema): constructing skips a third validation on every event a consumer reads.
    # What ``model_construct`` builds, with every field given: its field-by-field loop cost
    # more than the payload's own validation.
    envelope = _new_envelope(Envelope)
    _set(envelope, "__dict__", {
        "event_id": event_id,
        "event_type": event.event_type,
        "schema_version": type(event).schema_version,
        "stream_id": stream_id,
        "stream_version": stream_version,
        "position": position,
        "occurred_at": meta.occurred_at,
        "correlation_id": meta.correlation_id,
        "causation_id": meta.causation_id,
        "actor": meta.actor,
        "event": event,
    })  # fmt: skip
    _set(envelope, "__pydantic_fields_set__", set(_ENVELOPE_FIELDS))
    _set(envelope, "__pydantic_extra__", None)
    _set(envelope, "__pydantic_private__", None)
    return envelope


_new_envelope = object.__new__
_set = object.__setattr__
_ENVELOPE_FIELDS = frozenset(Envelope.model_fields)


def envelope_from_recorded(
    recorded: StoredEvent, registry: EventRegistry = DEFAULT_REGISTRY
) -> Envelope:
    """Parse a RecordedEvent from the event store into an Envelope (straight from its stored
    JSON text when it carries it)."""
    data_json: str | None = getattr(recorded, "data_json", None)
    metadata_json: str | None = getattr(recorded, "metadata_json", None)
    if data_json is not None and metadata_json is not None:
        event = registry.parse_json(recorded.event_type, recorded.schema_version, data_json)
        try:
            meta = EventMetadata.model_validate_json(metadata_json)
        except ValidationError as error:
            raise InvalidEnvelope(
                f"invalid envelope for event {recorded.event_id}: {error}"
            ) from error
        return _envelope(
            recorded.event_id, event, meta, recorded.stream_id, recorded.stream_version,
            recorded.position,
        )  # fmt: skip
    return build_envelope(
        event_id=recorded.event_id,
        event_type=recorded.event_type,
        schema_version=recorded.schema_version,
        data=recorded.data,
        metadata=recorded.metadata,
        stream_id=recorded.stream_id,
        stream_version=recorded.stream_version,
        position=recorded.position,
        registry=registry,
    )


def parse_envelope(raw: Mapping[str, Any], registry: EventRegistry = DEFAULT_REGISTRY) -> Envelope:
    """The inverse of ``envelope.model_dump(mode="json")``, e.g. for a Kafka message's value."""
    try:
        return build_envelope(
            event_id=UUID(str(raw["event_id"])),
            event_type=str(raw["event_type"]),
            schema_version=int(raw["schema_version"]),
            data=raw["event"],
            metadata=raw,
            stream_id=str(raw["stream_id"]),
            stream_version=int(raw["stream_version"]),
            position=int(raw["position"]),
            registry=registry,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidEnvelope(f"malformed envelope: {error!r}") from error
