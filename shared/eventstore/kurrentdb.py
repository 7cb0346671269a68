"""The EventStore port on KurrentDB (``kurrentdbclient``): one namespace (stream prefix) a service.

Differences from the SQL adapters (docs/deploy.md): idempotency by event id is per stream, and an
atomic append to several streams needs a server with multi-stream append (KurrentDB 25.1 or later).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kurrentdbclient import DEFAULT_EXCLUDE_FILTER, AsyncKurrentDBClient
from kurrentdbclient import NewEvent as KurrentEvent
from kurrentdbclient import NewEvents as KurrentEvents
from kurrentdbclient import RecordedEvent as KurrentRecord
from kurrentdbclient import StreamState as KurrentState
from kurrentdbclient.common import AbstractAsyncCatchupSubscription
from kurrentdbclient.exceptions import (
    CancelledByClientError,
    GrpcError,
    NotFoundError,
    WrongCurrentVersionError,
)

from shared.eventstore.memory import _check_request
from shared.eventstore.port import (
    AppendResult,
    AppendsThroughMany,
    DuplicateEventId,
    EventStoreError,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    check_expected,
)

SEPARATOR = "/"
"""Between a service's namespace and its stream ids: ``order/order-0193…``."""


@dataclass(frozen=True, slots=True)
class _Observed:
    """One stream as read just before an append: its version and whether the batch is in it."""

    append: StreamAppend
    version: int
    stored: AppendResult | None


