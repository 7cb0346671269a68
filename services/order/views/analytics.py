"""Analytics: one row of facts per order from all five services, and daily aggregates.

Every column is a function of the set of events seen, not of their order across services
(milestones keep the earliest time, amounts and units are sums), so a rebuild that interleaves
the sources differently yields the same rows. Money is in hundredths of the currency unit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, Column, Float, Integer, MetaData, String, Table

from shared.events import inventory, logistics, order, payment, pricing
from shared.events.base import Money
from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Rows, order_keys
from shared.sql import Connection

MILESTONES = (
    "placed_at",
    "priced_at",
    "reserved_at",
    "ready_at",
    "backordered_at",
    "confirmed_at",
    "rejected_at",
    "cancelled_at",
    "planned_at",
    "shipped_at",
    "delivered_at",
    "accepted_at",
    "invoiced_at",
    "settled_at",
    "completed_at",
)
"""The earliest time each happened (UTC ISO 8601); ``settled_at`` is the latest settlement."""

AMOUNTS = ("list_cents", "priced_cents", "confirmed_cents", "invoiced_cents", "paid_cents",
           "refunded_cents", "credited_cents")  # fmt: skip
UNITS = ("units_ordered", "units_shipped", "units_accepted", "units_rejected")
COUNTS = ("amendments", "shipments", "invoices", "payments_failed")
LEADS = {
    "confirm_lead_s": ("placed_at", "confirmed_at"),
    "ship_lead_s": ("confirmed_at", "shipped_at"),
    "transit_s": ("shipped_at", "delivered_at"),
    "order_to_delivery_s": ("placed_at", "delivered_at"),
    "payment_lead_s": ("invoiced_at", "settled_at"),
    "cycle_s": ("placed_at", "completed_at"),
}
DAILY_COUNTS = ("orders", "confirmed", "rejected", "cancelled", "shipped", "delivered", "completed")
DAILY_SUMS = (*UNITS, *AMOUNTS[1:], "confirm_lead_ms", "order_to_delivery_ms")

TRACKED = (
    order.OrderPlaced,
    order.OrderReadyForConfirmation,
    order.OrderBackordered,
    order.OrderAmendmentProposed,
    order.OrderConfirmed,
    order.OrderRejected,
    order.OrderCancelled,
    order.OrderCompleted,
    pricing.OrderPriced,
    inventory.StockReserved,
    logistics.ShipmentPlanned,
    logistics.Shipped,
    logistics.Delivered,
    logistics.GoodsAccepted,
    logistics.GoodsRejected,
    payment.InvoiceIssued,
    payment.PaymentSettled,
    payment.PaymentFailed,
    payment.RefundIssued,
    payment.CreditNoteIssued,
)


def cents(money: Money) -> int:
    return int((Decimal(money.amount) * 100).to_integral_value())


def _units(lines: Any) -> int:
    return sum(line.quantity for line in lines)


def _iso(at: datetime) -> str:
    """UTC ISO 8601, so that text order is time order."""
    return at.astimezone(UTC).isoformat()


def _earliest(row: dict[str, Any], column: str, at: datetime) -> None:
    value = _iso(at)
    if row[column] is None or value < row[column]:
        row[column] = value


def _add(row: dict[str, Any], column: str, amount: int) -> None:
    row[column] = (row[column] or 0) + amount


def _fold_order(row: dict[str, Any], event: Any, at: datetime) -> None:
    match event:
        case order.OrderPlaced():
            row.update(
                buyer_id=str(event.buyer_id),
                supplier_id=str(event.supplier_id),
                order_type=event.order_type.value,
                delivery_region=event.delivery_region,
                line_count=len(event.lines),
                units_ordered=_units(event.lines),
                placed_on=_iso(at)[:10],
            )
            _earliest(row, "placed_at", at)
        case order.OrderReadyForConfirmation():
            _earliest(row, "ready_at", at)
        case order.OrderBackordered():
            _earliest(row, "backordered_at", at)
        case order.OrderAmendmentProposed():
            _add(row, "amendments", 1)
        case order.OrderConfirmed():
            _earliest(row, "confirmed_at", at)
            row["confirmed_cents"] = cents(event.total)
            row["confirmed_by_rule"] = int(event.by_auto_confirm_rule)
        case order.OrderRejected():
            _earliest(row, "rejected_at", at)
            row["end_reason"] = event.code.value
        case order.OrderCancelled():
            _earliest(row, "cancelled_at", at)
            row["end_reason"] = f"cancelled by {event.cancelled_by.value}"
        case order.OrderCompleted():
            _earliest(row, "completed_at", at)


def _fold_others(row: dict[str, Any], event: Any, at: datetime) -> None:
    match event:
        case pricing.OrderPriced():
            _earliest(row, "priced_at", at)
            row.update(tier=event.tier, currency=event.currency, priced_cents=cents(event.total))
            row["list_cents"] = sum(
                cents(line.list_unit_price) * line.quantity for line in event.lines
            )
        case inventory.StockReserved():
            _earliest(row, "reserved_at", at)
            units: Counter[str] = Counter()
            for allocation in event.allocations:
                units[str(allocation.warehouse_id)] += allocation.quantity
            row["warehouse_id"] = min(units, key=lambda w: (-units[w], w))
            row["warehouse_count"] = len(units)
        case logistics.ShipmentPlanned():
            _earliest(row, "planned_at", at)
            _add(row, "shipments", 1)
        case logistics.Shipped():
            shipped = _iso(event.shipped_at)
            first = row["shipped_at"] is None or shipped < row["shipped_at"]
            if first or (
                shipped == row["shipped_at"] and str(event.carrier_id) < (row["carrier_id"] or "~")
            ):
                row["carrier_id"] = str(event.carrier_id)
            _earliest(row, "shipped_at", event.shipped_at)
            _add(row, "units_shipped", _units(event.lines))
        case logistics.Delivered():
            _earliest(row, "delivered_at", event.delivered_at)
        case logistics.GoodsAccepted():
            _earliest(row, "accepted_at", at)
            _add(row, "units_accepted", _units(event.lines))
        case logistics.GoodsRejected():
            _add(row, "units_rejected", _units(event.lines))
        case payment.InvoiceIssued():
            _earliest(row, "invoiced_at", at)
            _add(row, "invoiced_cents", cents(event.total))
            _add(row, "invoices", 1)
        case payment.PaymentSettled():
            settled = _iso(event.settled_at)
            row["settled_at"] = max(row["settled_at"] or settled, settled)
            _add(row, "paid_cents", cents(event.amount))
        case payment.PaymentFailed():
            _add(row, "payments_failed", 1)
        case payment.RefundIssued():
            _add(row, "refunded_cents", cents(event.amount))
        case payment.CreditNoteIssued():
            _add(row, "credited_cents", cents(event.amount))


def derive(row: dict[str, Any]) -> None:
    """Outcome and lead times: functions of the milestones, recomputed after each event."""
    for column, (start, end) in LEADS.items():
        if row[start] and row[end]:
            seconds = datetime.fromisoformat(row[end]) - datetime.fromisoformat(row[start])
            row[column] = seconds.total_seconds()
        else:
            row[column] = None
    for outcome in ("completed", "rejected", "cancelled"):
        if row[f"{outcome}_at"]:
            row["outcome"] = outcome
            return
    row["outcome"] = "open"


def contribution(row: dict[str, Any]) -> tuple[tuple[str, str], dict[str, int]] | None:
    """What one order adds to its placement day's aggregates (none before it is placed)."""
    if not row["placed_on"]:
        return None
    values = {"orders": 1}
    for name, milestone in (
        ("confirmed", "confirmed_at"), ("rejected", "rejected_at"),
        ("cancelled", "cancelled_at"), ("shipped", "shipped_at"),
        ("delivered", "delivered_at"), ("completed", "completed_at"),
    ):  # fmt: skip
        values[name] = int(bool(row[milestone]))
    for name in DAILY_SUMS:
        source = {
            "confirm_lead_ms": "confirm_lead_s",
            "order_to_delivery_ms": "order_to_delivery_s",
        }
        if name in source:
            lead = row[source[name]]
            values[name] = round(lead * 1000) if lead is not None else 0
        else:
            values[name] = row[name] or 0
    return (row["placed_on"], row["currency"] or ""), values


