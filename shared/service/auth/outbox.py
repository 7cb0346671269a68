"""Outbound webhooks: partners subscribe a URL to event types; each matching event becomes an
outbox row, delivered signed (Standard Webhooks) with retries and exponential backoff."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import structlog
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)

from shared.service.auth.actor import Actor
from shared.service.auth.signatures import new_secret, signed_headers
from shared.sql import Database

log = structlog.get_logger(__name__)
metadata = MetaData()

subscriptions = Table(
    "webhook_subscriptions",
    metadata,
    Column("subscription_id", String(36), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("party", String(100), nullable=False),
    Column("url", String(2000), nullable=False),
    Column("secret", String(100), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

outbox = Table(
    "webhook_outbox",
    metadata,
    Column("msg_id", String(80), primary_key=True),
    Column("subscription_id", String(36), nullable=False, index=True),
    Column("payload", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    Column("failed", Boolean, nullable=False, default=False),
    Column("last_error", String(500), nullable=True),
)


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    actor: Actor
    url: str
    event_types: tuple[str, ...]
    secret: str = ""

    def public(self) -> dict[str, Any]:
        return {
            "subscription_id": self.subscription_id,
            "url": self.url,
            "event_types": list(self.event_types),
            "party": str(self.actor),
        }


@dataclass(frozen=True)
class Backoff:
    base: float = 1.0
    cap: float = 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap, self.base * 2 ** (attempts - 1)))


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class WebhookOutbox:
    """Subscriptions and the outbox in one database; ``dispatch_due`` delivers what is due."""

    def __init__(
        self,
        engine: Database,
        client: httpx.AsyncClient | None = None,
        backoff: Backoff = Backoff(),
    ) -> None:
        self.engine = engine
        self.client = client
        self.backoff = backoff
        self._ready = False
        self._active: list[Subscription] | None = None

    async def ready(self) -> None:
        if not self._ready:
            await self.engine.create_all(metadata)
            self._ready = True
            self._active = await self.subscriptions()

    @property
    def wanted_event_types(self) -> frozenset[str]:
        """The event types some active subscription wants (known once ``ready``): the webhook
        feed touches no other event, so with no subscriber it touches nothing."""
        return frozenset(t for s in self._active or () for t in s.event_types)

    async def subscribe(self, actor: Actor, url: str, event_types: tuple[str, ...]) -> Subscription:
        await self.ready()
        found = Subscription(str(uuid.uuid4()), actor, url, event_types, new_secret())
        async with self.engine.begin() as conn:
            await conn.execute(
                subscriptions.insert().values(
                    subscription_id=found.subscription_id,
                    role=actor.role,
                    party=actor.party,
                    url=url,
                    secret=found.secret,
                    event_types=list(event_types),
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
        self._active = await self.subscriptions()
        return found

    async def subscriptions(self, actor: Actor | None = None) -> list[Subscription]:
        """Active subscriptions, of one party when ``actor`` is given."""
        await self.ready()
        query = select(subscriptions).where(subscriptions.c.active.is_(True))
        if actor is not None:
            query = query.where(
                subscriptions.c.role == actor.role, subscriptions.c.party == actor.party
            )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [
            Subscription(
                r["subscription_id"],
                Actor(r["role"], r["party"]),
                r["url"],
                tuple(r["event_types"]),
                r["secret"],
            )
            for r in rows
        ]

    async def unsubscribe(self, subscription_id: str, actor: Actor | None) -> bool:
        """Deactivate; a partner may remove only its own (None = operations, any)."""
        await self.ready()
        statement = update(subscriptions).where(subscriptions.c.subscription_id == subscription_id)
        if actor is not None:
            statement = statement.where(
                subscriptions.c.role == actor.role, subscriptions.c.party == actor.party
            )
        async with self.engine.begin() as conn:
            done = await conn.execute(statement.values(active=False))
        self._active = await self.subscriptions()
        return bool(done.rowcount)

    async def enqueue(
        self, event_id: str, event_type: str, occurred_at: str, data: Mapping[str, Any]
    ) -> int:
        """Queue the event for every subscriber it names; idempotent per (event, subscription)."""
        parties = {
            (role, str(data[f"{role}_id"]))
            for role in ("buyer", "supplier", "warehouse", "carrier")
            if data.get(f"{role}_id")
        }
        if self._active is None:
            await self.ready()
        due = [
            s
            for s in self._active or ()
            if (s.actor.role, s.actor.party) in parties and event_type in s.event_types
        ]
        if not due:
            return 0
        payload = json.dumps(
            {"type": event_type, "timestamp": occurred_at, "data": dict(data)}, default=str
        )
        now = datetime.now(UTC)
        async with self.engine.begin() as conn:
            for subscription in due:
                name = f"{event_id}/{subscription.subscription_id}"
                msg_id = f"msg_{uuid.uuid5(uuid.NAMESPACE_URL, name).hex}"
                exists = await conn.execute(
                    select(outbox.c.msg_id).where(outbox.c.msg_id == msg_id)
                )
                if exists.first() is None:
                    await conn.execute(
                        outbox.insert().values(
                            msg_id=msg_id,
                            subscription_id=subscription.subscription_id,
                            payload=payload,
                            attempts=0,
                            next_attempt_at=now,
                            failed=False,
                        )
                    )
        return len(due)

    async def pending(self) -> list[dict[str, Any]]:
        await self.ready()
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(outbox).order_by(outbox.c.msg_id))).mappings().all()
        return [dict(r) for r in rows]

    async def dispatch_due(self, now: datetime | None = None, limit: int = 50) -> int:
        """Deliver every message that is due; returns how many were delivered."""
        await self.ready()
        now = now or datetime.now(UTC)
        query = (
            select(outbox, subscriptions.c.url, subscriptions.c.secret)
            .join(subscriptions, subscriptions.c.subscription_id == outbox.c.subscription_id)
            .where(
                outbox.c.delivered_at.is_(None),
                outbox.c.failed.is_(False),
                outbox.c.next_attempt_at <= now,
            )
            .order_by(outbox.c.next_attempt_at)
            .limit(limit)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        delivered = 0
        for row in rows:
            delivered += await self._deliver(dict(row), now)
        return delivered

    async def _deliver(self, row: dict[str, Any], now: datetime) -> int:
        body = row["payload"].encode()
        headers = {"content-type": "application/json"}
        headers.update(signed_headers(row["secret"], row["msg_id"], body, now))
        error: str | None = None
        try:
            client = self.client or httpx.AsyncClient(timeout=10)
            response = await client.post(row["url"], content=body, headers=headers)
            if client is not self.client:
                await client.aclose()
            if 200 <= response.status_code < 300:
                await self._update(row["msg_id"], delivered_at=now, attempts=row["attempts"] + 1)
                return 1
            error = f"answered {response.status_code}"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}"
        attempts = row["attempts"] + 1
        failed = attempts >= self.backoff.max_attempts
        log.warning("webhook delivery failed", msg_id=row["msg_id"], error=error, failed=failed)
        await self._update(
            row["msg_id"],
            attempts=attempts,
            failed=failed,
            last_error=error[:500] if error else None,
            next_attempt_at=_utc(now) + self.backoff.delay(attempts),
        )
        return 0

    async def _update(self, msg_id: str, **values: Any) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(outbox).where(outbox.c.msg_id == msg_id).values(**values))

    async def run(self, interval: float = 1.0) -> None:
        """Deliver due messages forever (a background task of the runtime)."""
        while True:
            try:
                await self.dispatch_due()
            except Exception:
                log.exception("webhook dispatcher failed; retrying")
            await asyncio.sleep(interval)
