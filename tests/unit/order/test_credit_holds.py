"""Given events / When credit facts or a release / Then the order is held, released, ready."""

from __future__ import annotations

from services.order.domain.commands import (
    CancelOrder,
    RecordCreditRefused,
    RecordCreditReserved,
    RecordStockReserved,
    ReleaseOrder,
)
from services.order.domain.decide import order_decider
from services.order.domain.errors import OrderNotHeld
from shared.events.order import (
    OrderCancelled,
    OrderHeld,
    OrderPricingRecorded,
    OrderReleased,
    OrderStockSecured,
)
from shared.events.values import CreditFigures, CreditHoldCode, Party
from shared.service.testing import Scenario
from tests.unit.order.builders import AGREED, BUYER, ORDER, SUPPLIER, eur, placed, ready

PARTIES = {"order_id": ORDER, "buyer_id": BUYER, "supplier_id": SUPPLIER}

RECORDED = OrderPricingRecorded(order_id=ORDER, lines=AGREED, total=eur("30.00"))
SECURED = OrderStockSecured(order_id=ORDER)
FIGURES = CreditFigures(
    requested=eur("30.00"),
    reserved=eur("80.00"),
    invoiced_unpaid=eur("0"),
    limit=eur("100.00"),
    available=eur("20.00"),
)
REFUSED = RecordCreditRefused(CreditHoldCode.LIMIT_EXCEEDED, "over the limit", FIGURES)
HELD = OrderHeld(
    **PARTIES, code=CreditHoldCode.LIMIT_EXCEEDED, reason="over the limit", figures=FIGURES
)


def scenario() -> Scenario:  # type: ignore[type-arg]
    return Scenario(order_decider)


def test_an_order_over_its_credit_is_held_with_the_figures() -> None:
    scenario().given(placed(), RECORDED, SECURED).when(REFUSED).then(HELD)
    scenario().given(placed(), RECORDED, SECURED, HELD).when(REFUSED).then()


def test_a_held_order_does_not_become_ready_when_its_stock_arrives() -> None:
    scenario().given(placed(), RECORDED, HELD).when(RecordStockReserved()).then(SECURED)


def test_the_supplier_releases_a_held_order_and_it_reaches_the_queue() -> None:
    release = ReleaseOrder("known customer", Party.SUPPLIER)
    scenario().given(placed(), RECORDED, SECURED, HELD).when(release).then(
        OrderReleased(**PARTIES, reason="known customer", released_by=Party.SUPPLIER),
        ready(),
    )


def test_credit_that_fits_later_releases_the_held_order() -> None:
    released = OrderReleased(**PARTIES, reason="credit now available", released_by=Party.SYSTEM)
    scenario().given(placed(), RECORDED, SECURED, HELD).when(RecordCreditReserved()).then(
        released, ready()
    )


def test_only_a_held_order_can_be_released() -> None:
    release = ReleaseOrder("why not", Party.SUPPLIER)
    scenario().given(placed(), RECORDED, SECURED).when(release).then_raises(OrderNotHeld)
    scenario().given(placed(), ready()).when(release).then_raises(OrderNotHeld)
    cancelled = OrderCancelled(order_id=ORDER, reason="no", cancelled_by=Party.BUYER)
    scenario().given(placed(), RECORDED, HELD, cancelled).when(release).then_raises(OrderNotHeld)


def test_a_held_order_can_be_cancelled() -> None:
    cancel = CancelOrder("too much", Party.BUYER)
    scenario().given(placed(), RECORDED, HELD).when(cancel).then(
        OrderCancelled(order_id=ORDER, reason="too much", cancelled_by=Party.BUYER)
    )
