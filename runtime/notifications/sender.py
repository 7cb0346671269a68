"""Delivers the mail outbox: each due row is addressed (the party's contact address and
language, as the directory knows them when it is sent), rendered and handed to the transport;
a refusal is retried with exponential backoff. Overdue invoices are queued here too, once."""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

import structlog

from runtime.notifications.kinds import OVERDUE
from runtime.notifications.mime import compose
from runtime.notifications.render import render, short
from runtime.notifications.store import MailStore, Mark, utc
from runtime.notifications.transport import Outgoing, Transport, Undeliverable
from shared.sql.callers import CALLERS

log = structlog.get_logger(__name__)
MAIL_GIVES_WAY_FOR = timedelta(seconds=1)
"""How long a queued mail waits for requests to be served first (see shared.sql.callers)."""


@dataclass(frozen=True)
class Backoff:
    base: float = 2.0
    cap: float = 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.cap, self.base * 2 ** (attempts - 1)))


@dataclass(frozen=True)
class MailSettings:
    sender: str = "B2B Ordering <orders@b2b-ordering.example>"
    base_url: str = "http://127.0.0.1:8000"
    directory_wait: timedelta = timedelta(minutes=10)
    """How long a mail waits for its order or party to reach the directory (another source's
    dispatcher may be behind) before it is given up."""
    overdue_every: float = 300.0
    """Seconds between looks for invoices that fell due."""
    gather: float = 0.05
    """Seconds the sender waits, once woken, for more mail: the mails of one step of an order
    (its buyer's and its supplier's) are queued by commits a moment apart, and a batch is one
    look for due rows and one transaction for what became of them."""


DEFAULT_MAIL = MailSettings()
DEFAULT_BACKOFF = Backoff()


