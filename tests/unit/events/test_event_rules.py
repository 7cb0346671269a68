"""The few rules events enforce themselves: one currency, sane periods, distinct keys."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from shared.events import (
    AdjustmentReason,
    Allocation,
    BankTransfer,
    CouponCreated,
    InvoiceIssued,
    InvoiceLine,
    Money,
    OrderPriced,
    OrderType,
    PaymentSettled,
    PaymentTerms,
    PricedLine,
    PriceListSet,
    ProductRegistered,
    PromotionCreated,
    ProviderPayment,
    QuantityBreak,
    RoutingCandidate,
    RoutingDecision,
    StockAdjusted,
    StockReserved,
    TierPrice,
    parse,
    serialize,
)

JAN = datetime(2025, 1, 1, tzinfo=UTC)
FEB = datetime(2025, 2, 1, tzinfo=UTC)


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


def usd(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="USD")


def priced(total: Money) -> OrderPriced:
    line = PricedLine(
        line_no=1,
        sku="A-1",
        quantity=2,
        list_unit_price=eur("10"),
        net_unit_price=eur("9"),
        line_total=eur("18"),
    )
    return OrderPriced(
        order_id=uuid4(),
        tier="gold",
        currency="EUR",
        lines=(line,),
        lines_total=eur("18"),
        total=total,
    )


def test_an_order_is_priced_in_one_currency() -> None:
    assert priced(eur("18")).total == eur("18")
    with pytest.raises(ValidationError, match="every amount must be in EUR"):
        priced(usd("18"))


def test_a_price_list_names_each_sku_once_in_its_currency() -> None:
    def price_list(*prices: TierPrice) -> PriceListSet:
        return PriceListSet(supplier_id=uuid4(), tier="gold", currency="EUR", prices=prices)

    breaks = (QuantityBreak(min_quantity=10, unit_price=eur("8")),)
    assert price_list(TierPrice(sku="A-1", unit_price=eur("9"), breaks=breaks)).prices
    with pytest.raises(ValidationError, match="only once in a price list"):
        price_list(
            TierPrice(sku="A-1", unit_price=eur("9")), TierPrice(sku="A-1", unit_price=eur("8"))
        )
    with pytest.raises(ValidationError, match="every amount must be in EUR"):
        price_list(
            TierPrice(
                sku="A-1",
                unit_price=eur("9"),
                breaks=(QuantityBreak(min_quantity=10, unit_price=usd("8")),),
            )
        )


def test_quantity_breaks_start_at_distinct_quantities() -> None:
    with pytest.raises(ValidationError, match="min_quantity may appear only once"):
        TierPrice(
            sku="A-1",
            unit_price=eur("9"),
            breaks=(
                QuantityBreak(min_quantity=10, unit_price=eur("8")),
                QuantityBreak(min_quantity=10, unit_price=eur("7")),
            ),
        )


def test_a_products_cost_is_in_the_currency_of_its_list_price() -> None:
    fields: dict[str, Any] = {
        "supplier_id": uuid4(),
        "sku": "A-1",
        "name": "Widget",
        "category": "widgets",
        "unit": "box",
        "pack_size": 6,
        "min_order_qty": 12,
        "list_price": eur("10"),
    }
    assert ProductRegistered(**fields, cost_price=eur("6")).cost_price == eur("6")
    with pytest.raises(ValidationError, match="every amount must be in EUR"):
        ProductRegistered(**fields, cost_price=usd("6"))


def test_a_promotion_ends_after_it_starts() -> None:
    fields: dict[str, Any] = {
        "promotion_id": uuid4(),
        "supplier_id": uuid4(),
        "name": "Spring",
        "category": "widgets",
        "percent_off": Decimal("10"),
    }
    assert PromotionCreated(**fields, starts_at=JAN, ends_at=FEB)
    with pytest.raises(ValidationError, match="end after it starts"):
        PromotionCreated(**fields, starts_at=FEB, ends_at=JAN)


@pytest.mark.parametrize(
    ("discount", "ok"),
    [
        ({"percent_off": Decimal("5")}, True),
        ({"amount_off": eur("5")}, True),
        ({}, False),
        ({"percent_off": Decimal("5"), "amount_off": eur("5")}, False),
    ],
)
def test_a_coupon_gives_either_a_percentage_or_an_amount(
    discount: dict[str, Any], ok: bool
) -> None:
    fields: dict[str, Any] = {
        "coupon_id": uuid4(),
        "supplier_id": uuid4(),
        "code": "SPRING5",
        "valid_from": JAN,
        "valid_until": FEB,
    }
    if ok:
        assert CouponCreated(**fields, **discount).code == "SPRING5"
    else:
        with pytest.raises(ValidationError, match="either percent_off or amount_off"):
            CouponCreated(**fields, **discount)


def test_a_stock_adjustment_changes_the_stock() -> None:
    fields: dict[str, Any] = {
        "warehouse_id": uuid4(),
        "sku": "A-1",
        "reason": AdjustmentReason.LOST,
    }
    assert StockAdjusted(**fields, delta=-3).delta == -3
    with pytest.raises(ValidationError, match="must change the stock"):
        StockAdjusted(**fields, delta=0)


def test_a_reservation_places_a_line_in_a_warehouse_once_and_says_why() -> None:
    warehouse = uuid4()
    routing = RoutingDecision(
        rule="region_first",
        order_type=OrderType.REGULAR,
        delivery_region="TW-TPE",
        candidates=(
            RoutingCandidate(
                warehouse_id=warehouse,
                serves_region=True,
                speed_rank=1,
                lead_time_days=1,
                available=(),
                chosen=True,
            ),
        ),
        reason="the only warehouse serving TW-TPE with stock",
    )
    one = Allocation(line_no=1, sku="A-1", warehouse_id=warehouse, quantity=2)
    event = StockReserved(order_id=uuid4(), allocations=(one,), routing=routing)
    assert parse("StockReserved", 1, serialize(event)) == event
    with pytest.raises(ValidationError, match="only once per event"):
        StockReserved(order_id=uuid4(), allocations=(one, one), routing=routing)


def invoice(due_on: date, line_total: Money) -> InvoiceIssued:
    line = InvoiceLine(line_no=1, sku="A-1", quantity=2, unit_price=eur("9"), line_total=line_total)
    return InvoiceIssued(
        invoice_id=uuid4(),
        order_id=uuid4(),
        shipment_id=uuid4(),
        supplier_id=uuid4(),
        buyer_id=uuid4(),
        lines=(line,),
        total=eur("18"),
        terms=PaymentTerms.NET_30,
        issued_on=date(2025, 1, 1),
        due_on=due_on,
    )


def test_an_invoice_falls_due_on_or_after_issue_in_one_currency() -> None:
    assert invoice(date(2025, 1, 31), eur("18")).due_on == date(2025, 1, 31)
    with pytest.raises(ValidationError, match="cannot fall due before"):
        invoice(date(2024, 12, 31), eur("18"))
    with pytest.raises(ValidationError, match="one currency"):
        invoice(date(2025, 1, 31), usd("18"))


@pytest.mark.parametrize(
    "method",
    [BankTransfer(reference="TX-1"), ProviderPayment(provider="stripe", reference="pi_1")],
)
def test_a_settlement_keeps_its_payment_method_through_json(
    method: BankTransfer | ProviderPayment,
) -> None:
    event = PaymentSettled(
        payment_id=uuid4(),
        invoice_id=uuid4(),
        order_id=uuid4(),
        amount=eur("18"),
        method=method,
        settled_at=JAN,
    )
    wire = serialize(event)
    assert wire["method"]["kind"] in {"bank_transfer", "provider"}
    parsed = parse("PaymentSettled", 1, wire)
    assert isinstance(parsed, PaymentSettled)
    assert type(parsed.method) is type(method)
    assert parsed == event
