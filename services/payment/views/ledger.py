"""Payment's own copy of what invoicing needs from orders and logistics: each order's parties
and agreed lines, the goods accepted, and returns with their remedy.

A view like any other (rebuilt by ``b2b replay``); the invoicing reactions read it inside the
dispatcher's unit of work, after it has folded the batch. Whether an acceptance is invoiced, or
an order prepaid, is not kept here: the invoice streams (deterministic ids) say so.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    select,
)

from shared.events.envelope import Envelope
from shared.events.logistics import GoodsAccepted, Remedy, ReturnAuthorized
from shared.events.order import OrderConfirmed, OrderPlaced
from shared.events.values import AgreedLine, OrderLine
from shared.service.projection import FoldingProjection
from shared.service.remembered import Remembered
from shared.service.rows import Rows
from shared.service.sql import hold_until_commit
from shared.sql import Connection, Database, Transaction

from ..domain.billing import invoice_id_for


@dataclass(frozen=True)
class OrderCopy:
    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    agreed: dict[int, AgreedLine] | None


@dataclass(frozen=True)
class Acceptance:
    acceptance_id: UUID
    order_id: UUID
    shipment_id: UUID
    invoice_id: UUID
    lines: tuple[OrderLine, ...]
    accepted_on: date


@dataclass(frozen=True)
class ReturnCopy:
    order_id: UUID
    shipment_id: UUID
    remedy: Remedy


class Ledger(FoldingProjection):
    """Orders (placed, then agreed), goods accepted per shipment, returns authorised."""

    name = "payment.ledger"
    version = 1
    sources = ("order", "logistics")
    event_types = (OrderPlaced, OrderConfirmed, GoodsAccepted, ReturnAuthorized)

    def __init__(self, suffix: str = "") -> None:
        super().__init__(suffix)
        self._copies = Remembered()
        """Order copies as the reactions last read them (several reactions of an order read its
        copy; SQLite only: see ``shared.service.remembered``)."""

    def define_tables(self, metadata: MetaData) -> None:
        self.orders = Table(
            self.table_name("payment_order_copies"),
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("buyer_id", String(36), nullable=False),
            Column("supplier_id", String(36), nullable=False),
            Column("agreed_lines", Text, nullable=True),
        )
        # Not the hand-built ledger's payment_acceptances (ordered by a sequence, with an
        # "invoiced" flag the policy set): ordered by the event's position, facts only.
        self.acceptances = Table(
            self.table_name("payment_goods_acceptances"),
            metadata,
            Column("acceptance_id", String(36), primary_key=True),
            Column("order_id", String(36), nullable=False, index=True),
            Column("shipment_id", String(36), nullable=False),
            Column("invoice_id", String(36), nullable=False),
            Column("lines", Text, nullable=False),
            Column("accepted_on", Date, nullable=False),
            Column("position", BigInteger, nullable=False),
        )
        self.returns = Table(
            self.table_name("payment_returns"),
            metadata,
            Column("return_id", String(36), primary_key=True),
            Column("order_id", String(36), nullable=False),
            Column("shipment_id", String(36), nullable=False),
            Column("remedy", String(20), nullable=False),
        )
        self._order = select(self.orders).where(self.orders.c.order_id == bindparam("order_id"))
        acceptances = self.acceptances
        self._acceptances_of = (
            select(acceptances)
            .where(acceptances.c.order_id == bindparam("order_id"))
            .order_by(acceptances.c.position)
        )

    async def apply_batch(self, conn: Connection, envelopes: Sequence[Envelope]) -> None:
        # A copy this batch writes is forgotten now (the reactions after it in this unit read
        # it from the transaction), and again when the transaction commits or rolls back.
        written = {str(e.event.order_id) for e in envelopes if isinstance(e.event, _COPIED)}
        if written and isinstance(conn, Transaction):

            def forget() -> None:
                for key in written:
                    self._copies.written(key)

            forget()
            conn.on_commit(forget)
            conn.on_rollback(forget)
        await super().apply_batch(conn, envelopes)

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        orders = (e.event for e in envelopes if isinstance(e.event, OrderPlaced | OrderConfirmed))
        await rows.load(self.orders, {(str(event.order_id),) for event in orders})

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        match envelope.event:
            case OrderPlaced() as placed:
                known = await rows.get(self.orders, (str(placed.order_id),))
                # A copy made before (e.g. by the ledger this view replaced) keeps its agreement.
                agreed = None if known is None else known["agreed_lines"]
                rows.put(self.orders, {**_order_row(placed), "agreed_lines": agreed})
            case OrderConfirmed(order_id=order_id, lines=lines):
                row = await rows.get(self.orders, (str(order_id),))
                if row is not None:
                    agreed = json.dumps([line.model_dump(mode="json") for line in lines])
                    rows.put(self.orders, {**row, "agreed_lines": agreed})
            case GoodsAccepted() as accepted:
                rows.put(self.acceptances, _acceptance_row(envelope, accepted))
            case ReturnAuthorized() as authorized:
                rows.put(self.returns, _return_row(authorized))

    async def hold(self, engine: Database, order_id: UUID) -> None:
        """Until the unit of work ends, no other process handles this order's agreement or
        acceptances (PostgreSQL): they come from two topics, possibly in two processes at once,
        and whichever commits last must see the other, or no invoice would be issued."""
        async with engine.begin() as tx:
            await hold_until_commit(tx, f"payment.order:{order_id}")

    async def order(self, engine: Database, order_id: UUID) -> OrderCopy | None:
        key = str(order_id)

        async def read() -> OrderCopy | None:
            async with engine.connect() as conn:
                found = await conn.execute(self._order, {"order_id": key})
                row = found.mappings().first()
            if row is None:
                return None
            agreed = None
            if row["agreed_lines"] is not None:
                parsed = [AgreedLine.model_validate(x) for x in json.loads(row["agreed_lines"])]
                agreed = {line.line_no: line for line in parsed}
            return OrderCopy(order_id, UUID(row["buyer_id"]), UUID(row["supplier_id"]), agreed)

        return await self._copies.lookup(key, engine.generation, read)

    async def acceptances_of(self, engine: Database, order_id: UUID) -> list[Acceptance]:
        """The goods accepted on the order, oldest first."""
        async with engine.connect() as conn:
            found = await conn.execute(self._acceptances_of, {"order_id": str(order_id)})
            rows = found.mappings().all()
        return [
            Acceptance(
                UUID(row["acceptance_id"]),
                UUID(row["order_id"]),
                UUID(row["shipment_id"]),
                UUID(row["invoice_id"]),
                tuple(OrderLine.model_validate(x) for x in json.loads(row["lines"])),
                row["accepted_on"],
            )
            for row in rows
        ]

    async def return_of(self, engine: Database, return_id: UUID) -> ReturnCopy | None:
        query = select(self.returns).where(self.returns.c.return_id == str(return_id))
        async with engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return ReturnCopy(UUID(row["order_id"]), UUID(row["shipment_id"]), Remedy(row["remedy"]))


_COPIED = (OrderPlaced, OrderConfirmed)
"""The events that write an order's copy."""


def _order_row(placed: OrderPlaced) -> dict[str, object]:
    return {
        "order_id": str(placed.order_id),
        "buyer_id": str(placed.buyer_id),
        "supplier_id": str(placed.supplier_id),
    }


def _acceptance_row(envelope: Envelope, accepted: GoodsAccepted) -> dict[str, object]:
    return {
        "acceptance_id": str(envelope.event_id),
        "order_id": str(accepted.order_id),
        "shipment_id": str(accepted.shipment_id),
        "invoice_id": str(invoice_id_for(envelope.event_id)),
        "lines": json.dumps([line.model_dump(mode="json") for line in accepted.lines]),
        "accepted_on": envelope.occurred_at.date(),
        "position": envelope.position,
    }


def _return_row(authorized: ReturnAuthorized) -> dict[str, object]:
    return {
        "return_id": str(authorized.return_id),
        "order_id": str(authorized.order_id),
        "shipment_id": str(authorized.shipment_id),
        "remedy": authorized.remedy.value,
    }
