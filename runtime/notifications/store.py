"""The notification database: the parties' contacts and the orders and invoices mail is about
(copied from the services' events), the mail outbox, and each party's switched-off kinds."""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    select,
    update,
)

from shared.service.auth.schema import create_or_extend
from shared.service.remembered import Remembered
from shared.service.sql import upsert, upsert_statement
from shared.sql import Database, Transaction

metadata = MetaData()
MAIL_NAMESPACE = uuid.UUID("0e5d7b8a-33c4-4f7e-9b1d-6a2f8c4e1d90")

parties = Table(
    "notify_parties",
    metadata,
    Column("party_id", String(36), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("name", String(1000), nullable=False),
    Column("email", String(254)),
    Column("language", String(40)),
)
orders = Table(
    "notify_orders",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("buyer_id", String(36), nullable=False),
    Column("supplier_id", String(36), nullable=False),
    Column("reference", String(1000)),
)
invoices = Table(
    "notify_invoices",
    metadata,
    Column("invoice_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False),
    Column("data", Text, nullable=False),
    Column("due_on", String(10), nullable=False, index=True),
    Column("settled", Boolean, nullable=False),
    Column("overdue_queued", Boolean, nullable=False),
)
outbox = Table(
    "mail_outbox",
    metadata,
    Column("msg_id", String(36), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("role", String(16), nullable=False),
    Column("order_id", String(36), nullable=False),  # or the RFQ, for a kind about an RFQ
    Column("party_id", String(36)),  # the recipient when the event names it; else the order's
    Column("event_id", String(36), nullable=False),
    Column("data", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("sent_at", DateTime(timezone=True)),
    Column("to_address", String(254)),
    Column("subject", String(500)),
    Column("last_error", String(500)),
)
preferences = Table(
    "mail_preferences",
    metadata,
    Column("role", String(16), primary_key=True),
    Column("party", String(100), primary_key=True),
    Column("kind", String(40), primary_key=True),
    Column("enabled", Boolean, nullable=False),
    Column("updated_by", String(200), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

_PARTY = select(parties).where(parties.c.party_id == bindparam("party_id"))
_ORDER = select(orders).where(orders.c.order_id == bindparam("order_id"))
_UNSENT_BY_NOW = (
    outbox.c.status.in_(("pending", "retrying")),
    outbox.c.next_attempt_at <= bindparam("now", type_=outbox.c.next_attempt_at.type),
)
_DUE = (
    select(outbox)
    .where(*_UNSENT_BY_NOW)
    .order_by(outbox.c.next_attempt_at, outbox.c.msg_id)
    .limit(bindparam("limit", type_=Integer))
)
_DUE_COUNT = select(func.count()).select_from(outbox).where(*_UNSENT_BY_NOW)
_INVOICE_ROW = select(invoices.c.invoice_id).where(invoices.c.invoice_id == bindparam("invoice_id"))
_SETTLED = (
    update(invoices).where(invoices.c.invoice_id == bindparam("invoice_id")).values(settled=True)
)
_SWITCHED_OFF = select(preferences.c.kind).where(
    preferences.c.role == bindparam("role"),
    preferences.c.party == bindparam("party"),
    preferences.c.enabled.is_(False),
)


Mark = tuple[str, dict[str, Any]]
"""A row of the outbox (its ``msg_id``) and the columns to set on it."""


@functools.cache
def _marking(columns: tuple[str, ...]) -> Any:
    """The statement that sets ``columns`` on one row of the outbox (built once per shape)."""
    match = outbox.c.msg_id == bindparam("_msg_id")
    return update(outbox).where(match).values({c: bindparam(c) for c in columns})


def message_id(event_id: str, role: str, party_id: str | None = None) -> str:
    """One mail per (event, recipient), whatever number of times the event arrives: per role
    when the order names the recipient, per party when the event does (an RFQ's suppliers)."""
    recipient = role if party_id is None else f"{role}/{party_id}"
    return str(uuid.uuid5(MAIL_NAMESPACE, f"{event_id}/{recipient}"))


def utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class MailStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.queued: Callable[[], None] = lambda: None
        """Called when a transaction that queued mail has committed (the sender wakes)."""
        self._parties = Remembered()
        self._orders = Remembered()
        self._switched_off = Remembered()

    async def create_tables(self) -> None:
        """Create the tables, or add the columns a newer version declares (``party_id``)."""
        await create_or_extend(self.database, metadata)

    # --- written by the feed, inside the dispatcher's unit of work ----------------------------

    async def party(self, party_id: str, role: str, name: str, email: Any, lang: Any) -> None:
        row = {"party_id": party_id, "role": role, "name": name, "email": email, "language": lang}
        async with self.database.begin() as tx:
            await upsert(tx, parties, row, key=("party_id",))
            tx.on_commit(lambda: self._parties.written(party_id))

    async def order(self, order_id: str, buyer_id: str, supplier_id: str, ref: Any) -> None:
        row = {"order_id": order_id, "buyer_id": buyer_id, "supplier_id": supplier_id}
        async with self.database.begin() as tx:
            await upsert(tx, orders, {**row, "reference": ref}, key=("order_id",))
            tx.on_commit(lambda: self._orders.written(order_id))

    async def invoice(self, invoice_id: str, order_id: str, data: dict[str, Any]) -> None:
        row = {
            "invoice_id": invoice_id,
            "order_id": order_id,
            "data": json.dumps(data),
            "due_on": data["due_on"],
            "settled": False,
            "overdue_queued": False,
        }
        async with self.database.begin() as tx:
            found = await tx.execute(_INVOICE_ROW, {"invoice_id": invoice_id})
            if found.first() is None:
                await tx.execute(invoices.insert(), row)

    async def settled(self, invoice_id: str) -> None:
        async with self.database.begin() as tx:
            await tx.execute(_SETTLED, {"invoice_id": invoice_id})

    async def enqueue(
        self,
        kind: str,
        role: str,
        about: str,
        event_id: str,
        data: dict[str, Any],
        party_id: str | None = None,
    ) -> bool:
        """Queue one mail about an order (or an RFQ) unless this event already queued it for
        this recipient: ``party_id``, or else the order's party in ``role``."""
        msg_id = message_id(event_id, role, party_id)
        now = datetime.now(UTC)
        async with self.database.begin() as tx:
            # One statement: a row already queued under this id is left as it is.
            queue = upsert_statement(outbox, tx.dialect.name, ("msg_id",), ("msg_id",))
            queued = await tx.execute(
                queue,
                {
                    "msg_id": msg_id,
                    "kind": kind,
                    "role": role,
                    "order_id": about,
                    "party_id": party_id,
                    "event_id": event_id,
                    "data": json.dumps(data, default=str),
                    "status": "pending",
                    "attempts": 0,
                    "created_at": now,
                    "next_attempt_at": now,
                },
            )
            if queued.rowcount != 1:
                return False
            tx.on_commit(self.queued)
        return True

    # --- read and updated by the sender ----------------------------------------------------

    async def due(self, now: datetime, limit: int) -> list[dict[str, Any]]:
        async with self.database.connect() as conn:
            found = await conn.execute(_DUE, {"now": now, "limit": limit})
            return [dict(r) for r in found.mappings().all()]

    async def due_count(self, now: datetime) -> int:
        """How many mails are due now and not yet sent (the sender's backlog)."""
        async with self.database.connect() as conn:
            return int((await conn.execute(_DUE_COUNT, {"now": now})).scalar() or 0)

    async def lookup_party(self, party_id: str) -> dict[str, Any] | None:
        return await self._looked_up(self._parties, _PARTY, {"party_id": party_id})

    async def lookup_order(self, order_id: str) -> dict[str, Any] | None:
        return await self._looked_up(self._orders, _ORDER, {"order_id": order_id})

    async def _looked_up(
        self, remembered: Remembered, query: Any, key: dict[str, str]
    ) -> dict[str, Any] | None:
        async def read() -> dict[str, Any] | None:
            async with self.database.connect() as conn:
                row = (await conn.execute(query, key)).mappings().first()
            return None if row is None else dict(row)

        [value] = key.values()
        found = await remembered.lookup(value, self.database.generation, read)
        return None if found is None else dict(found)  # the remembered row stays as it was read

    async def mark_many(self, marks: Sequence[Mark]) -> None:
        """Store what became of each row, all in one unit of work (one statement per shape)."""
        if not marks:
            return
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for msg_id, values in marks:
            shapes.setdefault(tuple(sorted(values)), []).append({**values, "_msg_id": msg_id})

        async def write(tx: Transaction) -> None:
            for columns, rows in shapes.items():
                await tx.execute(_marking(columns), rows)

        await self.database.write(write, background=True)

    async def overdue(self, today: date, limit: int = 200) -> list[dict[str, Any]]:
        query = (
            select(invoices)
            .where(
                invoices.c.settled.is_(False),
                invoices.c.overdue_queued.is_(False),
                invoices.c.due_on < today.isoformat(),
            )
            .limit(limit)
        )
        async with self.database.connect() as conn:
            return [dict(r) for r in (await conn.execute(query)).mappings().all()]

    async def overdue_queued(self, invoice_id: str) -> None:
        async with self.database.begin() as tx:
            await tx.execute(
                update(invoices)
                .where(invoices.c.invoice_id == invoice_id)
                .values(overdue_queued=True)
            )

    async def mails(self, about: str | None = None) -> list[dict[str, Any]]:
        """The outbox, or its rows about one order or RFQ."""
        query = select(outbox).order_by(outbox.c.created_at, outbox.c.msg_id)
        if about is not None:
            query = query.where(outbox.c.order_id == about)
        async with self.database.connect() as conn:
            return [dict(r) for r in (await conn.execute(query)).mappings().all()]

    # --- preferences ---------------------------------------------------------------------------

    async def switched_off(self, role: str, party: str) -> set[str]:
        async def read() -> frozenset[str]:
            async with self.database.connect() as conn:
                found = await conn.execute(_SWITCHED_OFF, {"role": role, "party": party})
                return frozenset(r[0] for r in found.all())

        kinds = await self._switched_off.lookup((role, party), self.database.generation, read)
        return set(kinds or ())

    async def set_preferences(self, role: str, party: str, kinds: dict[str, bool], by: str) -> None:
        now = datetime.now(UTC)
        async with self.database.begin() as tx:
            for kind, enabled in kinds.items():
                row = {
                    "role": role,
                    "party": party,
                    "kind": kind,
                    "enabled": enabled,
                    "updated_by": by,
                    "updated_at": now,
                }
                await upsert(tx, preferences, row, key=("role", "party", "kind"))
            tx.on_commit(lambda: self._switched_off.written((role, party)))


def rows_of(found: Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(r) for r in found]
