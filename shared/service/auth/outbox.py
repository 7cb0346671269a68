"""Outbound webhooks: partners subscribe a URL to event types; each matching event becomes an
outbox row, delivered signed (Standard Webhooks) with retries and exponential backoff.

Every destination is checked against the destination policy when subscribing and again at each
delivery (DNS may have changed), and the connection goes to the checked address. Redirects are
not followed; a partner has seconds to answer and kilobytes to answer with. The full error is
kept for operators; a partner sees only a coarse status of its deliveries."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

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
from shared.service.auth.destinations import DestinationPolicy, DestinationRefused
from shared.service.auth.egress import (
    DeliveryLimits,
    Resolver,
    check_destination,
    pinned_client,
    system_resolver,
)
from shared.service.auth.schema import create_or_extend
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
    Column("last_attempt_at", DateTime(timezone=True), nullable=True),
)

DeliveryStatus = Literal["pending", "delivered", "retrying", "failed"]


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


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else _utc(value)


def coarse_status(row: Mapping[str, Any]) -> DeliveryStatus:
    """What a partner may know of a delivery: not why it failed (that would tell a prober
    what listens where), only whether it arrived, is being retried or was given up."""
    if row["delivered_at"] is not None:
        return "delivered"
    if row["failed"]:
        return "failed"
    return "retrying" if row["attempts"] else "pending"


class Undelivered(Exception):
    """A delivery did not arrive; the message is for operators only."""


class WebhookOutbox:
    """Subscriptions and the outbox in one database; ``dispatch_due`` delivers what is due."""

    def __init__(
        self,
        engine: Database,
        client: httpx.AsyncClient | None = None,
        backoff: Backoff = Backoff(),
        *,
        policy: DestinationPolicy | None = None,
        resolver: Resolver = system_resolver,
        limits: DeliveryLimits | None = None,
    ) -> None:
        self.engine = engine
        self.backoff = backoff
        self.policy = policy or DestinationPolicy()
        self.resolver = resolver
        self.limits = limits or DeliveryLimits()
        self._client = client
        self._owns_client = client is None
        self._ready = False
        self._active: list[Subscription] | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        """The one client every delivery shares (built on first use, pinned to checked
        addresses through ``self.resolver``)."""
        if self._client is None:
            self._client = pinned_client(self.policy, self._resolve, self.limits)
        return self._client

    async def _resolve(self, host: str, port: int) -> list[Any]:
        return list(await self.resolver(host, port))  # late-bound: tests swap the resolver

    async def close(self) -> None:
        if self._client is not None and self._owns_client:
            await self._client.aclose()
        self._client = None

    async def ready(self) -> None:
        if not self._ready:
            await create_or_extend(self.engine, metadata)
            self._ready = True
            self._active = await self.subscriptions()

    @property
    def wanted_event_types(self) -> frozenset[str]:
        """The event types some active subscription wants (known once ``ready``): the webhook
        feed touches no other event, so with no subscriber it touches nothing."""
        return frozenset(t for s in self._active or () for t in s.event_types)

    async def check_destination(self, url: str) -> str:
        """The address ``url`` would be delivered to; DestinationRefused says why it may not."""
        return await check_destination(self.policy, self._resolve, url)

    async def subscribe(self, actor: Actor, url: str, event_types: tuple[str, ...]) -> Subscription:
        """Subscribe after checking the destination (DestinationRefused when it is refused)."""
        await self.check_destination(url)
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

    async def deliveries(
        self, actor: Actor | None, subscription_id: str | None = None, limit: int = 100
    ) -> list[dict[str, Any]]:
        """Recent deliveries, newest first: a partner's own with a coarse status; operations'
        (``actor`` None) everyone's, with the recorded error."""
        await self.ready()
        query = (
            select(outbox, subscriptions.c.role, subscriptions.c.party)
            .join(subscriptions, subscriptions.c.subscription_id == outbox.c.subscription_id)
            .order_by(outbox.c.next_attempt_at.desc(), outbox.c.msg_id)
            .limit(limit)
        )
        if subscription_id is not None:
            query = query.where(outbox.c.subscription_id == subscription_id)
        if actor is not None:
            query = query.where(
                subscriptions.c.role == actor.role, subscriptions.c.party == actor.party
            )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        found = []
        for row in rows:
            entry: dict[str, Any] = {
                "msg_id": row["msg_id"],
                "subscription_id": row["subscription_id"],
                "event_type": json.loads(row["payload"]).get("type", ""),
                "status": coarse_status(dict(row)),
                "attempts": row["attempts"],
                "last_attempt_at": _utc_or_none(row["last_attempt_at"]),
                "next_attempt_at": None
                if row["delivered_at"] or row["failed"]
                else _utc(row["next_attempt_at"]),
                "delivered_at": _utc_or_none(row["delivered_at"]),
            }
            if actor is None:
                entry["error"] = row["last_error"]
            found.append(entry)
        return found

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
        attempted = datetime.now(UTC)
        try:
            await self.check_destination(row["url"])  # before any byte is sent
            await self._post(row["url"], body, headers)
        except (Undelivered, DestinationRefused, httpx.HTTPError, TimeoutError) as failure:
            error = _describe(failure)
        else:
            await self._update(
                row["msg_id"],
                delivered_at=now,
                attempts=row["attempts"] + 1,
                last_attempt_at=attempted,
                last_error=None,
            )
            return 1
        attempts = row["attempts"] + 1
        failed = attempts >= self.backoff.max_attempts
        log.warning("webhook delivery failed", msg_id=row["msg_id"], error=error, failed=failed)
        await self._update(
            row["msg_id"],
            attempts=attempts,
            failed=failed,
            last_error=error[:500],
            last_attempt_at=attempted,
            next_attempt_at=_utc(now) + self.backoff.delay(attempts),
        )
        return 0

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        """POST once; raise Undelivered unless the partner answers 2xx in time. At most
        ``max_response_bytes`` of the answer are read (a larger one closes the connection)."""
        request = self.client.build_request("POST", url, content=body, headers=headers)
        async with asyncio.timeout(self.limits.total_seconds):
            response = await self.client.send(request, stream=True, follow_redirects=False)
            try:
                await _drain(response, self.limits.max_response_bytes)
            finally:
                await response.aclose()
        if response.is_redirect:
            where = response.headers.get("location", "?")
            raise Undelivered(
                f"answered {response.status_code} to {where}; redirects are not followed"
            )
        if not response.is_success:
            raise Undelivered(f"answered {response.status_code}")

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


async def _drain(response: httpx.Response, cap: int) -> None:
    """Read the answer (so the connection can be reused), but never more than ``cap`` bytes."""
    if response.is_stream_consumed:  # an in-memory answer (tests' mock transports)
        return
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read > cap:
            return


def _describe(failure: BaseException) -> str:
    if isinstance(failure, DestinationRefused):
        return f"destination refused: {failure.reason}"
    if isinstance(failure, Undelivered):
        return str(failure)
    if isinstance(failure, TimeoutError):
        return "no answer in time"
    return f"{type(failure).__name__}: {failure}"
