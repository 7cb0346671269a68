"""Order detail across all five services: pricing, allocations, shipments, invoices, timeline."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, bindparam, func, or_, select

from shared.events import inventory, logistics, order, payment, pricing, sourcing
from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows, order_keys
from shared.sql import Connection, Database

from .timeline import describe, fold_facets, render, service_of

TRACKED = (
    order.OrderPlaced,
    order.OrderPricingRecorded,
    order.OrderStockSecured,
    order.OrderReadyForConfirmation,
    order.OrderBackordered,
    order.OrderAmendmentProposed,
    order.OrderAmendmentAccepted,
    order.OrderAmendmentDeclined,
    order.OrderConfirmed,
    order.OrderRejected,
    order.OrderCancelled,
    order.OrderCompleted,
    order.OrderHeld,
    order.OrderReleased,
    order.OrderAwaitingApproval,
    order.OrderApprovalGiven,
    order.OrderApproved,
    order.OrderApprovalDeclined,
    pricing.OrderPriced,
    pricing.OrderPricingFailed,
    inventory.StockReserved,
    inventory.StockReservationFailed,
    inventory.StockReleased,
    inventory.StockCommitted,
    inventory.BackorderCreated,
    logistics.ShipmentPlanned,
    logistics.Shipped,
    logistics.ShipmentStatusUpdated,
    logistics.ShipmentDelayed,
    logistics.ShipmentDamaged,
    logistics.Delivered,
    logistics.GoodsAccepted,
    logistics.GoodsRejected,
    logistics.ReturnAuthorized,
    logistics.ReturnReceived,
    logistics.ShipmentCancelled,
    payment.InvoiceIssued,
    payment.PaymentSettled,
    payment.PaymentFailed,
    payment.RefundIssued,
    payment.CreditNoteIssued,
    inventory.WarehouseRegistered,
    logistics.CarrierRegistered,
    order.SupplierRegistered,
)
HISTORY = (
    sourcing.RfqIssued,
    sourcing.RfqQuoteSubmitted,
    sourcing.RfqQuoteRevised,
    sourcing.RfqDeclined,
    sourcing.RfqAwarded,
    sourcing.QuoteOffered,
    sourcing.QuoteAccepted,
)
"""What came before an order placed from sourcing: kept under the RFQ's (or quote's) id and
shown in the timeline of every order it became."""
NAMED = ("WarehouseRegistered", "CarrierRegistered", "SupplierRegistered")
"""Master data whose names the timeline uses instead of ids ("shipment planned from Keelung DC")."""


class _Batch(Rows):
    """The rows of one batch, with its orders' facets kept decoded until it is written."""

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self.facets: dict[str, dict[str, Any]] = {}


