"""Order detail across all five services: pricing, allocations, shipments, invoices, timeline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows, order_keys

from .facets import fold_facets, service_of, summarize

TRACKED = (
    "OrderPlaced", "OrderPricingRecorded", "OrderStockSecured", "OrderReadyForConfirmation",
    "OrderBackordered", "OrderAmendmentProposed", "OrderAmendmentAccepted",
    "OrderAmendmentDeclined", "OrderConfirmed", "OrderRejected", "OrderCancelled",
    "OrderCompleted",
    "OrderPriced", "OrderPricingFailed",
    "StockReserved", "StockReservationFailed", "StockReleased", "StockCommitted",
    "BackorderCreated",
    "ShipmentPlanned", "Shipped", "ShipmentStatusUpdated", "ShipmentDelayed", "ShipmentDamaged",
    "Delivered", "GoodsAccepted", "GoodsRejected", "ReturnAuthorized", "ReturnReceived",
    "ShipmentCancelled",
    "InvoiceIssued", "PaymentSettled", "PaymentFailed", "RefundIssued", "CreditNoteIssued",
)  # fmt: skip


class OrderDetails(FoldingProjection):
    """``GET /orders/{id}``: facets per order, and a timeline of every service's events about it."""

    name = "order_details"
    version = 2  # 2: cancelled shipments, credit notes and what is open on each invoice
    sources = ("order", "pricing", "inventory", "logistics", "payment")
    event_types = TRACKED

    def define_tables(self, metadata: MetaData) -> None:
        self.details = Table(
            self.table_name("order_details"),
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("facets", Text, nullable=False),
        )
        self.timeline = Table(
            self.table_name("order_timeline"),
            metadata,
            Column("source", String(32), primary_key=True),
            Column("position", Integer, primary_key=True),
            Column("order_id", String(36), nullable=False, index=True),
            Column("at", String(40), nullable=False),
            Column("event", String(64), nullable=False),
            Column("actor", String(200)),
            Column("summary", Text, nullable=False),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.details, order_keys(envelopes))

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        order_id = getattr(envelope.event, "order_id", None)
        if order_id is None:
            return
        key = str(order_id)
        entry = {
            "source": service_of(envelope.event_type),
            "position": envelope.position,
            "order_id": key,
            "at": envelope.occurred_at.isoformat(),
            "event": envelope.event_type,
            "actor": envelope.actor,
            "summary": summarize(envelope.event),
        }
        rows.put(self.timeline, entry)
        found = await rows.get(self.details, (key,))
        facets: dict[str, Any] = json.loads(found["facets"]) if found else {}
        fold_facets(facets, envelope)
        rows.put(self.details, {"order_id": key, "facets": json.dumps(facets)})

    async def get(self, engine: AsyncEngine, order_id: str) -> tuple[dict[str, Any], list[Any]]:
        """The order's facets and its timeline, oldest first."""
        async with engine.connect() as conn:
            found = await conn.execute(
                select(self.details.c.facets).where(self.details.c.order_id == order_id)
            )
            raw = found.scalar_one_or_none()
            entries = await conn.execute(
                select(self.timeline)
                .where(self.timeline.c.order_id == order_id)
                .order_by(self.timeline.c.at, self.timeline.c.source, self.timeline.c.position)
            )
            timeline = [
                {k: row[k] for k in ("at", "service", "event", "actor", "summary")}
                for row in ({**r, "service": r["source"]} for r in entries.mappings().all())
            ]
        return (json.loads(raw) if raw else {}), timeline
