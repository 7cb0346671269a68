"""Errors raised on purpose by the event language; catch ``EventContractError`` to dead-letter."""

from __future__ import annotations

from collections.abc import Iterable


class EventContractError(Exception):
    """Base of every error about an event's type, version, data or envelope."""


class UnknownEventType(EventContractError):
    """No model is registered for this event type (and schema version)."""

    def __init__(
        self,
        event_type: str,
        schema_version: int | None = None,
        known: Iterable[int] = (),
        hint: str | None = None,
    ) -> None:
        self.event_type = event_type
        self.schema_version = schema_version
        versions = sorted(known)
        if hint is None:
            hint = _hint(schema_version, versions)
        shown = event_type if schema_version is None else f"{event_type} v{schema_version}"
        super().__init__(f"unknown event {shown!r}: {hint}")


def _hint(schema_version: int | None, versions: list[int]) -> str:
    if not versions:
        return "no version of it is registered; register its model (see shared.events.catalog)"
    if schema_version is not None and schema_version > versions[-1]:
        latest = versions[-1]
        return f"it is newer than this code knows (latest v{latest}); deploy the newer contract"
    return f"registered versions are {', '.join(f'v{v}' for v in versions)}"


class DuplicateEventType(EventContractError):
    """Two models were registered for the same event type and schema version."""


class UpcastError(EventContractError):
    """An old version cannot be brought to the current one (missing or faulty upcaster)."""


class InvalidEventData(EventContractError):
    """The stored data does not satisfy the event's model."""


class InvalidEnvelope(EventContractError):
    """The envelope's metadata or parts are malformed."""
