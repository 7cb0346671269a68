"""One order's timeline across every service, by correlation id (optionally as of an instant)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from runtime.ops.events import events_about
from services.order.views.timeline import summarize
from shared.eventstore.port import EventStore, RecordedEvent
from shared.service.codec import to_envelope


@dataclass(frozen=True)
class Entry:
    """One event of the story: when, which service, what, who, and its key facts in a line."""

    at: str
    recorded_at: str
    service: str
    position: int
    stream: str
    event: str
    actor: str | None
    summary: str

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def key_facts(data: dict[str, Any]) -> str:
    """The event's scalar fields in one line, for events without a written summary."""
    shown = [
        f"{name}={value}"
        for name, value in data.items()
        if name != "order_id" and isinstance(value, str | int | float) and len(str(value)) < 40
    ]
    return ", ".join(shown[:5])


def _entry(service: str, record: RecordedEvent) -> Entry:
    try:
        envelope = to_envelope(record)
        at, actor, summary = envelope.occurred_at, envelope.actor, summarize(envelope.event)
        if summary == record.event_type:
            summary = key_facts(record.data) or summary
    except Exception as error:  # an unparseable event still belongs in the story
        at, actor = record.recorded_at, record.metadata.get("actor")
        summary = f"(unparseable: {error})"[:200]
    return Entry(
        at=at.astimezone(UTC).isoformat(),
        recorded_at=record.recorded_at.isoformat(),
        service=service,
        position=record.position,
        stream=record.stream_id,
        event=record.event_type,
        actor=actor,
        summary=summary,
    )


async def order_history(
    stores: Mapping[str, EventStore], order_id: str, as_of: datetime | None = None
) -> list[Entry]:
    """Every service's events about the order, oldest first; only those recorded by ``as_of``."""
    instant = as_of if as_of is None or as_of.tzinfo else as_of.replace(tzinfo=UTC)
    order = list(stores)
    entries: list[Entry] = []
    for service, store in stores.items():
        for record in await events_about(store, order_id):
            if instant is None or record.recorded_at <= instant:
                entries.append(_entry(service, record))
    entries.sort(key=lambda e: (e.at, e.recorded_at, order.index(e.service), e.position))
    return entries
