"""Sourcing's copy of the order service's parties: who may be invited (a supplier and the
currency it sells in) and who may be offered a quote (a buyer and its delivery region)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Column, MetaData, String, Table, Text, select

from shared.events import order
from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows
from shared.sql import Database


class SourcingParties(FoldingProjection):
    """Buyers and suppliers by id, as registered with the order service."""

    name = "sourcing_parties"
    version = 1
    sources = ("order",)
    event_types = (order.BuyerRegistered, order.SupplierRegistered)

    def define_tables(self, metadata: MetaData) -> None:
        self.parties = Table(
            self.table_name("sourcing_parties"),
            metadata,
            Column("party_id", String(36), primary_key=True),
            Column("kind", String(16), nullable=False),
            Column("name", Text, nullable=False),
            Column("currency", String(3)),
            Column("delivery_region", String(64)),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.parties, [(_party(e.event),) for e in envelopes])

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        match event:
            case order.BuyerRegistered():
                row = {"kind": "buyer", "delivery_region": event.delivery_region}
            case order.SupplierRegistered():
                row = {"kind": "supplier", "currency": event.currency}
            case _:
                return
        rows.put(self.parties, {"party_id": _party(event), "name": event.name, **row})

    async def find(self, engine: Database, kind: str, ids: Iterable[UUID]) -> dict[UUID, Any]:
        """The parties of ``kind`` among ``ids``, by id (unknown ids are absent)."""
        table = self.parties
        wanted = sorted({str(i) for i in ids})
        query = select(table).where(table.c.kind == kind, table.c.party_id.in_(wanted))
        async with engine.connect() as conn:
            found = (await conn.execute(query)).mappings().all()
        return {UUID(row["party_id"]): dict(row) for row in found}


def _party(event: Any) -> str:
    return str(getattr(event, "buyer_id", None) or getattr(event, "supplier_id", ""))
