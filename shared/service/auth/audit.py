"""The security audit trail: security events appended to an event store of their own (one stream
per UTC day), read back by operations with filters. Recording never fails the request it
describes: a store error is logged loudly and the request goes on."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog

from shared.events import DomainEvent, metadata_for, new_event_id, serialize
from shared.eventstore.port import EventStore, NewEvent, RecordedEvent

log = structlog.get_logger(__name__)

StoreOpener = Callable[[], Awaitable[EventStore]]

SETTLE = timedelta(minutes=1)
SUBJECT_FIELDS = ("username", "key_id", "subscription_id", "path")
"""The field that names what an audit event is about, in order of preference."""


@dataclass(frozen=True)
class AuditQuery:
    """Which audit events to list: by type, by anyone they name (user, party, key, actor), by
    time; ``limit`` newest."""

    event_types: frozenset[str] = frozenset()
    who: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200

    def matches(self, record: RecordedEvent) -> bool:
        if self.event_types and record.event_type not in self.event_types:
            return False
        if self.since is not None and record.recorded_at < self.since:
            return False
        if self.until is not None and record.recorded_at >= self.until:
            return False
        if self.who:
            named = [record.metadata.get("actor"), *record.data.values()]
            return any(self.who == str(value) or self.who in str(value) for value in named if value)
        return True


def audit_entry(record: RecordedEvent) -> dict[str, Any]:
    """One audit event as operations read it (and as exports write it)."""
    subject = next((record.data[f] for f in SUBJECT_FIELDS if record.data.get(f)), "")
    return {
        "position": record.position,
        "at": record.recorded_at.astimezone(UTC).isoformat(),
        "event_type": record.event_type,
        "actor": record.metadata.get("actor") or "",
        "subject": str(subject),
        "data": record.data,
    }


class AuditTrail:
    """Appends and reads security events; the store is opened on first use."""

    def __init__(self, opener: StoreOpener) -> None:
        self._opener = opener
        self._store: EventStore | None = None
        self._lock = asyncio.Lock()

    async def store(self) -> EventStore:
        if self._store is None:
            async with self._lock:
                if self._store is None:
                    self._store = await self._opener()
        return self._store

    async def record(
        self, event: DomainEvent, actor: str | None = None, at: datetime | None = None
    ) -> None:
        """Append ``event`` as done by ``actor`` (``role:party``); never raises."""
        at = at or datetime.now(UTC)
        new = NewEvent(
            event_id=new_event_id(),
            event_type=event.event_type,
            data=serialize(event),
            schema_version=event.schema_version,
            metadata=metadata_for(at, actor=actor),
        )
        try:
            await (await self.store()).append(f"audit-{at:%Y-%m-%d}", [new])
        except Exception:
            log.exception("audit event not recorded", event_type=event.event_type, actor=actor)

    async def newest_first(self, page: int = 1000) -> AsyncIterator[RecordedEvent]:
        """Every audit event, newest first: the log read backwards a window at a time, so the
        newest events cost the same however long the trail grows."""
        store = await self.store()
        upper = await store.head_position()
        while upper > 0:
            lower = max(0, upper - page)
            window = [r for r in await store.read_all(lower, page) if r.position <= upper]
            for record in reversed(window):
                yield record
            upper = lower

    async def search(self, query: AuditQuery) -> list[dict[str, Any]]:
        """The newest ``query.limit`` matching events, newest first."""
        found: list[dict[str, Any]] = []
        # positions follow commit order, times follow it to within a moment: stop a little
        # before ``since`` rather than exactly at it
        stop = query.since - SETTLE if query.since is not None else None
        async for record in self.newest_first():
            if stop is not None and record.recorded_at < stop:
                break
            if query.matches(record):
                found.append(audit_entry(record))
                if len(found) >= query.limit:
                    break
        return found

    async def close(self) -> None:
        if self._store is not None:
            await self._store.close()
            self._store = None


EXPORT_COLUMNS = ("position", "at", "event_type", "actor", "subject", "data")


def as_csv(entries: list[dict[str, Any]]) -> str:
    """RFC 4180 CSV, oldest first, ``data`` as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for entry in sorted(entries, key=lambda e: e["position"]):
        writer.writerow([*(entry[c] for c in EXPORT_COLUMNS[:-1]), json.dumps(entry["data"])])
    return out.getvalue()


def as_json_lines(entries: list[dict[str, Any]]) -> str:
    """One JSON object per line, oldest first."""
    ordered = sorted(entries, key=lambda e: e["position"])
    return "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in ordered)
