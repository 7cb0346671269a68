"""The security composition: identity database, token service, access policy, webhook feed."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from runtime.embedded import EmbeddedSystem
from runtime.settings import Settings
from shared.eventstore.factory import open_event_store
from shared.eventstore.port import EventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.consumer import PerEvent
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher, Item
from shared.service.auth.audit import AuditTrail
from shared.service.auth.denials import AuditDenials
from shared.service.auth.headers import SecurityHeaders
from shared.service.auth.outbox import WebhookOutbox
from shared.service.auth.routes import auth_routes
from shared.service.auth.security import Security
from shared.service.auth.tokens import TokenService
from shared.sql.sqlite import SqliteDatabase

WEBHOOK_SOURCES = ("order", "inventory", "logistics", "payment")
"""Services whose events reach subscribed partners (those naming the partner's id)."""


def audit_store_url(settings: Settings, data_dir: Path) -> str:
    """Where the audit trail is kept: ``B2B_AUDIT_STORE`` (e.g. one PostgreSQL database for
    every process of a distributed deployment), else ``audit.db`` beside the service stores."""
    return settings.audit_store or str(data_dir / "audit.db")


def build_security(settings: Settings, data_dir: Path) -> Security:
    """Credentials live in ``identity.db`` beside the service stores, the audit trail in its own
    event store; nothing connects yet."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = SqliteDatabase(data_dir / "identity.db")
    audit_url = audit_store_url(settings, data_dir)

    async def open_audit() -> EventStore:
        return await open_event_store(audit_url)

    tokens = TokenService(settings.secret_key, timedelta(minutes=settings.token_ttl_minutes))
    return Security(
        engine=engine,
        tokens=tokens,
        secure_cookies=not settings.development,
        rates={"login": settings.login_rate, "orders": settings.order_rate},
        destinations=settings.destination_policy(),
        lockout=settings.lockout(),
        audit=AuditTrail(open_audit),
    )


def install_security(app: FastAPI, security: Security) -> None:
    app.state.security = security
    app.include_router(auth_routes())
    app.add_middleware(AuditDenials)
    app.add_middleware(SecurityHeaders)


async def start_webhook_feed(
    system: EmbeddedSystem, security: Security
) -> list[asyncio.Task[None]]:
    """Follow each service's events into the webhook outbox, and deliver it in the background."""
    await security.outbox.ready()
    await CheckpointStore(security.engine).create_tables()
    dead_letters = DeadLetters(security.engine)
    await dead_letters.create_tables()

    async def enqueue(item: Item) -> None:
        record = item.record
        await security.outbox.enqueue(
            str(record.event_id), record.event_type, record.recorded_at.isoformat(), record.data
        )

    tasks = []
    for name in WEBHOOK_SOURCES:
        if name in system.services:
            handler = _OutboxFeed("webhooks:outbox", enqueue, security.outbox)
            dispatcher = Dispatcher(
                name, system.feed(name), security.engine, [handler], dead_letters=dead_letters
            )
            tasks.append(asyncio.create_task(dispatcher.run(), name=f"webhooks:{name}"))
    tasks.append(asyncio.create_task(security.outbox.run(), name="webhooks:dispatch"))
    return tasks


class _OutboxFeed(PerEvent):
    """Wants only the event types some partner subscribed to: nothing, when nobody did."""

    def __init__(self, name: str, enqueue: Any, outbox: WebhookOutbox) -> None:
        super().__init__(name, enqueue, event_types=(), decodes=False)
        self.outbox = outbox

    @property
    def event_types(self) -> frozenset[str]:
        return self.outbox.wanted_event_types

    @event_types.setter
    def event_types(self, _value: object) -> None:
        pass
