"""Delivery addresses as their buyers registered them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, MetaData, String, Table, select

from shared.events.envelope import Envelope
from shared.events.logistics import DeliveryAddressRegistered
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database


class DeliveryAddressBook(Projection):
    """``GET /delivery-addresses``: a buyer's addresses and their regions."""

    name = "logistics_delivery_addresses"
    sources = ("logistics",)
    event_types = (DeliveryAddressRegistered,)

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
