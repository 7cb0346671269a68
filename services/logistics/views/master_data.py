"""Carriers and delivery addresses, as registered."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import JSON, Column, MetaData, String, Table, select

from shared.events.envelope import Envelope
from shared.events.logistics import CarrierRegistered, DeliveryAddressRegistered
from shared.events.payment import PaymentTermsSet
from shared.events.values import PaymentTerms
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database


class CarrierDirectory(Projection):
    """``GET /carriers`` and the tracking URL of a shipment."""

    name = "logistics_carriers"
    sources = ("logistics",)
    event_types = ("CarrierRegistered",)

    def define_tables(self, metadata: MetaData) -> None:
        self.carriers = Table(
            self.table_name("logistics_carriers"),
            metadata,
            Column("carrier_id", String(36), primary_key=True),
            Column("code", String(64), nullable=False, index=True),
            Column("name", String(1000), nullable=False),
            Column("regions_served", JSON, nullable=False),
            Column("tracking_url_template", String(1000)),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, CarrierRegistered)
        values = event.model_dump(mode="json")
        await upsert(conn, self.carriers, values, ["carrier_id"])

    async def list(self, engine: Database, carrier_id: str | None = None) -> list[dict[str, Any]]:
        query = select(self.carriers).order_by(self.carriers.c.code)
        if carrier_id is not None:
            query = query.where(self.carriers.c.carrier_id == carrier_id)
        async with engine.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]


class DeliveryAddressBook(Projection):
    """``GET /delivery-addresses``: a buyer's addresses and their regions."""

    name = "logistics_delivery_addresses"
    sources = ("logistics",)
    event_types = ("DeliveryAddressRegistered",)

    def define_tables(self, metadata: MetaData) -> None:
        self.addresses = Table(
            self.table_name("logistics_delivery_addresses"),
            metadata,
            Column("address_id", String(36), primary_key=True),
            Column("buyer_id", String(36), nullable=False, index=True),
            Column("label", String(1000), nullable=False),
            Column("recipient", String(1000), nullable=False),
            Column("street", JSON, nullable=False),
            Column("city", String(1000), nullable=False),
            Column("postal_code", String(1000)),
            Column("country", String(2), nullable=False),
            Column("region", String(64), nullable=False),
            Column("phone", String(1000)),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        assert isinstance(event, DeliveryAddressRegistered)
        await upsert(conn, self.addresses, event.model_dump(mode="json"), ["address_id"])

    async def list(
        self, engine: Database, *, buyer_id: str | None = None, address_id: str | None = None
    ) -> list[dict[str, Any]]:
        query = select(self.addresses).order_by(self.addresses.c.label)
        if buyer_id is not None:
            query = query.where(self.addresses.c.buyer_id == buyer_id)
        if address_id is not None:
            query = query.where(self.addresses.c.address_id == address_id)
        async with engine.connect() as conn:
            return [dict(row._mapping) for row in await conn.execute(query)]


class PaymentTermsCopy(Projection):
    """Logistics' copy of payment's terms per supplier and buyer: a prepaid order's shipments
    wait for its payment from the moment it is confirmed."""

    name = "logistics_payment_terms"
    sources = ("payment",)
    event_types = ("PaymentTermsSet",)

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
