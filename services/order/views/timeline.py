"""How each service's event about an order shows in its detail: facets and timeline summaries."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from shared.events import inventory, logistics, order, payment, pricing, sourcing
from shared.events.base import DomainEvent, Money
from shared.events.envelope import Envelope

_SERVICE = {
    model.event_type: module.__name__.rsplit(".", 1)[-1]
    for module in (order, pricing, inventory, logistics, payment, sourcing)
    for model in module.EVENTS
}


def service_of(event_type: str) -> str:
    return _SERVICE.get(event_type, "unknown")


def N_(message: str) -> str:  # marks a message for the portal's catalogs
    return message


Line = tuple[str, dict[str, Any]]
"""A timeline line: an English template with %(name)s placeholders, and its values. The portal
says it in the reader's language (the template is a message of its catalogs) and formats the
values by their names' endings: ``_money`` an amount, ``_date`` a date, ``_at`` a time, ``_code``
a code it has words for, ``_party`` a warehouse or carrier named from master data."""


def _money(value: Any) -> dict[str, str]:
    return {"amount": str(value.amount), "currency": value.currency}


def _units(lines: Any) -> int:
    return sum(x.quantity for x in lines)


def _value(lines: Any) -> dict[str, str]:
    return _money(Money(amount=sourcing.value_of(lines), currency=lines[0].unit_price.currency))


def _quote(e: Any) -> dict[str, Any]:
    total = sourcing.value_of(e.lines) + e.delivery_charge.amount
    return {
        "supplier_party": str(e.supplier_id),
        "total_money": _money(Money(amount=total, currency=e.delivery_charge.currency)),
        "line_count": len(e.lines),
    }


_LINES: dict[type[DomainEvent], Callable[[Any], Line]] = {
    order.OrderPlaced: lambda e: (
        N_("%(type_code)s order placed, %(line_count)s line(s)"),
        {"type_code": e.order_type.value, "line_count": len(e.lines)},
    ),
    order.OrderReadyForConfirmation: lambda e: (
        N_("awaiting the supplier, total %(total_money)s"),
        {"total_money": _money(e.total)},
    ),
    order.OrderBackordered: lambda e: (
        N_("back-ordered, %(line_count)s line(s) wait for stock"),
        {"line_count": len(e.lines)},
    ),
    order.OrderConfirmed: lambda e: (
        (
            N_("confirmed by rule, total %(total_money)s")
            if e.by_auto_confirm_rule
            else N_("confirmed, total %(total_money)s")
        ),
        {"total_money": _money(e.total)},
    ),
    order.OrderRejected: lambda e: (
        N_("rejected by the %(by_code)s: %(reason)s"),
        {"by_code": e.rejected_by.value, "reason": e.reason},
    ),
    order.OrderCancelled: lambda e: (
        N_("cancelled by the %(by_code)s: %(reason)s"),
        {"by_code": e.cancelled_by.value, "reason": e.reason},
    ),
    order.OrderAmendmentProposed: lambda e: (
        N_("amendment proposed: %(change_count)s change(s)"),
        {"change_count": len(e.changes)},
    ),
    order.OrderAmendmentAccepted: lambda e: (N_("amendment accepted by the buyer"), {}),
    order.OrderAmendmentDeclined: lambda e: (N_("amendment declined by the buyer"), {}),
    order.OrderCompleted: lambda e: (N_("order completed"), {}),
    order.OrderPricingRecorded: lambda e: (N_("prices recorded on the order"), {}),
    order.OrderStockSecured: lambda e: (N_("stock secured for every line"), {}),
    order.OrderHeld: lambda e: (
        N_("on hold: %(hold_code)s, available credit %(available_money)s")
        if e.figures.available is not None
        else N_("on hold: %(hold_code)s"),
        {
            "hold_code": e.code.value,
            **(
                {"available_money": e.figures.available.model_dump(mode="json")}
                if e.figures.available is not None
                else {}
            ),
        },
    ),
    order.OrderReleased: lambda e: (
        N_("released by the %(by_code)s: %(reason)s"),
        {"by_code": e.released_by.value, "reason": e.reason},
    ),
    order.OrderAwaitingApproval: lambda e: (
        N_("waiting for %(approval_count)s approval(s) by the buyer's approvers"),
        {"approval_count": e.approvals_required},
    ),
    order.OrderApprovalGiven: lambda e: (
        N_("approved by %(approver)s (%(approval_count)s of %(required_count)s)"),
        {
            "approver": e.approver,
            "approval_count": e.approvals,
            "required_count": e.approvals_required,
        },
    ),
    order.OrderApproved: lambda e: (N_("approved: on to credit and the supplier"), {}),
    order.OrderApprovalDeclined: lambda e: (
        N_("not approved by %(approver)s: %(reason)s"),
        {"approver": e.approver, "reason": e.reason},
    ),
    inventory.StockCommitted: lambda e: (N_("stock committed: the shipped units left on hand"), {}),
    inventory.BackorderCreated: lambda e: (N_("back-order created"), {}),
    logistics.ReturnAuthorized: lambda e: (N_("return authorized"), {}),
    logistics.ReturnReceived: lambda e: (N_("returned goods received"), {}),
    pricing.OrderPriced: lambda e: (
        N_("priced at %(total_money)s (%(tier_code)s tier)"),
        {"total_money": _money(e.total), "tier_code": e.tier},
    ),
    pricing.OrderPricingFailed: lambda e: (
        N_("pricing failed: %(problems)s"),
        {"problems": "; ".join(p.detail for p in e.problems)},
    ),
    inventory.StockReserved: lambda e: (
        N_("stock reserved in %(warehouses_party)s"),
        {"warehouses_party": sorted({str(a.warehouse_id) for a in e.allocations})},
    ),
    inventory.StockReservationFailed: lambda e: (
        N_("stock short: %(shortfall)s"),
        {"shortfall": ", ".join(f"{s.sku} {s.available}/{s.requested}" for s in e.shortages)},
    ),
    inventory.StockReleased: lambda e: (
        N_("stock released (%(reason_code)s)"),
        {"reason_code": e.reason.value},
    ),
    logistics.ShipmentPlanned: lambda e: (
        N_("shipment planned from %(warehouse_party)s"),
        {"warehouse_party": str(e.warehouse_id)},
    ),
    logistics.Shipped: lambda e: (
        N_("shipped with %(carrier_party)s, tracking %(tracking)s"),
        {"carrier_party": str(e.carrier_id), "tracking": e.tracking_number},
    ),
    logistics.ShipmentStatusUpdated: lambda e: (
        (N_("%(status_code)s at %(location)s") if e.location else N_("%(status_code)s")),
        {"status_code": e.status.value, "location": e.location or ""},
    ),
    logistics.ShipmentDelayed: lambda e: (
        N_("delayed: %(reason)s; new ETA %(eta_at)s"),
        {"reason": e.reason, "eta_at": e.new_eta.isoformat()},
    ),
    logistics.ShipmentDamaged: lambda e: (
        N_("damage reported on %(line_count)s line(s)"),
        {"line_count": len(e.lines)},
    ),
    logistics.Delivered: lambda e: (
        (N_("delivered, received by %(person)s") if e.received_by else N_("delivered")),
        {"person": e.received_by or ""},
    ),
    logistics.GoodsAccepted: lambda e: (
        N_("goods accepted: %(units)s unit(s)"),
        {"units": _units(e.lines)},
    ),
    logistics.GoodsRejected: lambda e: (
        N_("goods refused: %(units)s unit(s), remedy %(remedy_code)s"),
        {"units": _units(e.lines), "remedy_code": e.remedy.value},
    ),
    payment.InvoiceIssued: lambda e: (
        N_("invoice issued: %(total_money)s, due %(due_date)s"),
        {"total_money": _money(e.total), "due_date": e.due_on.isoformat()},
    ),
    payment.PaymentSettled: lambda e: (
        N_("payment settled: %(amount_money)s"),
        {"amount_money": _money(e.amount)},
    ),
    payment.PaymentFailed: lambda e: (N_("payment failed: %(reason)s"), {"reason": e.reason}),
    payment.RefundIssued: lambda e: (
        N_("refund issued: %(amount_money)s"),
        {"amount_money": _money(e.amount)},
    ),
    payment.CreditNoteIssued: lambda e: (
        N_("credit note: %(amount_money)s (%(reason)s)"),
        {"amount_money": _money(e.amount), "reason": e.reason},
    ),
    logistics.ShipmentCancelled: lambda e: (
        N_("shipment cancelled: %(reason)s"),
        {"reason": e.reason},
    ),
    sourcing.RfqIssued: lambda e: (
        N_("RFQ “%(title)s” sent to %(supplier_count)s supplier(s), answers due %(deadline_at)s"),
        {
            "title": e.title,
            "supplier_count": len(e.suppliers),
            "deadline_at": e.deadline.isoformat(),
        },
    ),
    sourcing.RfqQuoteSubmitted: lambda e: (
        N_("quote from %(supplier_party)s: %(total_money)s for %(line_count)s line(s)"),
        _quote(e),
    ),
    sourcing.RfqQuoteRevised: lambda e: (
        N_("quote revised by %(supplier_party)s: %(total_money)s for %(line_count)s line(s)"),
        _quote(e),
    ),
    sourcing.RfqDeclined: lambda e: (
        N_("%(supplier_party)s declined to quote"),
        {"supplier_party": str(e.supplier_id)},
    ),
    sourcing.RfqAwarded: lambda e: (
        N_("RFQ awarded: %(line_count)s line(s) in %(order_count)s order(s)"),
        {"line_count": sum(len(a.lines) for a in e.awards), "order_count": len(e.awards)},
    ),
    sourcing.QuoteOffered: lambda e: (
        N_("quote “%(title)s” offered by %(supplier_party)s: %(total_money)s"),
        {"title": e.title, "supplier_party": str(e.supplier_id), "total_money": _value(e.lines)},
    ),
    sourcing.QuoteAccepted: lambda e: (
        N_("quote accepted: %(total_money)s at the quoted prices"),
        {"total_money": _value(e.lines)},
    ),
}


def describe(event: DomainEvent) -> Line:
    """The event's timeline line; the event type alone when nothing better exists."""
    found = _LINES.get(type(event))
    return found(event) if found else (event.event_type, {})


