"""Given events / When a recorded fact / Then events: readiness, auto-confirm, completion."""

from __future__ import annotations

from uuid import UUID

from services.order.domain.commands import (
    AutoConfirmRule,
    RecordBackorder,
    RecordCreditReserved,
    RecordGoodsResolution,
    RecordInvoice,
    RecordPricing,
    RecordPricingFailure,
    RecordReturn,
    RecordShipment,
    RecordStockReserved,
    RecordStockShortage,
)
from services.order.domain.decide import order_decider
from shared.events.base import DomainEvent
from shared.events.inventory import Shortage
from shared.events.order import (
    InvoiceStage,
    OrderBackordered,
    OrderCompleted,
    OrderConfirmed,
    OrderCreditSecured,
    OrderGoodsResolved,
    OrderInvoiceProgressed,
    OrderPricingRecorded,
    OrderRejected,
    OrderReturnProgressed,
    OrderShipmentProgressed,
    OrderStockSecured,
    RejectionCode,
    ReturnStage,
    ShipmentStage,
)
from shared.events.values import OrderLine, OrderType, Party
from shared.service.testing import Scenario
from tests.unit.order.builders import AGREED, ORDER, PRICED_LINES, eur, placed, ready

SHIPMENT = UUID("00000000-0000-7000-8000-0000000000bb")
INVOICE = UUID("00000000-0000-7000-8000-0000000000cc")
RETURN = UUID("00000000-0000-7000-8000-0000000000dd")
LINE = (OrderLine(line_no=1, sku="BOLT-10", quantity=12),)
PRICED = RecordPricing(lines=PRICED_LINES, total=eur("30.00"))
CONFIRMED = OrderConfirmed(order_id=ORDER, lines=AGREED, total=eur("30.00"))


def scenario() -> Scenario:  # type: ignore[type-arg]
    return Scenario(order_decider)


RECORDED = OrderPricingRecorded(order_id=ORDER, lines=AGREED, total=eur("30.00"))
SECURED = OrderStockSecured(order_id=ORDER)
CREDITED = OrderCreditSecured(order_id=ORDER)


def test_pricing_first_is_recorded_then_stock_and_credit_make_it_ready() -> None:
    scenario().given(placed()).when(PRICED).then(RECORDED)
    scenario().given(placed(), RECORDED).when(RecordStockReserved()).then(SECURED)
    scenario().given(placed(), RECORDED, SECURED).when(RecordCreditReserved()).then(ready())


def test_credit_before_stock_is_recorded_then_stock_makes_it_ready() -> None:
    scenario().given(placed(), RECORDED).when(RecordCreditReserved()).then(CREDITED)
    scenario().given(placed(), RECORDED, CREDITED).when(RecordStockReserved()).then(ready())


def test_reservation_first_then_pricing_waits_for_credit() -> None:
    scenario().given(placed()).when(RecordStockReserved()).then(SECURED)
    scenario().given(placed(), SECURED).when(PRICED).then(RECORDED)


def test_an_order_priced_before_credit_was_checked_is_ready_with_its_stock() -> None:
    scenario().given(placed(), ready()).when(RecordCreditReserved()).then()


def test_a_fact_seen_twice_changes_nothing() -> None:
    scenario().given(placed(), ready()).when(PRICED).then()
    scenario().given(placed(), ready()).when(RecordStockReserved()).then()
    scenario().given(placed(), RECORDED, CREDITED).when(RecordCreditReserved()).then()


def test_auto_confirm_rule_confirms_when_type_and_total_fit() -> None:
    rule = AutoConfirmRule(frozenset({OrderType.REGULAR}), eur("100"))
    scenario().given(placed(), SECURED, RECORDED).when(RecordCreditReserved(rule)).then(
        ready(), CONFIRMED.model_copy(update={"by_auto_confirm_rule": True})
    )


def test_auto_confirm_rule_does_not_apply_over_its_limit_or_to_other_types() -> None:
    low = AutoConfirmRule(frozenset({OrderType.REGULAR}), eur("10"))
    urgent_only = AutoConfirmRule(frozenset({OrderType.URGENT}))
    for rule in (low, urgent_only):
        scenario().given(placed(), SECURED, RECORDED).when(RecordCreditReserved(rule)).then(ready())