class OrderFacts(FoldingProjection):
    """``order_facts`` (one row per order) and ``order_daily`` (per placement day and currency)."""

    name = "order_facts"
    version = 2  # 2: credited_cents (credit notes against invoices)
    sources = ("order", "pricing", "inventory", "logistics", "payment")
    event_types = TRACKED

    def define_tables(self, metadata: MetaData) -> None:
        self.facts = Table(
            self.table_name("order_facts"),
            metadata,
            Column("order_id", String(36), primary_key=True),
            Column("buyer_id", String(36)),
            Column("supplier_id", String(36), index=True),
            Column("order_type", String(16)),
            Column("delivery_region", String(64)),
            Column("tier", String(64)),
            Column("currency", String(3)),
            Column("warehouse_id", String(36)),
            Column("warehouse_count", Integer),
            Column("carrier_id", String(36)),
            Column("placed_on", String(10), index=True),
            Column("outcome", String(16), nullable=False),
            Column("end_reason", String(64)),
            Column("confirmed_by_rule", Integer),
            Column("line_count", Integer),
            *(Column(name, String(40)) for name in MILESTONES),
            *(Column(name, BigInteger) for name in (*AMOUNTS, *UNITS, *COUNTS)),
            *(Column(name, Float) for name in LEADS),
        )
        self.daily = Table(
            self.table_name("order_daily"),
            metadata,
            Column("day", String(10), primary_key=True),
            Column("currency", String(3), primary_key=True),
            *(Column(name, BigInteger, nullable=False) for name in (*DAILY_COUNTS, *DAILY_SUMS)),
        )

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.facts, order_keys(envelopes))

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        folded = await self._fold_fact(rows, envelope)
        if folded is not None:
            key, before = folded
            await self._shift_daily(rows, before, await rows.get(self.facts, (key,)))

    async def apply_batch(self, conn: Connection, envelopes: Sequence[Envelope]) -> None:
        """Each order's row folds every event of the batch; its day moves once, from the row
        as the batch found it to the row as the batch leaves it."""
        rows = Rows(conn)
        await self.prefetch(rows, envelopes)
        found: dict[str, dict[str, Any] | None] = {}
        for envelope in envelopes:
            folded = await self._fold_fact(rows, envelope)
            if folded is not None:
                found.setdefault(*folded)
        for key, before in found.items():
            await self._shift_daily(rows, before, await rows.get(self.facts, (key,)))
        await rows.flush()

    async def _fold_fact(
        self, rows: Rows, envelope: Envelope
    ) -> tuple[str, dict[str, Any] | None] | None:
        """Fold the event into its order's row; the order and its row as it was before."""
        order_id = getattr(envelope.event, "order_id", None)
        if order_id is None:
            return None
        key = str(order_id)
        before = await rows.get(self.facts, (key,))
        row: dict[str, Any] = dict(before) if before else dict.fromkeys(self.facts.columns.keys())
        row["order_id"] = key
        _fold_order(row, envelope.event, envelope.occurred_at)
        _fold_others(row, envelope.event, envelope.occurred_at)
        derive(row)
        rows.put(self.facts, row)
        return key, before

    async def _shift_daily(
        self, rows: Rows, before: dict[str, Any] | None, after: dict[str, Any] | None
    ) -> None:
        """Take the order's old contribution off its day and add the new one (empty days go)."""
        deltas: dict[tuple[str, str], Counter[str]] = {}
        for sign, row in ((-1, before), (1, after)):
            part = contribution(row) if row else None
            if part is not None:
                bucket, values = part
                counter = deltas.setdefault(bucket, Counter())
                for name, value in values.items():
                    counter[name] += sign * value
        for (day, currency), delta in deltas.items():
            if not any(delta.values()):
                continue
            found = await rows.get(self.daily, (day, currency))
            totals = {
                n: (found[n] if found else 0) + delta[n] for n in (*DAILY_COUNTS, *DAILY_SUMS)
            }
            if totals["orders"] <= 0:
                rows.delete(self.daily, (day, currency))
                continue
            rows.put(self.daily, {"day": day, "currency": currency, **totals})
