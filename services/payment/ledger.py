"""Payment's own copy of what it needs from orders and logistics: agreed prices, acceptances
waiting for their order's agreement, and returns with their remedy."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid5

from sqlalchemy import Boolean, Column, Date, Integer, MetaData, String, Table, Text, select, update

from shared.events.logistics import Remedy
from shared.events.values import AgreedLine, OrderLine
from shared.service.sql import upsert
from shared.sql import Database

_INVOICES = UUID("b7e3e0a4-2d7c-5c52-8f0e-6b0a4c1e9d21")

metadata = MetaData()

order_copies = Table(
    "payment_order_copies",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("buyer_id", String(36), nullable=False),
    Column("supplier_id", String(36), nullable=False),
    Column("agreed_lines", Text, nullable=True),
)

acceptances = Table(
    "payment_acceptances",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("acceptance_id", String(36), nullable=False, unique=True),
    Column("order_id", String(36), nullable=False, index=True),
    Column("shipment_id", String(36), nullable=False),
    Column("invoice_id", String(36), nullable=False),
    Column("lines", Text, nullable=False),
    Column("accepted_on", Date, nullable=False),
    Column("invoiced", Boolean, nullable=False, default=False),
)

returns = Table(
    "payment_returns",
    metadata,
    Column("return_id", String(36), primary_key=True),
    Column("order_id", String(36), nullable=False),
    Column("shipment_id", String(36), nullable=False),
    Column("remedy", String(20), nullable=False),
)


def invoice_id_for(acceptance_id: UUID) -> UUID:
    """One invoice per acceptance: its id follows from the GoodsAccepted event's id."""
    return uuid5(_INVOICES, str(acceptance_id))


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


class Ledger:
    """Rows kept by the invoicing policies in the payment database (tables made on first use)."""

    def __init__(self, engine: Database) -> None:
        self.engine = engine
        self._ready = False

    async def _ensure(self) -> None:
        # No lock: creating twice is harmless, while a lock held across a write could deadlock
        # with a unit of work that needs it.
        if not self._ready:
            await self.engine.create_all(metadata)
            self._ready = True

    async def hold_order(self, order_id: UUID) -> None:
        """Until the unit of work ends, no other process handles this order's agreement or
        acceptances (PostgreSQL): they come from two topics, possibly in two processes at once,
        and each must see the other, or no invoice would be issued."""
        async with self.engine.begin() as tx:
            if tx.dialect.name == "postgresql":
                key = f"payment.order:{order_id}"
                await tx.run("SELECT pg_advisory_xact_lock(hashtext($1))", (key,))

    async def record_order(self, order_id: UUID, buyer_id: UUID, supplier_id: UUID) -> None:
        await self._ensure()
        async with self.engine.begin() as conn:
            values = {"order_id": str(order_id), "buyer_id": str(buyer_id)}
            await upsert(
                conn, order_copies, {**values, "supplier_id": str(supplier_id)}, ["order_id"]
            )

    async def record_agreement(self, order_id: UUID, lines: tuple[AgreedLine, ...]) -> None:
        await self._ensure()
        agreed = json.dumps([line.model_dump(mode="json") for line in lines])
        async with self.engine.begin() as conn:
            await conn.execute(
                update(order_copies)
                .where(order_copies.c.order_id == str(order_id))
                .values(agreed_lines=agreed)
            )

    async def order(self, order_id: UUID) -> OrderCopy | None:
        await self._ensure()
        query = select(order_copies).where(order_copies.c.order_id == str(order_id))
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        agreed = None
        if row["agreed_lines"] is not None:
            parsed = [AgreedLine.model_validate(x) for x in json.loads(row["agreed_lines"])]
            agreed = {line.line_no: line for line in parsed}
        return OrderCopy(order_id, UUID(row["buyer_id"]), UUID(row["supplier_id"]), agreed)

    async def record_acceptance(self, acceptance: Acceptance) -> None:
        await self._ensure()
        values = {
            "acceptance_id": str(acceptance.acceptance_id),
            "order_id": str(acceptance.order_id),
            "shipment_id": str(acceptance.shipment_id),
            "invoice_id": str(acceptance.invoice_id),
            "lines": json.dumps([line.model_dump(mode="json") for line in acceptance.lines]),
            "accepted_on": acceptance.accepted_on,
            "invoiced": False,
        }
        async with self.engine.begin() as conn:
            await upsert(conn, acceptances, values, ["acceptance_id"])

    async def pending(self, order_id: UUID) -> list[Acceptance]:
        """Acceptances of the order not yet invoiced, oldest first."""
        await self._ensure()
        query = (
            select(acceptances)
            .where(acceptances.c.order_id == str(order_id), acceptances.c.invoiced.is_(False))
            .order_by(acceptances.c.seq)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
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

    async def mark_invoiced(self, acceptance_id: UUID) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                update(acceptances)
                .where(acceptances.c.acceptance_id == str(acceptance_id))
                .values(invoiced=True)
            )

    async def invoice_for(self, order_id: UUID, shipment_id: UUID | None) -> UUID | None:
        """The first invoiced acceptance of the shipment (or, unknown shipment, of the order)."""
        await self._ensure()
        query = select(acceptances.c.invoice_id).where(
            acceptances.c.order_id == str(order_id), acceptances.c.invoiced.is_(True)
        )
        if shipment_id is not None:
            query = query.where(acceptances.c.shipment_id == str(shipment_id))
        async with self.engine.connect() as conn:
            found = (await conn.execute(query.order_by(acceptances.c.seq))).scalars().first()
        return None if found is None else UUID(found)

    async def record_return(self, return_id: UUID, copy: ReturnCopy) -> None:
        await self._ensure()
        values = {
            "return_id": str(return_id),
            "order_id": str(copy.order_id),
            "shipment_id": str(copy.shipment_id),
            "remedy": copy.remedy.value,
        }
        async with self.engine.begin() as conn:
            await upsert(conn, returns, values, ["return_id"])

    async def return_of(self, return_id: UUID) -> ReturnCopy | None:
        await self._ensure()
        query = select(returns).where(returns.c.return_id == str(return_id))
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        if row is None:
            return None
        return ReturnCopy(UUID(row["order_id"]), UUID(row["shipment_id"]), Remedy(row["remedy"]))
