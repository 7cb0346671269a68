"""Given events / When command / Then events for pricing's aggregates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from services.pricing.domain.commands import (
    ChangeProduct,
    Create,
    PriceOrder,
    RegisterProduct,
    Replace,
)
from services.pricing.domain.decide import (
    coupon_decider,
    customer_tier_decider,
    order_pricing_decider,
    product_decider,
)
from services.pricing.domain.errors import (
    CouponCodeTaken,
    InvalidProductChange,
    ProductAlreadyRegistered,
    ProductNotFound,
)
from shared.events.base import Money
from shared.events.pricing import (
    CouponCreated,
    CustomerTierAssigned,
    OrderPriced,
    OrderPricingFailed,
    ProductRegistered,
    ProductUpdated,
)
from shared.service.testing import Scenario
from tests.unit.pricing.builders import AT, book, line

SUPPLIER = UUID("00000000-0000-0000-0000-000000000001")
BUYER = UUID("00000000-0000-0000-0000-000000000002")
ORDER = UUID("00000000-0000-0000-0000-000000000003")
EUR = Money(amount=Decimal("2.00"), currency="EUR")

REGISTER = RegisterProduct(
    supplier_id=SUPPLIER,
    sku="BOLT-10",
    name="Bolt M10",
    category="fasteners",
    unit="piece",
    pack_size=10,
    min_order_qty=20,
    list_price=EUR,
    cost_price=Money(amount=Decimal("1.10"), currency="EUR"),
)
REGISTERED = ProductRegistered(**vars(REGISTER))


def test_registers_a_new_product() -> None:
    Scenario(product_decider).when(REGISTER).then(REGISTERED)


def test_refuses_to_register_a_sku_twice() -> None:
    Scenario(product_decider).given(REGISTERED).when(REGISTER).then_raises(ProductAlreadyRegistered)


def test_a_change_carries_every_fact() -> None:
    change = ChangeProduct(supplier_id=SUPPLIER, sku="BOLT-10", pack_size=5, active=False)
    expected = ProductUpdated(**{**REGISTERED.model_dump(), "pack_size": 5, "active": False})
    Scenario(product_decider).given(REGISTERED).when(change).then(expected)


def test_an_unchanged_product_yields_nothing() -> None:
    change = ChangeProduct(supplier_id=SUPPLIER, sku="BOLT-10", name="Bolt M10")
    Scenario(product_decider).given(REGISTERED).when(change).then()


def test_cannot_change_an_unknown_product() -> None:
    change = ChangeProduct(supplier_id=SUPPLIER, sku="BOLT-10", name="x")
    Scenario(product_decider).when(change).then_raises(ProductNotFound)


def test_a_change_that_breaks_a_product_rule_is_refused() -> None:
    usd = Money(amount=Decimal("3"), currency="USD")
    change = ChangeProduct(supplier_id=SUPPLIER, sku="BOLT-10", list_price=usd)
    Scenario(product_decider).given(REGISTERED).when(change).then_raises(InvalidProductChange)


def test_assigning_the_same_tier_again_changes_nothing() -> None:
    gold = CustomerTierAssigned(supplier_id=SUPPLIER, buyer_id=BUYER, tier="gold")
    Scenario(customer_tier_decider).given(gold).when(Replace(gold)).then()
    silver = gold.model_copy(update={"tier": "silver"})
    Scenario(customer_tier_decider).given(gold).when(Replace(silver)).then(silver)


def test_a_coupon_code_exists_once() -> None:
    created = CouponCreated(
        coupon_id=ORDER,
        supplier_id=SUPPLIER,
        code="SAVE5",
        percent_off=Decimal("5"),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
        valid_until=datetime(2026, 2, 1, tzinfo=UTC),
    )
    Scenario(coupon_decider).when(Create(created)).then(created)
    Scenario(coupon_decider).given(created).when(Create(created)).then_raises(CouponCodeTaken)


PRICE = PriceOrder(order_id=ORDER, book=book(), lines=[line(20)], coupon_code=None, placed_at=AT)


def test_prices_a_placed_order() -> None:
    [priced] = Scenario(order_pricing_decider).when(PRICE).then_events()
    assert isinstance(priced, OrderPriced)
    assert (priced.order_id, priced.total.amount, priced.tier) == (ORDER, Decimal("40.00"), "gold")


def test_fails_an_order_it_cannot_price_without_raising() -> None:
    [failed] = Scenario(order_pricing_decider).when(replace(PRICE, lines=[line(7)])).then_events()
    assert isinstance(failed, OrderPricingFailed)
    assert len(failed.problems) == 2


def test_an_order_is_priced_only_once() -> None:
    [priced] = Scenario(order_pricing_decider).when(PRICE).then_events()
    Scenario(order_pricing_decider).given(priced).when(PRICE).then()
