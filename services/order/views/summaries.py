"""Order list and supplier work queue: one row per order, folded from the order's own events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, bindparam, select

from services.order.domain.evolve import amend, lines_total_amount
from shared.events import order
from shared.events.base import Money
from shared.events.envelope import Envelope
from shared.events.order import (
    InvoiceStage,
    OrderAmendmentAccepted,
    OrderAmendmentDeclined,
    OrderAmendmentProposed,
    OrderApproved,
    OrderAwaitingApproval,
    OrderBackordered,
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderGoodsResolved,
    OrderHeld,
    OrderInvoiceProgressed,
    OrderPlaced,
    OrderPricingRecorded,
    OrderReadyForConfirmation,
    OrderRejected,
    OrderReleased,
    OrderShipmentProgressed,
)
from shared.events.statuses import FULFILMENT, SUPPLIER_QUEUE, OrderStatus
from shared.events.values import AgreedLine
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows, order_keys
from shared.sql import Database

_COUNTERS = ("planned", "shipped", "delivered", "resolutions", "invoices", "settled")
QUEUE_STATUSES = SUPPLIER_QUEUE


def fulfilment_status(row: dict[str, Any]) -> OrderStatus:
    """The status of a confirmed order from how far its shipments and invoices have come."""
    if row.get("prepayment_invoice") and not row.get("prepayment_settled") and not row["shipped"]:
        return OrderStatus.AWAITING_PREPAYMENT
    if row["invoices"]:
        return OrderStatus.INVOICED
    if row["resolutions"]:
        return OrderStatus.ACCEPTED
    if row["planned"] and row["delivered"] >= row["planned"]:
        return OrderStatus.DELIVERED
    if row["shipped"]:
        return OrderStatus.SHIPPED
    return OrderStatus.CONFIRMED


class OrderSummaries(FoldingProjection):
    """``GET /orders`` and ``GET /suppliers/{id}/queue``."""

    name = "order_summaries"
    version = 3  # 2: an accepted amendment's lines and total; awaiting_prepayment; 3: on_hold
    sources = ("order",)
    event_types = (
        order.OrderPlaced,
        order.OrderPricingRecorded,
        order.OrderReadyForConfirmation,
        order.OrderBackordered,
        order.OrderAmendmentProposed,
        order.OrderAmendmentAccepted,
        order.OrderAmendmentDeclined,
        order.OrderConfirmed,
        order.OrderRejected,
        order.OrderCancelled,
        order.OrderCompleted,
        order.OrderShipmentProgressed,
        order.OrderGoodsResolved,
        order.OrderInvoiceProgressed,
        order.OrderStockSecured,
        order.OrderReturnProgressed,
        order.OrderHeld,
        order.OrderReleased,
        order.OrderAwaitingApproval,
        order.OrderApproved,
    )

    def define_tables(self, metadata: MetaData) -> None:
        self.orders = Table(
            self.table_name("order_summaries"),
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("buyer_id", String(36), nullable=False, index=True),
            Column("supplier_id", String(36), nullable=False, index=True),
            Column("order_type", String(16), nullable=False),
            Column("status", String(32), nullable=False, index=True),
            Column("delivery_region", String(64), nullable=False),
            Column("lines", Text, nullable=False),
            Column("total", Text),
            Column("discount", Text),
            Column("confirmed_by_rule", Integer, nullable=False, default=0),
            Column("outcome", Text),
            Column("placed_at", String(40), nullable=False),
            Column("updated_at", String(40), nullable=False),
            Column("waiting_since", String(40)),
            Column("prepayment_invoice", String(36)),
            Column("prepayment_settled", Integer, nullable=False, default=0),
            Column("version", Integer, nullable=False),
            *(Column(name, Integer, nullable=False, default=0) for name in _COUNTERS),
        )
        self._by_id = select(self.orders).where(self.orders.c.order_id == bindparam("order_id"))

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.orders, order_keys(envelopes))

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        event = envelope.event
        at = envelope.occurred_at.isoformat()
        if isinstance(event, OrderPlaced):
            rows.put(
                self.orders,
                dict(
                    order_id=str(event.order_id),
                    buyer_id=str(event.buyer_id),
                    supplier_id=str(event.supplier_id),
                    order_type=event.order_type.value,
                    status=OrderStatus.PLACED,
                    delivery_region=event.delivery_region,
                    lines=json.dumps([line.model_dump(mode="json") for line in event.lines]),
                    placed_at=at,
                    updated_at=at,
                    version=envelope.stream_version,
                    **dict.fromkeys(_COUNTERS, 0),
                ),
            )
            return
        current = await rows.get(self.orders, (str(getattr(event, "order_id", "")),))
        if current is None:
            return
        row = dict(current)
        _fold(row, event, at)
        row["updated_at"] = at
        row["version"] = envelope.stream_version
        rows.put(self.orders, row)

    async def query(
        self, engine: Database, filters: dict[str, str | None], limit: int, offset: int
    ) -> list[dict[str, Any]]:
        table = self.orders
        query = select(table).order_by(table.c.placed_at.desc()).limit(limit).offset(offset)
        for name, value in filters.items():
            if value is not None:
                query = query.where(table.c[name] == value)
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [public(dict(row)) for row in rows]

    async def queue(self, engine: Database, supplier_id: str) -> list[dict[str, Any]]:
        table = self.orders
        query = (
            select(table)
            .where(table.c.supplier_id == supplier_id, table.c.status.in_(QUEUE_STATUSES))
            .order_by(table.c.waiting_since, table.c.placed_at)
        )
        async with engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [public(dict(row)) for row in rows]

    async def get(self, engine: Database, order_id: str) -> dict[str, Any] | None:
        async with engine.connect() as conn:
            found = await conn.execute(self._by_id, {"order_id": order_id})
            row = found.mappings().first()
        return None if row is None else public(dict(row))


def _priced(row: dict[str, Any], event: OrderPricingRecorded | OrderReadyForConfirmation) -> None:
    _agreed(row, event.lines, event.total)
    row["discount"] = str(lines_total_amount(event.lines) - event.total.amount)


def _agreed(row: dict[str, Any], lines: tuple[AgreedLine, ...], total: Money) -> None:
    row["lines"] = json.dumps([line.model_dump(mode="json") for line in lines])
    row["total"] = json.dumps(total.model_dump(mode="json"))


def _amended(row: dict[str, Any], event: OrderAmendmentAccepted) -> None:
    """The accepted lines and total, as the order itself computes them."""
    if row["total"] is None:
        return
    lines = tuple(AgreedLine.model_validate(line) for line in json.loads(row["lines"]))
    total = Money.model_validate_json(row["total"])
    _agreed(row, *amend(lines, total, Decimal(row["discount"] or 0), event.changes))


def _fold(row: dict[str, Any], event: object, at: str) -> None:
    match event:
        case OrderPricingRecorded():
            _priced(row, event)
        case OrderReadyForConfirmation():
            _priced(row, event)
            row.update(status=OrderStatus.AWAITING_CONFIRMATION, waiting_since=at)
        case OrderBackordered():
            row["status"] = OrderStatus.BACKORDERED
        case OrderAwaitingApproval():
            _agreed(row, event.lines, event.total)
            row.update(status=OrderStatus.AWAITING_APPROVAL, waiting_since=at)
        case OrderApproved() if row["status"] == OrderStatus.AWAITING_APPROVAL:
            row["status"] = OrderStatus.PLACED
        case OrderHeld():
            row.update(status=OrderStatus.ON_HOLD, waiting_since=at)
        case OrderReleased() if row["status"] == OrderStatus.ON_HOLD:
            row["status"] = OrderStatus.PLACED
        case OrderAmendmentProposed():
            row["status"] = OrderStatus.AMENDMENT_PROPOSED
        case OrderAmendmentAccepted():
            _amended(row, event)
            row["status"] = OrderStatus.AWAITING_CONFIRMATION
        case OrderAmendmentDeclined():
            row["status"] = OrderStatus.AWAITING_CONFIRMATION
        case OrderConfirmed():
            row.update(status=OrderStatus.CONFIRMED, waiting_since=at)
            _agreed(row, event.lines, event.total)
            row["confirmed_by_rule"] = int(event.by_auto_confirm_rule)
        case OrderRejected() | OrderCancelled():
            rejected = isinstance(event, OrderRejected)
            row["status"] = OrderStatus.REJECTED if rejected else OrderStatus.CANCELLED
            row.update(waiting_since=None, outcome=json.dumps(event.model_dump(mode="json")))
        case OrderCompleted():
            row["status"] = OrderStatus.COMPLETED
        case OrderShipmentProgressed():
            row[event.stage.value] += 1
        case OrderGoodsResolved():
            row["resolutions"] += 1
        case OrderInvoiceProgressed():
            _invoiced(row, event)
    if row["status"] in FULFILMENT_STATUSES:
        row["status"] = fulfilment_status(row)


FULFILMENT_STATUSES = FULFILMENT


def _invoiced(row: dict[str, Any], event: OrderInvoiceProgressed) -> None:
    """A prepayment (an invoice of no shipment) is kept apart from the shipments' invoices."""
    issued = event.stage is InvoiceStage.ISSUED
    if issued and event.shipment_id is None:
        row["prepayment_invoice"] = str(event.invoice_id)
    elif not issued and row.get("prepayment_invoice") == str(event.invoice_id):
        row["prepayment_settled"] = 1
    else:
        row["invoices" if issued else "settled"] += 1


def public(row: dict[str, Any]) -> dict[str, Any]:
    """A row as the API shows it: JSON columns parsed, shipment progress named."""
    row.pop("discount", None)
    row["lines"] = json.loads(row["lines"])
    row["total"] = json.loads(row["total"]) if row["total"] else None
    row["outcome"] = json.loads(row["outcome"]) if row["outcome"] else None
    row["confirmed_by_rule"] = bool(row["confirmed_by_rule"])
    planned, shipped = row["planned"], row["shipped"]
    row["shipping"] = None if not shipped else ("fully" if shipped >= planned else "partially")
    # Counts by their own names: "invoices" and "shipments" are the order detail's objects.
    row["progress"] = {name: row.pop(counter) for counter, name in _PROGRESS.items()}
    invoice, settled = row.pop("prepayment_invoice"), row.pop("prepayment_settled")
    row["prepayment"] = invoice and {"invoice_id": invoice, "settled": bool(settled)}
    return row


_PROGRESS = {
    "planned": "shipments_planned",
    "shipped": "shipments_shipped",
    "delivered": "shipments_delivered",
    "resolutions": "goods_resolutions",
    "invoices": "invoices_issued",
    "settled": "invoices_settled",
}