def test_pricing_failure_rejects_the_order() -> None:
    scenario().given(placed()).when(RecordPricingFailure("line 1: below MOQ")).then(
        OrderRejected(
            order_id=ORDER,
            code=RejectionCode.PRICING_FAILED,
            reason="line 1: below MOQ",
            rejected_by=Party.SYSTEM,
        )
    )


def test_shortage_rejects_a_regular_order_and_backorders_a_presale_one() -> None:
    shortage = RecordStockShortage((Shortage(line_no=1, sku="BOLT-10", requested=12, available=3),))
    [rejected] = scenario().given(placed()).when(shortage).then_events()
    assert isinstance(rejected, OrderRejected)
    assert rejected.code is RejectionCode.OUT_OF_STOCK
    assert "12 requested, 3 available" in rejected.reason
    scenario().given(placed(OrderType.PRESALE)).when(shortage).then(
        OrderBackordered(order_id=ORDER, lines=LINE)
    )
    backordered = OrderBackordered(order_id=ORDER, lines=LINE)
    scenario().given(placed(OrderType.PRESALE), backordered).when(RecordBackorder(LINE)).then()


def test_backordered_presale_order_becomes_ready_when_stock_arrives() -> None:
    backordered = OrderBackordered(order_id=ORDER, lines=LINE)
    scenario().given(placed(OrderType.PRESALE), RECORDED, CREDITED, backordered).when(
        RecordStockReserved()
    ).then(ready())


def _progress(stage: ShipmentStage, lines: tuple[OrderLine, ...] = ()) -> OrderShipmentProgressed:
    return OrderShipmentProgressed(order_id=ORDER, shipment_id=SHIPMENT, stage=stage, lines=lines)


def _delivered_and_accepted() -> list[DomainEvent]:
    return [
        placed(),
        ready(),
        CONFIRMED,
        _progress(ShipmentStage.PLANNED, LINE),
        _progress(ShipmentStage.SHIPPED),
        _progress(ShipmentStage.DELIVERED),
        OrderGoodsResolved(order_id=ORDER, shipment_id=SHIPMENT, accepted=12),
    ]


def _invoice(stage: InvoiceStage) -> OrderInvoiceProgressed:
    return OrderInvoiceProgressed(
        order_id=ORDER,
        invoice_id=INVOICE,
        stage=stage,
        amount=eur("30.00"),
        shipment_id=SHIPMENT if stage is InvoiceStage.ISSUED else None,
        quantity=12 if stage is InvoiceStage.ISSUED else 0,
    )


def test_order_completes_once_delivered_accepted_invoiced_and_settled() -> None:
    given = [*_delivered_and_accepted(), _invoice(InvoiceStage.ISSUED)]
    scenario().given(*given).when(RecordInvoice(INVOICE, InvoiceStage.SETTLED, eur("30.00"))).then(
        _invoice(InvoiceStage.SETTLED), OrderCompleted(order_id=ORDER)
    )
    completed = [*given, _invoice(InvoiceStage.SETTLED), OrderCompleted(order_id=ORDER)]
    scenario().given(*completed).when(
        RecordInvoice(INVOICE, InvoiceStage.SETTLED, eur("30.00"))
    ).then()


def test_order_does_not_complete_while_accepted_goods_are_not_invoiced() -> None:
    given = _delivered_and_accepted()[:-1]
    scenario().given(*given).when(RecordGoodsResolution(SHIPMENT, accepted=12)).then(
        OrderGoodsResolved(order_id=ORDER, shipment_id=SHIPMENT, accepted=12)
    )


def test_order_waits_for_every_planned_line_and_delivery() -> None:
    given = [placed(), ready(), CONFIRMED, _progress(ShipmentStage.PLANNED, LINE)]
    scenario().given(*given).when(RecordShipment(SHIPMENT, ShipmentStage.SHIPPED)).then(
        _progress(ShipmentStage.SHIPPED)
    )
    scenario().given(*given).when(RecordShipment(SHIPMENT, ShipmentStage.PLANNED, LINE)).then()


