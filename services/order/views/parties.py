"""Buyers and suppliers as lists, with each supplier's auto-confirm rule."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Boolean, Column, MetaData, String, Table, Text, select, update

from shared.events import order
from shared.events.envelope import Envelope
from shared.events.order import AutoConfirmRuleSet, BuyerRegistered, SupplierRegistered
from shared.service.projection import Projection
from shared.service.sql import upsert
from shared.sql import Connection, Database


class PartyDirectory(Projection):
    """Every registered buyer and supplier of the order service."""

    name = "order_parties"
    version = 2
    sources = ("order",)
    event_types = (order.BuyerRegistered, order.SupplierRegistered, order.AutoConfirmRuleSet)

    def define_tables(self, metadata: MetaData) -> None:
        self.buyers = Table(
            self.table_name("order_buyers"),
            metadata,
            Column("buyer_id", String(36), primary_key=True),
            Column("name", String(1000), nullable=False),
            Column("tier", String(64), nullable=False),
            Column("delivery_region", String(64), nullable=False),
            Column("tax_id", String(1000)),
            Column("contact_email", String(254)),
            Column("language", String(40)),
            Column("registered_at", String(40), nullable=False),
        )
        self.suppliers = Table(
            self.table_name("order_suppliers"),
            metadata,
            Column("supplier_id", String(36), primary_key=True),
            Column("name", String(1000), nullable=False),
            Column("currency", String(3), nullable=False),
            Column("tax_id", String(1000)),
            Column("contact_email", String(254)),
            Column("language", String(40)),
            Column("registered_at", String(40), nullable=False),
            Column("auto_confirm_enabled", Boolean, nullable=False, default=False),
            Column("auto_confirm", Text),
        )

    async def apply(self, conn: Connection, envelope: Envelope) -> None:
        event = envelope.event
        at = envelope.occurred_at.isoformat()
        match event:
            case BuyerRegistered():
                row = event.model_dump(mode="json") | {"registered_at": at}
                await upsert(conn, self.buyers, row, key=("buyer_id",))
            case SupplierRegistered():
                row = event.model_dump(mode="json") | {
                    "registered_at": at,
                    "auto_confirm_enabled": False,
                }
                await upsert(conn, self.suppliers, row, key=("supplier_id",))
            case AutoConfirmRuleSet():
                rule = event.model_dump(mode="json", exclude={"supplier_id"})
                await conn.execute(
                    update(self.suppliers)
                    .where(self.suppliers.c.supplier_id == str(event.supplier_id))
                    .values(auto_confirm_enabled=event.enabled, auto_confirm=json.dumps(rule))
                )

    async def page(
        self, engine: Database, kind: str, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        table = self.buyers if kind == "buyers" else self.suppliers
        query = select(table).order_by(table.c.registered_at).limit(limit).offset(offset)
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [_public(dict(row)) for row in rows]

    async def get(self, engine: Database, kind: str, party_id: str) -> dict[str, Any] | None:
        table = self.buyers if kind == "buyers" else self.suppliers
        key = table.c.buyer_id if kind == "buyers" else table.c.supplier_id
        async with engine.connect() as conn:
            row = (await conn.execute(select(table).where(key == party_id))).mappings().first()
        return None if row is None else _public(dict(row))


def _public(row: dict[str, Any]) -> dict[str, Any]:
    if "auto_confirm" in row:
        row["auto_confirm"] = json.loads(row["auto_confirm"]) if row["auto_confirm"] else None
        row.pop("auto_confirm_enabled", None)
    return row
