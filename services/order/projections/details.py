"""Order detail across all five services: pricing, allocations, shipments, invoices, timeline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, bindparam, select

from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows, order_keys
from shared.sql import Database

from .facets import describe, fold_facets, service_of, summarize

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
    "InvoiceIssued", "PaymentSettled", "PaymentFailed", "RefundIssued",
    "WarehouseRegistered", "CarrierRegistered",
)  # fmt: skip
NAMED = ("WarehouseRegistered", "CarrierRegistered")
"""Master data whose names the timeline uses instead of ids ("shipment planned from Keelung DC")."""


class OrderDetails(FoldingProjection):
    """``GET /orders/{id}``: facets per order, and a timeline of every service's events about it."""

    name = "order_details"
    version = 2
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
            Column("template", Text, nullable=False),
            Column("params", Text, nullable=False),
        )
        self.names = Table(
            self.table_name("order_party_names"),
            metadata,
            Column("party_id", String(36), primary_key=True),
            Column("name", Text, nullable=False),
        )
        order_id: Any = bindparam("order_id")
        self._facets_of = select(self.details.c.facets).where(self.details.c.order_id == order_id)
        timeline = self.timeline
        self._timeline_of = (
            select(timeline)
            .where(timeline.c.order_id == order_id)
            .order_by(timeline.c.at, timeline.c.source, timeline.c.position)
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.details, order_keys(envelopes))
        parties = {party for e in envelopes for party in _parties(e)}
        await rows.load(self.names, [(party,) for party in sorted(parties)])

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        if envelope.event_type in NAMED:
            party = getattr(event, "warehouse_id", None) or getattr(event, "carrier_id", None)
            rows.put(self.names, {"party_id": str(party), "name": getattr(event, "name", "")})
            return
        order_id = getattr(event, "order_id", None)
        if order_id is None:
            return
        key = str(order_id)
        template, params = describe(event)
        names: dict[str, str] = {}
        for party in _parties(envelope):
            found = await rows.get(self.names, (party,))
            if found is not None:
                names[party] = found["name"]
        params = {k: _named(k, v, names) for k, v in params.items()}
        entry = {
            "source": service_of(envelope.event_type),
            "position": envelope.position,
            "order_id": key,
            "at": envelope.occurred_at.isoformat(),
            "event": envelope.event_type,
            "actor": envelope.actor,
            "summary": summarize(event, names),
            "template": template,
            "params": json.dumps(params),
        }
        rows.put(self.timeline, entry)
        found = await rows.get(self.details, (key,))
        facets: dict[str, Any] = json.loads(found["facets"]) if found else {}
        fold_facets(facets, envelope)
        rows.put(self.details, {"order_id": key, "facets": json.dumps(facets)})

    async def get(self, engine: Database, order_id: str) -> tuple[dict[str, Any], list[Any]]:
        """The order's facets and its timeline, oldest first.

        A warehouse or carrier registered after the line was folded (its registration came on
        another partition, later) is named here, as if it had come first."""
        async with engine.connect() as conn:
            found = await conn.execute(self._facets_of, {"order_id": order_id})
            raw = found.scalar_one_or_none()
            entries = await conn.execute(self._timeline_of, {"order_id": order_id})
            rows = entries.mappings().all()
            params = [json.loads(row["params"]) for row in rows]
            unnamed = sorted({i for p in params for i in _party_ids(p)})
            names: dict[str, str] = {}
            if unnamed:
                query = select(self.names).where(self.names.c.party_id.in_(unnamed))
                named = (await conn.execute(query)).mappings().all()
                names = {row["party_id"]: row["name"] for row in named}
        timeline = [
            {
                **{k: row[k] for k in ("at", "event", "actor", "template")},
                "summary": _with_names(row["summary"], names),
                "service": row["source"],
                "position": row["position"],
                "params": {k: _named(k, v, names) for k, v in values.items()},
            }
            for row, values in zip(rows, params, strict=True)
        ]
        return (json.loads(raw) if raw else {}), timeline


def _parties(envelope: Envelope) -> list[str]:
    """Warehouses and carriers an event's timeline line names."""
    _template, params = describe(envelope.event)
    found: list[str] = []
    for name, value in params.items():
        if name.endswith("_party"):
            found += value if isinstance(value, list) else [value]
    return found


def _named(name: str, value: Any, names: dict[str, str]) -> Any:
    """A ``_party`` value as names (the id when the name is not known yet)."""
    if not name.endswith("_party"):
        return value
    ids = value if isinstance(value, list) else [value]
    return [names.get(i, i) for i in ids]


def _party_ids(params: dict[str, Any]) -> list[str]:
    """The ``_party`` values of a stored line (ids, or names already filled in)."""
    found: list[str] = []
    for name, value in params.items():
        if name.endswith("_party"):
            found += value if isinstance(value, list) else [value]
    return found


def _with_names(summary: str, names: dict[str, str]) -> str:
    for party, name in names.items():
        summary = summary.replace(party, name)
    return summary