def test_rejected_goods_complete_only_after_the_return_is_received() -> None:
    given = [
        *_delivered_and_accepted()[:-1],
        OrderGoodsResolved(order_id=ORDER, shipment_id=SHIPMENT, accepted=6),
        _invoice(InvoiceStage.ISSUED),
        _invoice(InvoiceStage.SETTLED),
    ]
    rejected = OrderGoodsResolved(
        order_id=ORDER, shipment_id=SHIPMENT, rejected=6, awaiting_return=True
    )
    scenario().given(*given).when(
        RecordGoodsResolution(SHIPMENT, rejected=6, awaiting_return=True)
    ).then(rejected)
    authorized = OrderReturnProgressed(
        order_id=ORDER,
        return_id=RETURN,
        stage=ReturnStage.AUTHORIZED,
        shipment_id=SHIPMENT,
        quantity=6,
    )
    scenario().given(*given, rejected).when(
        RecordReturn(RETURN, ReturnStage.AUTHORIZED, SHIPMENT, 6)
    ).then(authorized)
    scenario().given(*given, rejected, authorized).when(
        RecordReturn(RETURN, ReturnStage.RECEIVED)
    ).then(
        OrderReturnProgressed(order_id=ORDER, return_id=RETURN, stage=ReturnStage.RECEIVED),
        OrderCompleted(order_id=ORDER),
    )


def test_facts_about_a_cancelled_order_are_ignored() -> None:
    from shared.events.order import OrderCancelled

    cancelled = OrderCancelled(order_id=ORDER, reason="x", cancelled_by=Party.BUYER)
    scenario().given(placed(), cancelled).when(PRICED).then()
    scenario().given(placed(), cancelled).when(
        RecordShipment(SHIPMENT, ShipmentStage.PLANNED, LINE)
    ).then()


def test_order_completes_whatever_order_the_services_facts_arrive_in() -> None:
    # Logistics' feed may lag payment's: the invoice and its settlement are recorded before
    # the shipment is, and the order must still complete once the last fact arrives.
    early = [
        placed(),
        ready(),
        CONFIRMED,
        _invoice(InvoiceStage.ISSUED),
        _invoice(InvoiceStage.SETTLED),
        OrderGoodsResolved(order_id=ORDER, shipment_id=SHIPMENT, accepted=12),
        _progress(ShipmentStage.DELIVERED),
    ]
    scenario().given(*early).when(RecordShipment(SHIPMENT, ShipmentStage.PLANNED, LINE)).then(
        _progress(ShipmentStage.PLANNED, LINE), OrderCompleted(order_id=ORDER)
    )


def _prepayment(stage: InvoiceStage) -> OrderInvoiceProgressed:
    issued = stage is InvoiceStage.ISSUED
    return OrderInvoiceProgressed(
        order_id=ORDER, invoice_id=INVOICE, stage=stage, amount=eur("30.00"),
        quantity=12 if issued else 0,
    )  # fmt: skip


def test_a_prepaid_order_completes_once_its_prepayment_is_settled_and_goods_accepted() -> None:
    prepaid = [placed(), ready(), CONFIRMED, _prepayment(InvoiceStage.ISSUED)]
    settled = _prepayment(InvoiceStage.SETTLED)
    # Paid, but its goods are not delivered yet: not complete.
    scenario().given(*prepaid).when(
        RecordInvoice(INVOICE, InvoiceStage.SETTLED, eur("30.00"))
    ).then(settled)
    shipped = [
        _progress(ShipmentStage.PLANNED, LINE),
        _progress(ShipmentStage.SHIPPED),
        _progress(ShipmentStage.DELIVERED),
    ]
    # Accepted goods need no invoice of their own: the prepayment billed them.
    scenario().given(*prepaid, settled, *shipped).when(
        RecordGoodsResolution(SHIPMENT, accepted=12)
    ).then(
        OrderGoodsResolved(order_id=ORDER, shipment_id=SHIPMENT, accepted=12),
        OrderCompleted(order_id=ORDER),
    )
