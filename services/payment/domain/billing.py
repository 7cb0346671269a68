"""Pure rules of invoicing: invoice ids, priced lines, due dates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from uuid import UUID, uuid5

from shared.events.base import Money
from shared.events.payment import InvoiceLine
from shared.events.values import AgreedLine, OrderLine, PaymentTerms

_INVOICES = UUID("b7e3e0a4-2d7c-5c52-8f0e-6b0a4c1e9d21")


def invoice_id_for(acceptance_id: UUID) -> UUID:
    """One invoice per acceptance: its id follows from the GoodsAccepted event's id."""
    return uuid5(_INVOICES, str(acceptance_id))


def prepayment_id_for(order_id: UUID) -> UUID:
    """At most one prepayment invoice per order: its id follows from the order's."""
    return uuid5(_INVOICES, f"prepayment:{order_id}")


_DAYS = {
    PaymentTerms.PREPAID: 0,  # the whole order, invoiced on confirmation: due at once
    PaymentTerms.NET_15: 15,
    PaymentTerms.NET_30: 30,
    PaymentTerms.NET_60: 60,
}


def due_on(terms: PaymentTerms, issued_on: date) -> date:
    return issued_on + timedelta(days=_DAYS[terms])


def invoice_lines(
    agreed: Mapping[int, AgreedLine], accepted: Iterable[OrderLine]
) -> tuple[InvoiceLine, ...]:
    """Accepted quantity x agreed unit price per line; lines never agreed are skipped."""
    lines = []
    for line in accepted:
        deal = agreed.get(line.line_no)
        if deal is None:
            continue
        price = deal.unit_price
        lines.append(
            InvoiceLine(
                line_no=line.line_no,
                sku=line.sku,
                quantity=line.quantity,
                unit_price=price,
                line_total=Money(amount=price.amount * line.quantity, currency=price.currency),
            )
        )
    return tuple(lines)