class MailSender:
    def __init__(
        self,
        store: MailStore,
        transport: Transport,
        settings: MailSettings = DEFAULT_MAIL,
        backoff: Backoff = DEFAULT_BACKOFF,
    ) -> None:
        self.store = store
        self.transport = transport
        self.settings = settings
        self.backoff = backoff
        self._envelope_sender = parseaddr(settings.sender)[1]
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something may be due now (the notification database committed)."""
        self._wake.set()

    async def run(self) -> None:
        """Send what is due; sleep until woken, the next retry or the next overdue look."""
        overdue_at = 0.0
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            try:
                if loop.time() >= overdue_at:
                    await self.queue_overdue(datetime.now(UTC).date())
                    overdue_at = loop.time() + self.settings.overdue_every
                await self.send_due()
                pause = await self._until_next(overdue_at - loop.time())
            except Exception:
                log.exception("mail sender failed; retrying")
                pause = 5.0
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.05, pause)):
                    await self._wake.wait()
                await asyncio.sleep(self.settings.gather)

    async def _until_next(self, overdue_in: float) -> float:
        due = await self.store.due(datetime.now(UTC) + timedelta(days=3650), 1)
        if not due:
            return overdue_in
        first = utc(due[0]["next_attempt_at"])
        assert first is not None
        return min(overdue_in, (first - datetime.now(UTC)).total_seconds())

    async def send_due(self, now: datetime | None = None, limit: int = 50) -> int:
        """Deliver every due row (a batch at a time); how many were sent.

        What became of a batch's rows is stored in one transaction after the batch: a crash
        before it sends those mails again (as a crash between a mail and its mark always
        could), under the same Message-ID and file name."""
        sent = 0
        while True:
            rows = await self.store.due(now or datetime.now(UTC), limit)
            marks: list[Mark] = []
            try:
                for row in rows:
                    await self._give_way(row)
                    mark = await self._deliver(row, now or datetime.now(UTC))
                    marks.append(mark)
                    sent += 1 if mark[1].get("status") == "sent" else 0
            finally:
                await self.store.mark_many(marks)
            if len(rows) < limit:
                return sent

    @staticmethod
    async def _give_way(row: dict[str, Any]) -> None:
        """A mail at a time, requests first; a mail queued long enough ago waits no more."""
        queued = utc(row["created_at"])
        if queued is not None and datetime.now(UTC) - queued > MAIL_GIVES_WAY_FOR:
            await asyncio.sleep(0)
        else:
            await CALLERS.give_way()

    async def queue_overdue(self, today: date) -> int:
        """Queue the overdue mail of every open invoice past its due date, once each."""
        found = await self.store.overdue(today)
        for invoice in found:
            data = json.loads(invoice["data"])
            async with self.store.database.begin():
                for role in OVERDUE.recipients:
                    await self.store.enqueue(
                        OVERDUE.name,
                        role,
                        invoice["order_id"],
                        f"overdue:{invoice['invoice_id']}",
                        data,
                    )
                await self.store.overdue_queued(invoice["invoice_id"])
        return len(found)

    async def _deliver(self, row: dict[str, Any], now: datetime) -> Mark:
        """Hand one row to the transport; what to store about it (see ``send_due``)."""
        # A row names its recipient (an RFQ's supplier), or the order names it by role.
        order = None if row["party_id"] else await self.store.lookup_order(row["order_id"])
        party_id: str | None = row["party_id"] or (order[f"{row['role']}_id"] if order else None)
        party = None if party_id is None else await self.store.lookup_party(party_id)
        if party is None or party_id is None:
            created = utc(row["created_at"])
            assert created is not None
            if now - created > self.settings.directory_wait:
                return row["msg_id"], {"status": "skipped", "last_error": "no such party"}
            return row["msg_id"], {"next_attempt_at": now + timedelta(seconds=2)}
        if not party["email"]:
            return row["msg_id"], {"status": "skipped", "last_error": "no contact address"}
        if row["kind"] in await self.store.switched_off(row["role"], party_id):
            return row["msg_id"], {"status": "skipped", "last_error": "switched off"}
        attempts = row["attempts"] + 1
        try:
            outgoing, subject = await self._message(row, order, party)
        except Exception as error:  # a template that cannot render this mail: never retried
            log.exception("mail not rendered", msg_id=row["msg_id"], kind=row["kind"])
            reason = f"not rendered: {type(error).__name__}: {error}"[:500]
            return row["msg_id"], {"status": "failed", "attempts": attempts, "last_error": reason}
        try:
            await self.transport.send(outgoing)
        except Undeliverable as error:
            failed = attempts >= self.backoff.max_attempts
            log.warning("mail not delivered", msg_id=row["msg_id"], error=str(error))
            return row["msg_id"], {
                "status": "failed" if failed else "retrying",
                "attempts": attempts,
                "last_error": str(error)[:500],
                "next_attempt_at": now + self.backoff.delay(attempts),
            }
        return row["msg_id"], {
            "status": "sent",
            "attempts": attempts,
            "sent_at": datetime.now(UTC),
            "to_address": party["email"],
            "subject": subject[:500],
            "last_error": None,
        }

    async def _message(
        self, row: dict[str, Any], order: dict[str, Any] | None, party: dict[str, Any]
    ) -> tuple[Outgoing, str]:
        """The mail, and its subject as the recipient reads it."""
        data = json.loads(row["data"])
        known = {party["party_id"]: party}  # the recipient is also the order's buyer or supplier
        values = await (self._about_order(order, data, known) if order else self._about_rfq(data))
        values.update(recipient=party["name"], data=data)
        # On the loop: a mail renders in a fraction of a millisecond, less than a thread hop costs.
        mail = render(row["kind"], row["role"], party["language"], values)
        queued = utc(row["created_at"])
        assert queued is not None
        stamp = queued.strftime("%Y%m%dT%H%M%S")
        headers: list[tuple[str, Any]] = [
            ("From", self.settings.sender),
            ("To", formataddr((party["name"], party["email"]), charset="utf-8")),
            ("Subject", Header(mail.subject, "utf-8", header_name="Subject")),
            ("Date", format_datetime(datetime.now(UTC))),
            ("Message-ID", f"<{row['msg_id']}@b2b-ordering>"),
            ("X-B2B-Mail-Id", row["msg_id"]),
            ("X-B2B-Kind", row["kind"]),
            ("X-B2B-Queued", stamp),
            ("Content-Language", mail.language),
        ]
        # The boundary cannot occur in base64 ("_"); the same mail sent again is the same bytes.
        composed = compose(headers, mail.text, mail.html, boundary=f"=_b2b_{row['msg_id']}")
        name = f"{stamp}-{row['msg_id']}"
        outgoing = Outgoing(composed, self._envelope_sender, party["email"], name)
        return outgoing, mail.subject

    async def _name(self, party_id: str, known: dict[str, dict[str, Any]] | None = None) -> str:
        """The party's name; its short id while the directory does not know it yet."""
        party = (known or {}).get(party_id) or await self.store.lookup_party(party_id)
        return str(party["name"]) if party else short(party_id)

    def _link(self, path: str) -> str:
        return f"{self.settings.base_url.rstrip('/')}{path}"

    async def _about_order(
        self, order: dict[str, Any], data: dict[str, Any], known: dict[str, dict[str, Any]]
    ) -> dict[str, Any]:
        values: dict[str, Any] = {
            "buyer": await self._name(order["buyer_id"], known),
            "supplier": await self._name(order["supplier_id"], known),
            "order": short(order["order_id"]),
            "order_id": order["order_id"],
            "link": self._link(f"/portal/orders/{order['order_id']}"),
        }
        if "invoice_id" in data:
            values["invoice"] = short(data["invoice_id"])
        return values

    async def _about_rfq(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "buyer": await self._name(data["buyer_id"]),
            "rfq": short(data["rfq_id"]),
            "rfq_id": data["rfq_id"],
            "link": self._link(f"/portal/rfqs/{data['rfq_id']}"),
        }
