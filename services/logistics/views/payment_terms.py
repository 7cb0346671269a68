"""Logistics' copy of payment's terms: which orders ship only once paid."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import Column, MetaData, String, Table, select

from shared.events.envelope import Envelope
from shared.events.payment import PaymentTermsSet
from shared.events.values import PaymentTerms
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database


class PaymentTermsCopy(Projection):
    """Logistics' copy of payment's terms per supplier and buyer: a prepaid order's shipments
    wait for its payment from the moment it is confirmed."""

    name = "logistics_payment_terms"
    sources = ("payment",)
    event_types = (PaymentTermsSet,)

    def define_tables(self, metadata: MetaData) -> None:
        self.terms = Table(
            self.table_name("logistics_payment_terms"),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            Column("buyer_id", String(36), primary_key=True),
            Column("terms", String(16), nullable=False),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, PaymentTermsSet):
            values = {
                "supplier_id": str(event.supplier_id),
                "buyer_id": str(event.buyer_id),
                "terms": event.terms.value,
            }
            await upsert(conn, self.terms, values, ["supplier_id", "buyer_id"])

    async def prepaid(self, engine: Database, supplier_id: UUID, buyer_id: UUID) -> bool:
        t = self.terms
        query = select(t.c.terms).where(
            t.c.supplier_id == str(supplier_id), t.c.buyer_id == str(buyer_id)
        )
        async with engine.connect() as conn:
            found = (await conn.execute(query)).scalar_one_or_none()
        return bool(found == PaymentTerms.PREPAID.value)
