"""Decode a record once: the envelope (or why it cannot be parsed) is kept on the record."""

from __future__ import annotations

from shared.events.envelope import Envelope, envelope_from_recorded
from shared.eventstore.port import RecordedEvent


class Unprocessable(Exception):
    """The event can never be handled (it does not parse); dead-letter it without retrying."""


def decode(record: RecordedEvent) -> Envelope:
    """The record's envelope, parsed (and upcast) on first use; raises Unprocessable."""
    found = record.decoded
    if found is None:
        try:
            found = envelope_from_recorded(record)
        except Exception as error:
            found = Unprocessable(
                f"cannot parse {record.event_type} v{record.schema_version}: {error}"
            )
            found.__cause__ = error
        record.decoded = found
    if isinstance(found, Unprocessable):
        raise found
    assert isinstance(found, Envelope)
    return found