class KurrentDbEventStore(AppendsThroughMany):
    """Appends check ids and versions on a read of the stream, then write at the version read."""

    def __init__(self, client: AsyncKurrentDBClient, namespace: str = "") -> None:
        self._client = client
        self._prefix = f"{namespace}{SEPARATOR}" if namespace else ""
        self._subscriptions: set[AbstractAsyncCatchupSubscription] = set()
        self._closed = asyncio.Event()

    @classmethod
    async def open(cls, url: str, *, namespace: str | None = None) -> KurrentDbEventStore:
        """Connect to ``kurrentdb://…`` or ``esdb://…``; ``?namespace=order`` names the prefix."""
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        namespace = query.pop("namespace", namespace or "")
        if SEPARATOR in namespace:
            raise ValueError(f"a KurrentDB namespace cannot contain {SEPARATOR!r}: {namespace!r}")
        client = AsyncKurrentDBClient(urlunsplit(parts._replace(query=urlencode(query))))
        try:
            await client.connect()
        except GrpcError as error:
            raise EventStoreError(
                f"cannot reach KurrentDB at {parts.hostname}:{parts.port}: {error}; "
                "check the URL (add ?tls=false for an insecure server) and that it is running"
            ) from error
        return cls(client, namespace)

    # --- appends

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        _check_request(appends)
        while True:
            observed = [await self._observe(item) for item in appends]
            for seen in observed:
                if seen.stored is None:
                    check_expected(
                        seen.append.stream_id, seen.append.expected_version, seen.version
                    )
            to_write = [seen for seen in observed if seen.stored is None and seen.append.events]
            try:
                await self._write(to_write)
            except WrongCurrentVersionError:
                continue  # another writer moved a stream between our read and write: look again
            return [await self._result(seen) for seen in observed]

    async def _observe(self, item: StreamAppend) -> _Observed:
        stored = await self._read(item.stream_id)
        by_id = {event.event_id: event for event in stored}
        present = [by_id[e.event_id] for e in item.events if e.event_id in by_id]
        if not present:
            return _Observed(item, len(stored), None)
        if len(present) != len(item.events):
            raise DuplicateEventId(present[0].event_id, item.stream_id)
        last = present[-1]
        result = AppendResult(item.stream_id, last.stream_version, last.position, True)
        return _Observed(item, len(stored), result)

    async def _write(self, observed: Sequence[_Observed]) -> None:
        batches = [
            KurrentEvents(
                self._name(seen.append.stream_id),
                [_to_kurrent(event) for event in seen.append.events],
                seen.version - 1 if seen.version else KurrentState.NO_STREAM,
            )
            for seen in observed
        ]
        if len(batches) == 1:
            [batch] = batches
            await self._client.append_to_stream(
                batch.stream_name, events=batch.events, current_version=batch.current_version
            )
        elif batches:
            await self._multi_append(batches)

    async def _multi_append(self, batches: list[KurrentEvents]) -> None:
        try:
            await self._client.multi_append_to_stream(batches)
        except WrongCurrentVersionError:
            raise
        except GrpcError as error:
            if "unimplemented" in str(error).lower():
                raise EventStoreError(
                    "this KurrentDB server has no multi-stream append, so an atomic append to "
                    "several streams is impossible: upgrade the server to KurrentDB 25.1 or later"
                ) from error
            raise

    async def _result(self, seen: _Observed) -> AppendResult:
        if seen.stored is not None:
            return seen.stored
        version = seen.version + len(seen.append.events)
        if not seen.append.events:  # an empty append only checked the version, as in the others
            return AppendResult(seen.append.stream_id, version, await self.head_position())
        [last] = await self._read(seen.append.stream_id, from_version=version, limit=1)
        return AppendResult(seen.append.stream_id, version, last.position)

    # --- reads

    async def read_stream(
        self, stream_id: str, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        return await self._read(stream_id, from_version, limit)

    async def _read(
        self, stream_id: str, from_version: int = 1, limit: int | None = None
    ) -> list[RecordedEvent]:
        if limit == 0:
            return []
        try:
            records = await self._client.get_stream(
                self._name(stream_id),
                stream_position=max(from_version, 1) - 1,
                limit=limit if limit is not None else sys.maxsize,
            )
        except NotFoundError:
            return []
        return [self._from_kurrent(record) for record in records]

    async def stream_version(self, stream_id: str) -> int:
        current = await self._client.get_current_version(self._name(stream_id))
        return 0 if current is KurrentState.NO_STREAM else int(current) + 1

    async def read_all(self, after_position: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        # The server reads from a position inclusively: one more, and drop the one at it.
        response = await self._client.read_all(
            commit_position=after_position or None, limit=limit + 1, **self._filter()
        )
        found: list[RecordedEvent] = []
        async with response:
            async for record in response:
                if record.commit_position > after_position and len(found) < limit:
                    found.append(self._from_kurrent(record))
        return found

    async def head_position(self) -> int:
        return await self._client.get_commit_position(**self._filter())

    async def subscribe(
        self, after_position: int = 0, *, batch_size: int = 500
    ) -> AsyncIterator[RecordedEvent]:
        """Catch-up from ``after_position``, then live; ``batch_size`` is the server's window."""
        if self._closed.is_set():
            return
        subscription = await self._client.subscribe_to_all(
            commit_position=after_position or None,
            window_size=max(1, min(batch_size, 1000)),
            **self._filter(),
        )
        self._subscriptions.add(subscription)
        try:
            async for record in subscription:
                if record.commit_position > after_position:
                    yield self._from_kurrent(record)
        except CancelledByClientError:
            if not self._closed.is_set():
                raise
        finally:
            self._subscriptions.discard(subscription)
            await subscription.stop()

    async def close(self) -> None:
        self._closed.set()
        for subscription in list(self._subscriptions):
            await subscription.stop()
        await self._client.close()

    # --- names and records

    def _name(self, stream_id: str) -> str:
        return f"{self._prefix}{stream_id}"

    def _filter(self) -> dict[str, Any]:
        """This namespace's streams, or every non-system stream when there is none."""
        if not self._prefix:
            return {"filter_exclude": DEFAULT_EXCLUDE_FILTER}
        return {
            "filter_exclude": (),
            "filter_include": (f"^{re.escape(self._prefix)}.*",),
            "filter_by_stream_name": True,
        }

    def _from_kurrent(self, record: KurrentRecord) -> RecordedEvent:
        metadata = json.loads(record.metadata) if record.metadata else {}
        schema_version = int(metadata.pop("$schema_version", 1))
        return RecordedEvent(
            event_id=record.id,
            event_type=record.type,
            schema_version=schema_version,
            data=json.loads(record.data),
            metadata=metadata,
            stream_id=record.stream_name.removeprefix(self._prefix),
            stream_version=record.stream_position + 1,
            position=record.commit_position,
            recorded_at=(record.recorded_at or datetime.now(UTC)).astimezone(UTC),
        )


def _to_kurrent(event: NewEvent) -> KurrentEvent:
    metadata = {**event.metadata, "$schema_version": event.schema_version}
    return KurrentEvent(
        type=event.event_type,
        data=json.dumps(event.data, allow_nan=False, ensure_ascii=False).encode(),
        metadata=json.dumps(metadata, allow_nan=False, ensure_ascii=False).encode(),
        id=uuid.UUID(str(event.event_id)),
    )