def _plain(name: str, value: Any, names: dict[str, str]) -> str:
    if name.endswith("_money"):
        return f"{value['amount']} {value['currency']}"
    if name.endswith("_party"):
        ids = [str(i) for i in (value if isinstance(value, list) else [value])]
        return ", ".join(names.get(i, i) for i in ids)
    return str(value)


def summarize(event: DomainEvent, names: dict[str, str] | None = None) -> str:
    """The line in English with names filled in (for logs, the CLI and API readers)."""
    return render(*describe(event), names)


def render(template: str, values: dict[str, Any], names: dict[str, str] | None = None) -> str:
    """A described line in English with names filled in."""
    if not values:
        return template
    return template % {k: _plain(k, v, names or {}) for k, v in values.items()}


def _shipment(facets: dict[str, Any], shipment_id: Any) -> dict[str, Any]:
    shipments: dict[str, Any] = facets.setdefault("shipments", {})
    found: dict[str, Any] = shipments.setdefault(str(shipment_id), {"notices": []})
    return found


def _fold_approval(facets: dict[str, Any], event: Any, data: dict[str, Any], at: str) -> None:
    """What the buyer's spending rules asked of the order, and each approver's answer."""
    if isinstance(event, order.OrderAwaitingApproval):
        facets["approval"] = {
            "at": at, "status": "awaiting", "approvals_required": data["approvals_required"],
            "approvers": data["approvers"], "over_amount": data["over_amount"],
            "categories": data["categories"], "steps": [],
            "placed_by": (facets.get("placed") or {}).get("placed_by"),
        }  # fmt: skip
        return
    approval = facets.get("approval")
    if approval is None:
        return
    match event:
        case order.OrderApprovalGiven():
            step = {"at": at, "approver": event.approver, "decision": "approved"}
            approval["steps"].append({**step, "note": event.note})
        case order.OrderApproved():
            approval["status"] = "approved"
        case order.OrderApprovalDeclined():
            step = {"at": at, "approver": event.approver, "decision": "declined"}
            approval["steps"].append({**step, "note": event.reason})
            approval["status"] = "declined"


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
        "invoices": {}, "payments": [], "refunds": [], "credit_notes": [], "hold": None,
        "approval": None,
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
        case order.OrderHeld():
            facets["hold"] = {"at": at, "status": "held", **data}
        case order.OrderReleased() if facets.get("hold"):
            facets["hold"].update(status="released", released=data, released_at=at)
        case (
            order.OrderAwaitingApproval()
            | order.OrderApprovalGiven()
            | order.OrderApproved()
            | order.OrderApprovalDeclined()
        ):
            _fold_approval(facets, event, data, at)
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
