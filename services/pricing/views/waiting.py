"""Placed orders that arrived before their buyer's or supplier's registration.

An order's events and its parties' registrations travel on different partitions of the order
topic, so pricing may see an OrderPlaced first. The order service only accepts orders of
registered parties, so the registration is on its way: the order waits here until the catalog
knows both parties, and is priced by whichever comes last (the order, or a registration).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import Column, MetaData, String, Table, Text, bindparam, delete, or_, select

from shared.events.envelope import Envelope, parse_envelope
from shared.service.sql import hold_until_commit, upsert
from shared.sql import Connection, Database

from .catalog import CatalogTables

metadata = MetaData()

waiting = Table(
    "pricing_orders_waiting",
    metadata,
    Column("order_id", String(36), primary_key=True),
    Column("buyer_id", String(36), nullable=False, index=True),
    Column("supplier_id", String(36), nullable=False, index=True),
    Column("placed", Text, nullable=False),
)

PARTIES_LOCK = "pricing.parties"
"""Held (PostgreSQL) by every registration and every order that waits: in whichever order they
commit, in however many processes, the last one sees the other."""


async def hold_parties(conn: Connection) -> None:
    await hold_until_commit(conn, PARTIES_LOCK)


@cache
def _known(t: CatalogTables) -> tuple[Any, Any]:
    """The look-ups of a buyer and of a supplier, built once."""
    buyers, suppliers = t.buyers.c, t.suppliers.c
    return (
        select(buyers.buyer_id).where(buyers.buyer_id == bindparam("party")),
        select(suppliers.supplier_id).where(suppliers.supplier_id == bindparam("party")),
    )


async def parties_known(
    conn: Connection, t: CatalogTables, supplier_id: UUID, buyer_id: UUID
) -> bool:
    buyers, suppliers = _known(t)
    buyer = await conn.scalar(buyers, {"party": str(buyer_id)})
    supplier = await conn.scalar(suppliers, {"party": str(supplier_id)})
    return buyer is not None and supplier is not None


class WaitingOrders:
    """The waiting room (its table is made on first use)."""

    def __init__(self, engine: Database) -> None:
        self.engine = engine
        self._ready = False

    async def _ensure(self) -> None:
        if not self._ready:
            await self.engine.create_all(metadata)
            self._ready = True

    async def park(
        self, conn: Connection, placed: Envelope, buyer_id: UUID, supplier_id: UUID
    ) -> None:
        await self._ensure()
        row = {
            "order_id": str(placed.event.order_id),  # type: ignore[attr-defined]
            "buyer_id": str(buyer_id),
            "supplier_id": str(supplier_id),
            "placed": placed.model_dump_json(),
        }
        await upsert(conn, waiting, row, ["order_id"])

    async def of_party(self, conn: Connection, party_id: UUID) -> list[Envelope]:
        """The orders waiting for ``party_id`` (buyer or supplier), oldest first."""
        await self._ensure()
        party = str(party_id)
        query = select(waiting.c.placed).where(
            or_(waiting.c.buyer_id == party, waiting.c.supplier_id == party)
        )
        found = (await conn.execute(query)).scalars().all()
        envelopes = [parse_envelope(json.loads(text)) for text in found]
        return sorted(envelopes, key=lambda e: (e.occurred_at, e.position))

    async def release(self, conn: Connection, order_id: UUID) -> None:
        await conn.execute(delete(waiting).where(waiting.c.order_id == str(order_id)))
