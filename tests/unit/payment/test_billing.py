"""Invoice arithmetic: priced lines, due dates, value of returned goods."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.payment.domain.billing import due_on, invoice_lines
from shared.events.base import Money
from shared.events.values import AgreedLine, OrderLine, PaymentTerms


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


AGREED = {
    1: AgreedLine(line_no=1, sku="A-1", quantity=10, unit_price=eur("2.50")),
    2: AgreedLine(line_no=2, sku="B-2", quantity=4, unit_price=eur("10.00")),
}


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (PaymentTerms.PREPAID, date(2026, 1, 31)),
        (PaymentTerms.NET_15, date(2026, 2, 15)),
        (PaymentTerms.NET_30, date(2026, 3, 2)),
        (PaymentTerms.NET_60, date(2026, 4, 1)),
    ],
)
def test_due_date_follows_the_terms(terms: PaymentTerms, expected: date) -> None:
    assert due_on(terms, date(2026, 1, 31)) == expected


def test_invoices_accepted_quantity_at_the_agreed_price_and_skips_unknown_lines() -> None:
    accepted = [
        OrderLine(line_no=1, sku="A-1", quantity=8),
        OrderLine(line_no=9, sku="Z-9", quantity=1),
    ]
    lines = invoice_lines(AGREED, accepted)
    assert [(line.line_no, line.quantity, line.line_total) for line in lines] == [
        (1, 8, eur("20.00"))
    ]