class OrderDetails(FoldingProjection):
    """``GET /orders/{id}``: facets per order, and a timeline of every service's events about it."""

    name = "order_details"
    version = 5  # 2: party names; 3: cancelled shipments, credit notes, what is open per
    # invoice; 4: the RFQ or quote an order came from, in its timeline; 5: credit holds
    sources = ("order", "pricing", "inventory", "logistics", "payment", "sourcing")
    event_types = TRACKED + HISTORY
    watched = True  # GET /orders/{id}?wait=… and the order page's long poll

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
            Column("party", String(36)),
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
        ids: Any = bindparam("ids", expanding=True)
        self._named = select(self.names).where(self.names.c.party_id.in_(ids))
        timeline = self.timeline
        self._events_of = select(func.count()).where(timeline.c.order_id == order_id)
        self._timeline_of = (
            select(timeline)
            .where(timeline.c.order_id.in_([order_id, bindparam("source_id")]))
            .order_by(timeline.c.at, timeline.c.source, timeline.c.position)
        )
        # A supplier sees no other supplier's quote in an order's RFQ history.
        self._timeline_for = self._timeline_of.where(
            or_(timeline.c.party.is_(None), timeline.c.party == bindparam("party"))
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.details, order_keys(envelopes))
        parties = {party for e in envelopes for party in _parties(describe(e.event)[1])}
        await rows.load(self.names, [(party,) for party in sorted(parties)])

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        if envelope.event_type in NAMED:
            party = (
                getattr(event, "warehouse_id", None)
                or getattr(event, "carrier_id", None)
                or getattr(event, "supplier_id", None)
            )
            rows.put(self.names, {"party_id": str(party), "name": getattr(event, "name", "")})
            return
        order_id = getattr(event, "order_id", None)
        if isinstance(event, HISTORY):
            order_id = getattr(event, "rfq_id", None) or getattr(event, "quote_id", None)
        if order_id is None:
            return
        key = str(order_id)
        template, described = describe(event)
        names: dict[str, str] = {}
        for party in _parties(described):
            found = await rows.get(self.names, (party,))
            if found is not None:
                names[party] = found["name"]
        params = {k: _named(k, v, names) for k, v in described.items()}
        entry = {
            "source": service_of(envelope.event_type),
            "position": envelope.position,
            "order_id": key,
            "party": _quoting(event),
            "at": envelope.occurred_at.isoformat(),
            "event": envelope.event_type,
            "actor": envelope.actor,
            "summary": render(template, described, names),
            "template": template,
            "params": json.dumps(params),
        }
        rows.put(self.timeline, entry)
        if isinstance(event, HISTORY):
            return
        fold_facets(await self._facets_in(rows, key), envelope)

    async def apply_batch(self, conn: Connection, envelopes: Sequence[Envelope]) -> None:
        batch = _Batch(conn)
        await self.prefetch(batch, envelopes)
        for envelope in envelopes:
            await self.fold(batch, envelope)
        for key, facets in batch.facets.items():
            batch.put(self.details, {"order_id": key, "facets": json.dumps(facets)})
        await batch.flush()

    async def _facets_in(self, rows: Rows, key: str) -> dict[str, Any]:
        """The order's facets as this batch has them: decoded on first use and encoded once
        when the batch is written (an order's document grows with every event it folds)."""
        assert isinstance(rows, _Batch), "folded only through apply_batch"
        if key not in rows.facets:
            found = await rows.get(self.details, (key,))
            rows.facets[key] = json.loads(found["facets"]) if found else {}
        return rows.facets[key]

    async def facets(self, engine: Database, order_id: str) -> dict[str, Any]:
        """The order's facets alone (a long poll checks them on every change)."""
        async with engine.connect() as conn:
            raw = (await conn.execute(self._facets_of, {"order_id": order_id})).scalar()
        found: dict[str, Any] = json.loads(raw) if raw else {}
        return found

    async def revision(self, engine: Database, order_id: str) -> int:
        """How many events the order's detail holds (its timeline's length)."""
        async with engine.connect() as conn:
            count = (await conn.execute(self._events_of, {"order_id": order_id})).scalar()
        return int(count or 0)

    async def get(
        self, engine: Database, order_id: str, supplier: str | None = None
    ) -> tuple[dict[str, Any], list[Any]]:
        """The order's facets and its timeline, oldest first, with the history of the RFQ or
        quote it came from (for ``supplier``, without other suppliers' quotes)."""
        async with engine.connect() as conn:
            found = await conn.execute(self._facets_of, {"order_id": order_id})
            raw = found.scalar_one_or_none()
            facets = json.loads(raw) if raw else {}
            source = ((facets.get("placed") or {}).get("source") or {}).get("id")
            keys = {"order_id": order_id, "source_id": source or order_id, "party": supplier}
            statement = self._timeline_of if supplier is None else self._timeline_for
            rows = (await conn.execute(statement, keys)).mappings().all()
            params = [json.loads(row["params"]) for row in rows]
            names = await self._names_of(conn, params)
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
        return facets, timeline

    async def _names_of(self, conn: Connection, params: list[dict[str, Any]]) -> dict[str, str]:
        """Names of the warehouses and carriers a timeline's lines still hold as ids: one
        registered after the line was folded (its registration came on another partition,
        later) is named here, as if it had come first."""
        unnamed = sorted({i for p in params for i in _party_ids(p)})
        if not unnamed:
            return {}
        named = (await conn.execute(self._named, {"ids": unnamed})).mappings().all()
        return {row["party_id"]: row["name"] for row in named}


def _quoting(event: Any) -> str | None:
    """The supplier a sourcing event is about, whom alone a supplier's view shows."""
    if isinstance(event, HISTORY) and not isinstance(
        event, sourcing.RfqIssued | sourcing.RfqAwarded
    ):
        return str(getattr(event, "supplier_id", "")) or None
    return None


def _parties(params: dict[str, Any]) -> list[str]:
    """Warehouses and carriers a timeline line (its described values) names."""
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
