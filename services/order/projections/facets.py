"""How each service's event about an order shows in its detail: facets and timeline summaries."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from shared.events import inventory, logistics, order, payment, pricing
from shared.events.base import DomainEvent, Money
from shared.events.envelope import Envelope

_SERVICE = {
    model.event_type: module.__name__.rsplit(".", 1)[-1]
    for module in (order, pricing, inventory, logistics, payment)
    for model in module.EVENTS
}


def service_of(event_type: str) -> str:
    return _SERVICE.get(event_type, "unknown")


def _money(value: Any) -> str:
    return f"{value.amount} {value.currency}"


_SUMMARIES: dict[type[DomainEvent], Callable[[Any], str]] = {
    order.OrderPlaced: lambda e: f"{e.order_type.value} order placed, {len(e.lines)} line(s)",
    order.OrderReadyForConfirmation: lambda e: f"awaiting supplier, total {_money(e.total)}",
    order.OrderBackordered: lambda e: f"back-ordered, {len(e.lines)} line(s) wait for stock",
    order.OrderConfirmed: lambda e: (
        f"confirmed{' by rule' if e.by_auto_confirm_rule else ''}, total {_money(e.total)}"
    ),
    order.OrderRejected: lambda e: (
        f"rejected ({e.code.value}) by {e.rejected_by.value}: {e.reason}"
    ),
    order.OrderCancelled: lambda e: f"cancelled by {e.cancelled_by.value}: {e.reason}",
    order.OrderAmendmentProposed: lambda e: f"amendment proposed: {len(e.changes)} change(s)",
    order.OrderAmendmentAccepted: lambda e: "amendment accepted by buyer",
    order.OrderAmendmentDeclined: lambda e: "amendment declined by buyer",
    order.OrderCompleted: lambda e: "order completed",
    pricing.OrderPriced: lambda e: f"priced at {_money(e.total)} (tier {e.tier})",
    pricing.OrderPricingFailed: lambda e: (
        "pricing failed: " + "; ".join(p.detail for p in e.problems)
    ),
    inventory.StockReserved: lambda e: f"stock reserved: {e.routing.reason}",
    inventory.StockReservationFailed: lambda e: (
        "stock short: " + ", ".join(f"{s.sku} {s.available}/{s.requested}" for s in e.shortages)
    ),
    inventory.StockReleased: lambda e: f"stock released ({e.reason.value})",
    logistics.ShipmentPlanned: lambda e: f"shipment planned from warehouse {e.warehouse_id}",
    logistics.Shipped: lambda e: f"shipped, tracking {e.tracking_number}",
    logistics.ShipmentStatusUpdated: lambda e: (
        f"{e.status.value}" + (f" at {e.location}" if e.location else "")
    ),
    logistics.ShipmentDelayed: lambda e: f"delayed: {e.reason}; new ETA {e.new_eta.isoformat()}",
    logistics.ShipmentDamaged: lambda e: f"damage reported on {len(e.lines)} line(s)",
    logistics.Delivered: lambda e: (
        "delivered" + (f", received by {e.received_by}" if e.received_by else "")
    ),
    logistics.GoodsAccepted: lambda e: (
        f"goods accepted: {sum(x.quantity for x in e.lines)} unit(s)"
    ),
    logistics.GoodsRejected: lambda e: (
        f"goods refused: {sum(x.quantity for x in e.lines)} unit(s), remedy {e.remedy.value}"
    ),
    payment.InvoiceIssued: lambda e: f"invoice issued: {_money(e.total)}, due {e.due_on}",
    payment.PaymentSettled: lambda e: f"payment settled: {_money(e.amount)}",
    payment.PaymentFailed: lambda e: f"payment failed: {e.reason}",
    payment.RefundIssued: lambda e: f"refund issued: {_money(e.amount)}",
    payment.CreditNoteIssued: lambda e: f"credit note: {_money(e.amount)} ({e.reason})",
    logistics.ShipmentCancelled: lambda e: f"shipment cancelled: {e.reason}",
}


def summarize(event: DomainEvent) -> str:
    """One line a buyer or an operator can read; the event type when nothing better exists."""
    describe = _SUMMARIES.get(type(event))
    return describe(event) if describe else event.event_type


def _shipment(facets: dict[str, Any], shipment_id: Any) -> dict[str, Any]:
    shipments: dict[str, Any] = facets.setdefault("shipments", {})
    found: dict[str, Any] = shipments.setdefault(str(shipment_id), {"notices": []})
    return found


def _fold_logistics(facets: dict[str, Any], event: Any, data: dict[str, Any], at: str) -> None:
    shipment = _shipment(facets, event.shipment_id) if hasattr(event, "shipment_id") else {}
    match event:
        case logistics.ShipmentPlanned():
            shipment.update(data, status="planned")
        case logistics.Shipped():
            shipment.update(data, status="shipped")
        case logistics.ShipmentStatusUpdated():
            shipment.update(status=data["status"], location=data["location"])
            shipment["eta"] = data["eta"] or shipment.get("eta")
        case logistics.ShipmentDelayed() | logistics.ShipmentDamaged():
            shipment["notices"].append({"at": at, "kind": event.event_type, **data})
            facets.setdefault("notices", []).append({"at": at, "kind": event.event_type, **data})
            if isinstance(event, logistics.ShipmentDelayed):
                shipment["eta"] = data["new_eta"]
        case logistics.Delivered():
            shipment.update(status="delivered", delivered_at=data["delivered_at"])
        case logistics.ShipmentCancelled():
            shipment.update(status="cancelled", cancel_reason=data["reason"])
        case logistics.GoodsAccepted() | logistics.GoodsRejected():
            facets.setdefault("acceptance", []).append({"at": at, "kind": event.event_type, **data})
        case logistics.ReturnAuthorized() | logistics.ReturnReceived():
            returns = facets.setdefault("returns", {})
            found = returns.setdefault(data["return_id"], {})
            found.update(data, status="authorized" if "remedy" in data else "received")


def _invoice(event: payment.InvoiceIssued, data: dict[str, Any]) -> dict[str, Any]:
    zero = _zero(data["total"])
    open_amount = data["total"]
    status = "open" if event.total.amount > 0 else "credited"
    return {
        **data,
        "status": status,
        "credited": zero,
        "refunded": zero,
        "open_amount": open_amount,
    }


def _zero(money: dict[str, Any]) -> dict[str, Any]:
    return {"amount": "0", "currency": money["currency"]}


def _plus(money: dict[str, Any], amount: Money) -> dict[str, Any]:
    total = Decimal(money["amount"]) + amount.amount
    return {"amount": format(total, "f"), "currency": money["currency"]}


def _credit(invoice: dict[str, Any], amount: Money) -> None:
    """A credit note lowers what is open on an invoice not yet settled (as payment's book does)."""
    invoice["credited"] = _plus(invoice["credited"], amount)
    if invoice["status"] == "settled":
        return
    left = Decimal(invoice["open_amount"]["amount"]) - amount.amount
    invoice["open_amount"] = {"amount": format(left, "f"), "currency": amount.currency}
    invoice["status"] = "open" if left > 0 else "credited"


def empty_facets() -> dict[str, Any]:
    """Every facet an order's detail shows, before anything happened: the same shape always."""
    return {
        "placed": None, "pricing": None, "negotiation": [], "allocations": [], "routing": [],
        "stock": [], "shipments": {}, "notices": [], "acceptance": [], "returns": {},
        "invoices": {}, "payments": [], "refunds": [], "credit_notes": [],
    }  # fmt: skip


def fold_facets(facets: dict[str, Any], envelope: Envelope) -> None:
    """Fold one event into the order's facets (a JSON document)."""
    event = envelope.event
    data = event.model_dump(mode="json", exclude={"order_id"})
    at = envelope.occurred_at.isoformat()
    match event:
        case order.OrderPlaced():
            facets["placed"] = data
        case (
            order.OrderAmendmentProposed()
            | order.OrderAmendmentAccepted()
            | order.OrderAmendmentDeclined()
        ):
            step = {"at": at, "kind": event.event_type, "actor": envelope.actor, **data}
            facets.setdefault("negotiation", []).append(step)
        case pricing.OrderPriced() | pricing.OrderPricingFailed():
            facets["pricing"] = {"kind": event.event_type, **data}
        case inventory.StockReserved():
            facets.setdefault("allocations", []).extend(data["allocations"])
            facets.setdefault("routing", []).append(data["routing"])
        case (
            inventory.StockReservationFailed()
            | inventory.StockReleased()
            | inventory.BackorderCreated()
            | inventory.StockCommitted()
        ):
            facets.setdefault("stock", []).append({"at": at, "kind": event.event_type, **data})
        case payment.InvoiceIssued():
            facets.setdefault("invoices", {})[data["invoice_id"]] = _invoice(event, data)
        case payment.PaymentSettled() | payment.PaymentFailed():
            facets.setdefault("payments", []).append({"kind": event.event_type, **data})
            invoice = facets.setdefault("invoices", {}).get(data["invoice_id"])
            if invoice is not None and isinstance(event, payment.PaymentSettled):
                invoice.update(status="settled", open_amount=_zero(invoice["total"]))
        case payment.RefundIssued():
            facets.setdefault("refunds", []).append(data)
            invoice = facets.setdefault("invoices", {}).get(data["invoice_id"] or "")
            if invoice is not None:
                invoice["refunded"] = _plus(invoice["refunded"], event.amount)
        case payment.CreditNoteIssued():
            facets.setdefault("credit_notes", []).append(data)
            invoice = facets.setdefault("invoices", {}).get(data["invoice_id"])
            if invoice is not None:
                _credit(invoice, event.amount)
        case _ if service_of(event.event_type) == "logistics":
            _fold_logistics(facets, event, data, at)
