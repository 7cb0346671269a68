"""Events and commands of one RFQ for the sourcing deciders' scenarios."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from services.sourcing.domain.commands import ProductFacts, SubmitQuote
from shared.events.base import Money
from shared.events.sourcing import QuotedLine, RfqIssued, RfqLine, RfqQuoteSubmitted
from shared.service.testing import DEFAULT_NOW

RFQ = UUID("00000000-0000-7000-8000-00000000a001")
BUYER = UUID("00000000-0000-7000-8000-00000000b001")
HARBOR = UUID("00000000-0000-7000-8000-00000000c001")
JADE = UUID("00000000-0000-7000-8000-00000000c002")
DEADLINE = DEFAULT_NOW + timedelta(days=2)
VALID = DEFAULT_NOW + timedelta(days=10)


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


CATALOG = {
    "GLOVE-M": ProductFacts(pack_size=12, min_order_qty=12, list_price=usd("4.00")),
    "TAPE-48": ProductFacts(pack_size=6, min_order_qty=6, list_price=usd("2.50")),
}


def issued(*suppliers: UUID) -> RfqIssued:
    return RfqIssued(
        rfq_id=RFQ,
        buyer_id=BUYER,
        title="Workshop supplies",
        currency="USD",
        lines=(
            RfqLine(line_no=1, description="Nitrile gloves, M", quantity=120,
                    needed_by=date(2026, 2, 10)),
            RfqLine(line_no=2, description="Packing tape 48 mm", sku="TAPE-48", quantity=60),
        ),
        suppliers=suppliers or (HARBOR, JADE),
        deadline=DEADLINE,
        delivery_region="north",
    )  # fmt: skip


def quoted(line_no: int, sku: str, quantity: int, price: str, lead: int = 3) -> QuotedLine:
    return QuotedLine(
        line_no=line_no, sku=sku, quantity=quantity, unit_price=usd(price), lead_time_days=lead
    )


HARBOR_LINES = (quoted(1, "GLOVE-M", 120, "3.50", 2), quoted(2, "TAPE-48", 60, "2.40", 5))
JADE_LINES = (quoted(1, "GLOVE-M", 120, "3.80", 1), quoted(2, "TAPE-48", 60, "2.00", 4))


def submit(supplier: UUID, lines: tuple[QuotedLine, ...], **changes: object) -> SubmitQuote:
    fields: dict[str, object] = {
        "supplier_id": supplier,
        "lines": lines,
        "delivery_charge": usd("10.00"),
        "valid_until": VALID,
        "catalog": CATALOG,
    }
    return SubmitQuote(**{**fields, **changes})  # type: ignore[arg-type]


def submitted(
    supplier: UUID, lines: tuple[QuotedLine, ...], revision: int = 1, **changes: object
) -> RfqQuoteSubmitted:
    fields: dict[str, object] = {
        "rfq_id": RFQ,
        "supplier_id": supplier,
        "revision": revision,
        "lines": lines,
        "delivery_charge": usd("10.00"),
        "valid_until": VALID,
    }
    return RfqQuoteSubmitted(**{**fields, **changes})  # type: ignore[arg-type]
