"""E-mail notifications: the services' events → a mail outbox (feed.py) → SMTP or a directory
of .eml files (sender.py), in each party's language (render.py), unless the party switched the
kind off (routes.py). ``Notifications`` is the composition of it for the embedded runtime."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI

from runtime.embedded import EmbeddedSystem
from runtime.notifications.feed import FOLLOWED, mail_handler
from runtime.notifications.routes import preference_routes
from runtime.notifications.sender import (
    DEFAULT_BACKOFF,
    DEFAULT_MAIL,
    Backoff,
    MailSender,
    MailSettings,
)
from runtime.notifications.store import MailStore
from runtime.notifications.transport import DirectoryTransport, SmtpTransport, Transport
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher
from shared.sql.sqlite import SqliteDatabase

OUTBOX_LINGER_SECONDS = 0.05


class Notifications:
    """The notification database beside the service stores, its feeds and its sender."""

    def __init__(
        self,
        data_dir: Path,
        transport: Transport,
        settings: MailSettings = DEFAULT_MAIL,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.database = SqliteDatabase(data_dir / "notifications.db")
        # Nobody waits on the outbox's feeds: their batches, woken by the commits of five
        # stores, may wait longer for each other and share one commit.
        self.database.background_linger = OUTBOX_LINGER_SECONDS
        self.store = MailStore(self.database)
        self.sender = MailSender(self.store, transport, settings, backoff)
        self.dispatchers: list[Dispatcher] = []
        self._ready = False

    async def ready(self) -> MailStore:
        if not self._ready:
            await self.store.create_tables()
            await CheckpointStore(self.database).create_tables()
            self._ready = True
        return self.store

    async def start(self, system: EmbeddedSystem) -> list[asyncio.Task[None]]:
        """Follow the services' events and deliver the outbox in the background."""
        await self.ready()
        dead_letters = DeadLetters(self.database)
        await dead_letters.create_tables()
        tasks = []
        for source in FOLLOWED:
            if source not in system.services:
                continue
            dispatcher = Dispatcher(
                source,
                system.feed(source),
                self.database,
                [mail_handler(source, self.store)],
                dead_letters=dead_letters,
            )
            self.dispatchers.append(dispatcher)
            tasks.append(asyncio.create_task(dispatcher.run(), name=f"mail<{source}"))
        # Woken by the commits that queue mail, not by every commit (its own marks among them).
        self.store.queued = self.sender.wake
        tasks.append(asyncio.create_task(self.sender.run(), name="mail:sender"))
        return tasks

    async def close(self) -> None:
        await self.database.close()


def install_notifications(
    app: FastAPI,
    data_dir: Path,
    *,
    smtp_host: str | None = None,
    smtp_port: int = 25,
    smtp_username: str | None = None,
    smtp_password: str | None = None,
    smtp_starttls: bool = False,
    settings: MailSettings = DEFAULT_MAIL,
) -> Notifications:
    """Mail over SMTP when a host is given, else into ``data_dir/mail`` as .eml files."""
    transport: Transport
    if smtp_host:
        transport = SmtpTransport(
            smtp_host, smtp_port, smtp_username, smtp_password, starttls=smtp_starttls
        )
    else:
        transport = DirectoryTransport(data_dir / "mail")
    notifications = Notifications(data_dir, transport, settings)
    app.state.notifications = notifications
    app.include_router(preference_routes())
    return notifications
