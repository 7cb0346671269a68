"""Given/When/Then: a prepaid order's shipments wait for its payment, whichever way logistics
learns the order is prepaid (the buyer's terms at confirmation, or the prepayment invoice)."""

from __future__ import annotations

from uuid import UUID, uuid4

from services.logistics.domain import errors
from services.logistics.domain.commands import NoteConfirmation, NotePrepayment, ShipShipment
from services.logistics.domain.decide import fulfilment_decider
from shared.events.logistics import (
    ConfirmationNoted,
    PrepaymentNoted,
    PrepaymentStage,
    Shipped,
)
from shared.service.testing import Scenario
from tests.unit.logistics.fixtures import (
    CARRIER,
    NORTH,
    NORTH_SHIPMENT,
    NOW,
    ORDER,
    allocation,
    details,
    line,
    planned,
    reserved,
)

LINES = (line(1, "A", 5),)
RESERVED = [details(), reserved(allocation(1, "A", NORTH, 5))]
CONFIRMATION = UUID("0193a000-0000-7000-8000-00000000c0f1")
INVOICE = UUID("0193a000-0000-7000-8000-00000000f001")
SHIP = ShipShipment(NORTH_SHIPMENT, NORTH, CARRIER, "TRK-9")


def scenario(*given: object) -> Scenario:  # type: ignore[type-arg]
    return Scenario(fulfilment_decider, now=NOW).given(*given)


def noted(stage: PrepaymentStage, invoice: UUID | None = INVOICE) -> PrepaymentNoted:
    return PrepaymentNoted(order_id=ORDER, source_event_id=uuid4(), stage=stage, invoice_id=invoice)


AWAITED = PrepaymentNoted(
    order_id=ORDER, source_event_id=CONFIRMATION, stage=PrepaymentStage.AWAITED
)
CONFIRMED = ConfirmationNoted(order_id=ORDER, source_event_id=CONFIRMATION, lines=LINES)


def test_a_confirmation_on_prepaid_terms_plans_shipments_that_wait_for_payment() -> None:
    command = NoteConfirmation(ORDER, CONFIRMATION, LINES, prepaid=True)
    scenario(*RESERVED).when(command).then(CONFIRMED, AWAITED, planned(NORTH, *LINES))


def test_a_prepaid_shipment_is_refused_until_its_invoice_is_paid() -> None:
    waiting = [*RESERVED, CONFIRMED, AWAITED, planned(NORTH, *LINES)]
    refused = scenario(*waiting).when(SHIP).then_raises(errors.AwaitingPrepayment)
    assert "prepaid" in str(refused)
    invoiced = noted(PrepaymentStage.INVOICED)
    refused = scenario(*waiting, invoiced).when(SHIP).then_raises(errors.AwaitingPrepayment)
    assert str(INVOICE) in str(refused)
    paid = [*waiting, invoiced, noted(PrepaymentStage.RECEIVED)]
    [event] = scenario(*paid).when(SHIP).then_events()
    assert isinstance(event, Shipped)


def test_the_prepayment_invoice_alone_makes_shipping_wait() -> None:
    # The terms copy lagged at confirmation: the invoice still holds the goods back.
    confirmed_as_net = [*RESERVED, CONFIRMED, planned(NORTH, *LINES)]
    cause = uuid4()
    bill = NotePrepayment(ORDER, cause, PrepaymentStage.INVOICED, INVOICE)
    invoiced = PrepaymentNoted(
        order_id=ORDER, source_event_id=cause, stage=PrepaymentStage.INVOICED, invoice_id=INVOICE
    )
    scenario(*confirmed_as_net).when(bill).then(invoiced)
    scenario(*confirmed_as_net, invoiced).when(SHIP).then_raises(errors.AwaitingPrepayment)


def test_only_the_prepayment_invoices_settlement_releases_shipping_and_only_once() -> None:
    waiting = [*RESERVED, CONFIRMED, AWAITED, noted(PrepaymentStage.INVOICED)]
    other = NotePrepayment(ORDER, uuid4(), PrepaymentStage.RECEIVED, uuid4())
    scenario(*waiting).when(other).then()
    cause = uuid4()
    paid = NotePrepayment(ORDER, cause, PrepaymentStage.RECEIVED, INVOICE)
    received = PrepaymentNoted(
        order_id=ORDER, source_event_id=cause, stage=PrepaymentStage.RECEIVED, invoice_id=INVOICE
    )
    scenario(*waiting).when(paid).then(received)
    scenario(*waiting, received).when(paid).then()
    scenario(*waiting, received).when(
        NotePrepayment(ORDER, uuid4(), PrepaymentStage.RECEIVED, INVOICE)
    ).then()
