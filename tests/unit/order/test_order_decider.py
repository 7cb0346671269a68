"""Given events / When command / Then events for the Order aggregate's people-facing commands."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest

from services.order.domain.commands import (
    AcceptAmendment,
    CancelOrder,
    ConfirmOrder,
    DeclineAmendment,
    ProductRules,
    ProposeAmendment,
    RejectOrder,
)
from services.order.domain.decide import order_decider
from services.order.domain.errors import (
    AmendmentAlreadyPending,
    InvalidAmendment,
    InvalidOrderLine,
    NoAmendmentPending,
    OrderAlreadyClosed,
    OrderAlreadyConfirmed,
    OrderAlreadyPlaced,
    OrderAlreadyShipped,
    OrderNotAwaitingConfirmation,
)
from services.order.domain.placement import check_lines
from shared.events.order import (
    OrderAmendmentAccepted,
    OrderAmendmentDeclined,
    OrderAmendmentProposed,
    OrderCancelled,
    OrderConfirmed,
    OrderRejected,
    OrderShipmentProgressed,
    RejectionCode,
    ShipmentStage,
)
from shared.events.values import AgreedLine, LineChange, OrderLine, Party
from shared.service.testing import Scenario
from tests.unit.order.builders import AGREED, ORDER, eur, place, placed, ready

PROPOSAL = UUID("00000000-0000-7000-8000-0000000000aa")
LESS = (LineChange(line_no=1, sku="BOLT-10", quantity=6, unit_price=eur("2.40")),)
SHIPMENT = UUID("00000000-0000-7000-8000-0000000000bb")


def scenario() -> Scenario:  # type: ignore[type-arg]
    return Scenario(order_decider)


def test_places_an_order_whose_lines_respect_the_catalog() -> None:
    events = scenario().when(place(("BOLT-10", 12), ("NUT-5", 1))).then_events()
    assert [type(e).__name__ for e in events] == ["OrderPlaced"]
    assert events[0].lines[1] == OrderLine(line_no=2, sku="NUT-5", quantity=1)


def test_rejects_a_quantity_that_is_not_a_multiple_of_the_pack_size() -> None:
    error = scenario().when(place(("BOLT-10", 14))).then_raises(InvalidOrderLine)
    assert str(error) == "lines[0].quantity: must be a multiple of the pack size 6"
    assert error.field == "lines[0].quantity"


def test_rejects_a_quantity_below_the_minimum_order_quantity() -> None:
    scenario().when(place(("NUT-5", 1), ("BOLT-10", 6))).then_raises(
        InvalidOrderLine,
        match=r"lines\[1\]\.quantity: must be at least the minimum order quantity 12",
    )


def test_rejects_an_unknown_or_inactive_sku() -> None:
    scenario().when(place(("GHOST", 1))).then_raises(InvalidOrderLine, match=r"lines\[0\]\.sku")
    inactive = replace(place(("NUT-5", 1)), catalog={"NUT-5": ProductRules(1, 1, active=False)})
    with pytest.raises(InvalidOrderLine, match="no longer sold"):
        check_lines(inactive)


def test_refuses_to_place_the_same_order_twice() -> None:
    scenario().given(placed()).when(place(("BOLT-10", 12))).then_raises(OrderAlreadyPlaced)


def test_supplier_confirms_the_priced_lines() -> None:
    scenario().given(placed(), ready()).when(ConfirmOrder()).then(
        OrderConfirmed(order_id=ORDER, lines=AGREED, total=eur("30.00"))
    )


def test_cannot_confirm_before_pricing_and_reservation() -> None:
    scenario().given(placed()).when(ConfirmOrder()).then_raises(OrderNotAwaitingConfirmation)


def test_cannot_confirm_twice() -> None:
    confirmed = OrderConfirmed(order_id=ORDER, lines=AGREED, total=eur("30.00"))
    scenario().given(placed(), ready(), confirmed).when(ConfirmOrder()).then_raises(
        OrderAlreadyConfirmed
    )


def test_supplier_rejects_with_a_reason() -> None:
    scenario().given(placed(), ready()).when(RejectOrder(reason="no capacity")).then(
        OrderRejected(
            order_id=ORDER,
            code=RejectionCode.SUPPLIER_DECLINED,
            reason="no capacity",
            rejected_by=Party.SUPPLIER,
        )
    )


def test_amendment_accepted_changes_what_is_confirmed() -> None:
    proposed = OrderAmendmentProposed(order_id=ORDER, proposal_id=PROPOSAL, changes=LESS)
    accepted = OrderAmendmentAccepted(order_id=ORDER, proposal_id=PROPOSAL, changes=LESS)
    scenario().given(placed(), ready(), proposed, accepted).when(ConfirmOrder()).then(
        OrderConfirmed(
            order_id=ORDER,
            lines=(AgreedLine(line_no=1, sku="BOLT-10", quantity=6, unit_price=eur("2.40")),),
            total=eur("14.40"),
        )
    )


def test_supplier_proposes_and_buyer_accepts_or_declines() -> None:
    scenario().given(placed(), ready()).when(
        ProposeAmendment(proposal_id=PROPOSAL, changes=LESS, note="short")
    ).then(OrderAmendmentProposed(order_id=ORDER, proposal_id=PROPOSAL, changes=LESS, note="short"))
    proposed = OrderAmendmentProposed(order_id=ORDER, proposal_id=PROPOSAL, changes=LESS)
    scenario().given(placed(), ready(), proposed).when(AcceptAmendment(PROPOSAL)).then(
        OrderAmendmentAccepted(order_id=ORDER, proposal_id=PROPOSAL, changes=LESS)
    )
    scenario().given(placed(), ready(), proposed).when(DeclineAmendment(PROPOSAL, "no")).then(
        OrderAmendmentDeclined(order_id=ORDER, proposal_id=PROPOSAL, reason="no")
    )


def test_amendment_rules() -> None:
    proposed = OrderAmendmentProposed(order_id=ORDER, proposal_id=PROPOSAL, changes=LESS)
    scenario().given(placed(), ready(), proposed).when(
        ProposeAmendment(proposal_id=UUID(int=5), changes=LESS)
    ).then_raises(AmendmentAlreadyPending)
    scenario().given(placed(), ready(), proposed).when(ConfirmOrder()).then_raises(
        OrderNotAwaitingConfirmation
    )
    scenario().given(placed(), ready()).when(AcceptAmendment(PROPOSAL)).then_raises(
        NoAmendmentPending
    )
    wrong_line = (LineChange(line_no=9, sku="BOLT-10", quantity=6),)
    scenario().given(placed(), ready()).when(
        ProposeAmendment(proposal_id=PROPOSAL, changes=wrong_line)
    ).then_raises(InvalidAmendment, match=r"changes\[0\]\.line_no")
    drop_all = (LineChange(line_no=1, sku="BOLT-10", quantity=0),)
    scenario().given(placed(), ready()).when(
        ProposeAmendment(proposal_id=PROPOSAL, changes=drop_all)
    ).then_raises(InvalidAmendment, match="drop every line")


def test_cancel_before_shipment() -> None:
    scenario().given(placed(), ready()).when(CancelOrder("changed mind", Party.BUYER)).then(
        OrderCancelled(order_id=ORDER, reason="changed mind", cancelled_by=Party.BUYER)
    )


def test_cannot_cancel_after_the_first_shipment_left() -> None:
    confirmed = OrderConfirmed(order_id=ORDER, lines=AGREED, total=eur("30.00"))
    shipped = OrderShipmentProgressed(
        order_id=ORDER, shipment_id=SHIPMENT, stage=ShipmentStage.SHIPPED
    )
    scenario().given(placed(), ready(), confirmed, shipped).when(
        CancelOrder("late", Party.BUYER)
    ).then_raises(OrderAlreadyShipped)


def test_nothing_happens_to_a_closed_order() -> None:
    cancelled = OrderCancelled(order_id=ORDER, reason="x", cancelled_by=Party.BUYER)
    for command in (ConfirmOrder(), RejectOrder("x"), CancelOrder("x", Party.SUPPLIER)):
        scenario().given(placed(), ready(), cancelled).when(command).then_raises(OrderAlreadyClosed)


def test_an_amendment_that_would_take_the_total_beyond_any_amount_is_refused() -> None:
    huge = LineChange(
        line_no=1, sku="BOLT-10", quantity=10**9, unit_price=eur("999999.00")
    )  # 10**9 units at almost a million: far beyond 10**12
    error = (
        Scenario(order_decider)
        .given(placed(), ready())
        .when(ProposeAmendment(UUID(int=99), (huge,)))
        .then_raises(InvalidAmendment)
    )
    assert error.field == "changes"
