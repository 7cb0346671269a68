"""Changed keys announced to every process on one PostgreSQL database.

A read model's rows may be written by any process of the service (in the distributed mode each
source's partitions are spread over its workers; in Kubernetes the API pods write none), while
a long-polling GET waits in the process that serves it. A projection's transaction NOTIFYs the
keys it touched (delivered only if it commits); each process LISTENs and wakes its own watchers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterator

import structlog

from shared.service.changes import Changes
from shared.sql import Transaction
from shared.sql.postgres import PostgresDatabase

log = structlog.get_logger(__name__)

PAYLOAD_BYTES = 7_000
"""Below PostgreSQL's 8,000-byte NOTIFY payload: more keys go in several notifications."""


def changes_channel(database_url: str) -> str:
    """One channel per service database (NOTIFY channels are per PostgreSQL database, and
    several services' schemas may share one)."""
    return "b2b_changes_" + hashlib.sha256(database_url.encode()).hexdigest()[:16]


def payloads(view: str, keys: Collection[str]) -> Iterator[str]:
    """``view`` and a comma-separated share of ``keys`` per payload, each within PAYLOAD_BYTES."""
    head = f"{view}\n"
    chunk: list[str] = []
    size = len(head.encode())
    for key in sorted(keys):
        cost = len(key.encode()) + 1
        if chunk and size + cost > PAYLOAD_BYTES:
            yield head + ",".join(chunk)
            chunk, size = [], len(head.encode())
        chunk.append(key)
        size += cost
    if chunk:
        yield head + ",".join(chunk)


class NotifiedChanges(Changes):
    def __init__(self, channel: str) -> None:
        super().__init__()
        self.channel = channel

    async def listen(self, database: PostgresDatabase) -> None:
        await database.subscribe(self.channel, self.received)

    async def stage(self, tx: Transaction, view: str, keys: Collection[str]) -> None:
        for payload in payloads(view, keys):
            await tx.run("SELECT pg_notify($1, $2)", (self.channel, payload))

    def received(self, payload: str) -> None:
        view, _, keys = payload.partition("\n")
        if not keys:
            log.warning("change notification without keys", channel=self.channel)
            return
        self.announce(view, keys.split(","))
