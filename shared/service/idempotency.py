"""Idempotency-Key on POST: the same key and body get the same answer; another body gets 422."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from weakref import WeakValueDictionary

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.service.errors import Problem

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


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any
    replayed: bool


def request_hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotencyStore:
    """Responses kept by (scope, key) in the service's own database."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._locks: WeakValueDictionary[tuple[str, str], asyncio.Lock] = WeakValueDictionary()

    async def create_tables(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(metadata.create_all)

    async def run(
        self,
        scope: str,
        key: str | None,
        payload: Any,
        action: Callable[[], Awaitable[tuple[int, Any]]],
    ) -> StoredResponse:
        """Run ``action`` once per (scope, key); replay its stored answer afterwards."""
        if key is None:
            status, body = await action()
            return StoredResponse(status, body, replayed=False)
        if not 1 <= len(key) <= 200:
            raise Problem(
                422, "Invalid Idempotency-Key", "use 1 to 200 characters", field="Idempotency-Key"
            )
        digest = request_hash(payload)
        lock = self._locks.setdefault((scope, key), asyncio.Lock())
        async with lock:
            stored = await self._lookup(scope, key)
            if stored is not None:
                if stored[0] != digest:
                    raise Problem(
                        422,
                        "Idempotency-Key reused with another request",
                        "this key was used with a different body; use a new key for a new request",
                        field="Idempotency-Key",
                    )
                return StoredResponse(stored[1], json.loads(stored[2]), replayed=True)
            status, body = await action()
            if status < 500:
                await self._save(scope, key, digest, status, body)
            return StoredResponse(status, body, replayed=False)

    async def _lookup(self, scope: str, key: str) -> tuple[str, int, str] | None:
        query = select(
            idempotency_keys.c.request_hash, idempotency_keys.c.status, idempotency_keys.c.body
        ).where(idempotency_keys.c.scope == scope, idempotency_keys.c.key == key)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (row[0], row[1], row[2])

    async def _save(self, scope: str, key: str, digest: str, status: int, body: Any) -> None:
        try:
            async with self.engine.begin() as conn:
                await conn.execute(
                    idempotency_keys.insert().values(
                        scope=scope,
                        key=key,
                        request_hash=digest,
                        status=status,
                        body=json.dumps(body, default=str),
                        created_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            pass  # another process stored the same answer first
