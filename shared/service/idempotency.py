"""Idempotency-Key on POST: the same key and body get the same answer; another body gets 422.

The lookup, the command and the record of its answer are one unit of work: the record commits
in the same transaction as the events it answers for, so a retry after a crash finds either
both or neither.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, bindparam, select

from shared.service.errors import Problem
from shared.sql import Database, Transaction
from shared.sql.database import is_unique_violation

metadata = MetaData()

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(200), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("status", Integer, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

_LOOKUP = select(
    idempotency_keys.c.request_hash, idempotency_keys.c.status, idempotency_keys.c.body
).where(idempotency_keys.c.scope == bindparam("scope"), idempotency_keys.c.key == bindparam("key"))
_RECORD = idempotency_keys.insert()

Action = Callable[[], Awaitable[tuple[int, Any]]]


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any
    replayed: bool


def request_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    """Answers kept by (scope, key) in the service's own database."""

    def __init__(self, engine: Database) -> None:
        self.engine = engine

    async def create_tables(self) -> None:
        await self.engine.create_all(metadata)

    async def run(
        self, scope: str, key: str | None, payload: Any, action: Action
    ) -> StoredResponse:
        """Run ``action`` in one unit of work, once per (scope, key); replay its answer after."""
        if key is not None and not 1 <= len(key) <= 200:
            raise Problem(
                422, "Invalid Idempotency-Key", "use 1 to 200 characters", field="Idempotency-Key"
            )
        digest = request_hash(payload) if key is not None else ""

        async def unit(tx: Transaction) -> StoredResponse:
            if key is None:
                status, body = await action()
                return StoredResponse(status, body, replayed=False)
            stored = await self._lookup(tx, scope, key, digest)
            if stored is not None:
                return stored
            status, body = await action()
            if status < 500:
                await tx.execute(
                    _RECORD,
                    {
                        "scope": scope,
                        "key": key,
                        "request_hash": digest,
                        "status": status,
                        "body": json.dumps(body, default=str),
                        "created_at": datetime.now(UTC),
                    },
                )
            return StoredResponse(status, body, replayed=False)

        try:
            return await self.engine.write(unit)
        except Exception as error:
            if key is None or not is_unique_violation(error):
                raise
            # Another process may have answered the same key first: its answer is the answer.
            async with self.engine.connect() as conn:
                stored = await self._lookup(conn, scope, key, digest)
            if stored is None:
                raise
            return stored

    @staticmethod
    async def _lookup(conn: Any, scope: str, key: str, digest: str) -> StoredResponse | None:
        row = (await conn.execute(_LOOKUP, {"scope": scope, "key": key})).first()
        if row is None:
            return None
        if row[0] != digest:
            raise Problem(
                422,
                "Idempotency-Key reused with another request",
                "this key was used with a different body; use a new key for a new request",
                field="Idempotency-Key",
            )
        return StoredResponse(row[1], json.loads(row[2]), replayed=True)
