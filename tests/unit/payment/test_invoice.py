"""Given/When/Then for the invoice: issue once, settle once, refund or credit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

from services.payment.domain.commands import (
    IssueCreditNote,
    IssueInvoice,
    IssueRefund,
    RecordPayment,
)
from services.payment.domain.decide import invoice_decider
from services.payment.domain.errors import (
    AmountDoesNotMatch,
    InvoiceAlreadySettled,
    InvoiceNotFound,
    InvoiceNotSettled,
    RefundExceedsPayment,
)
from shared.events.base import Money
from shared.events.payment import (
    BankTransfer,
    CreditNoteIssued,
    InvoiceIssued,
    InvoiceLine,
    PaymentFailed,
    PaymentSettled,
    ProviderPayment,
    RefundIssued,
)
from shared.events.values import PaymentTerms
from shared.service.testing import DEFAULT_NOW, Scenario

INVOICE, ORDER, SHIPMENT, SUPPLIER, BUYER = uuid4(), uuid4(), uuid4(), uuid4(), uuid4()
PAYMENT = uuid4()
TRANSFER = BankTransfer(reference="BANK-1")


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


LINES = (
    InvoiceLine(line_no=1, sku="A-1", quantity=8, unit_price=eur("2.50"), line_total=eur("20.00")),
    InvoiceLine(line_no=2, sku="B-2", quantity=1, unit_price=eur("10.00"), line_total=eur("10.00")),
)
ISSUE = IssueInvoice(
    INVOICE, ORDER, SHIPMENT, SUPPLIER, BUYER, LINES, PaymentTerms.NET_30, date(2026, 1, 15)
)
ISSUED = InvoiceIssued(
    invoice_id=INVOICE,
    order_id=ORDER,
    shipment_id=SHIPMENT,
    supplier_id=SUPPLIER,
    buyer_id=BUYER,
    lines=LINES,
    total=eur("30.00"),
    terms=PaymentTerms.NET_30,
    issued_on=date(2026, 1, 15),
    due_on=date(2026, 2, 14),
)
SETTLED = PaymentSettled(
    payment_id=PAYMENT,
    invoice_id=INVOICE,
    order_id=ORDER,
    amount=eur("30.00"),
    method=TRANSFER,
    settled_at=DEFAULT_NOW,
)


def test_issues_an_invoice_with_total_and_due_date_from_the_terms() -> None:
    Scenario(invoice_decider).when(ISSUE).then(ISSUED)


def test_issuing_again_changes_nothing() -> None:
    Scenario(invoice_decider).given(ISSUED).when(ISSUE).then()


def test_settles_the_open_amount_by_bank_transfer() -> None:
    Scenario(invoice_decider).given(ISSUED).when(
        RecordPayment(PAYMENT, TRANSFER, eur("30.00"))
    ).then(SETTLED)


def test_refuses_a_settlement_of_another_amount() -> None:
    error = (
        Scenario(invoice_decider)
        .given(ISSUED)
        .when(RecordPayment(PAYMENT, TRANSFER, eur("29.99")))
        .then_raises(AmountDoesNotMatch, match="30.00")
    )
    assert error.field == "amount"


def test_refuses_a_settlement_in_another_currency() -> None:
    usd = Money(amount=Decimal("30.00"), currency="USD")
    Scenario(invoice_decider).given(ISSUED).when(RecordPayment(PAYMENT, TRANSFER, usd)).then_raises(
        AmountDoesNotMatch
    )


def test_refuses_a_second_settlement() -> None:
    other = BankTransfer(reference="BANK-2")
    Scenario(invoice_decider).given(ISSUED, SETTLED).when(
        RecordPayment(uuid4(), other, eur("30.00"))
    ).then_raises(InvoiceAlreadySettled)


def test_the_same_payment_reported_again_changes_nothing() -> None:
    Scenario(invoice_decider).given(ISSUED, SETTLED).when(
        RecordPayment(PAYMENT, TRANSFER, eur("30.00"))
    ).then()


def test_records_a_declined_provider_payment() -> None:
    card = ProviderPayment(provider="sandbox", reference="sbx_1")
    Scenario(invoice_decider).given(ISSUED).when(
        RecordPayment(PAYMENT, card, eur("30.00"), failure="card declined")
    ).then(
        PaymentFailed(
            payment_id=PAYMENT,
            invoice_id=INVOICE,
            order_id=ORDER,
            amount=eur("30.00"),
            method=card,
            reason="card declined",
        )
    )


def test_refuses_to_pay_an_invoice_never_issued() -> None:
    Scenario(invoice_decider).when(RecordPayment(PAYMENT, TRANSFER, eur("1"))).then_raises(
        InvoiceNotFound
    )


def test_a_credit_note_lowers_what_a_settlement_must_pay() -> None:
    credit = CreditNoteIssued(
        credit_note_id=uuid4(),
        invoice_id=INVOICE,
        order_id=ORDER,
        amount=eur("5.00"),
        reason="returned",
    )
    Scenario(invoice_decider).given(ISSUED, credit).when(
        RecordPayment(PAYMENT, TRANSFER, eur("30.00"))
    ).then_raises(AmountDoesNotMatch, match="25.00")


def test_refunds_part_of_a_settled_invoice() -> None:
    refund = uuid4()
    Scenario(invoice_decider).given(ISSUED, SETTLED).when(
        IssueRefund(refund, eur("12.50"), "goodwill")
    ).then(
        RefundIssued(
            refund_id=refund,
            order_id=ORDER,
            amount=eur("12.50"),
            reason="goodwill",
            invoice_id=INVOICE,
            method=TRANSFER,
        )
    )


def test_refuses_a_refund_of_an_open_invoice() -> None:
    Scenario(invoice_decider).given(ISSUED).when(IssueRefund(uuid4(), eur("1"), "x")).then_raises(
        InvoiceNotSettled
    )


def test_refuses_to_refund_more_than_was_paid() -> None:
    earlier = RefundIssued(
        refund_id=uuid4(), order_id=ORDER, amount=eur("25.00"), reason="x", invoice_id=INVOICE
    )
    Scenario(invoice_decider).given(ISSUED, SETTLED, earlier).when(
        IssueRefund(uuid4(), eur("5.01"), "y")
    ).then_raises(RefundExceedsPayment)


def test_a_prepayment_bills_the_whole_order_at_its_confirmed_total_due_at_once() -> None:
    prepay = IssueInvoice(
        INVOICE, ORDER, None, SUPPLIER, BUYER, LINES, PaymentTerms.PREPAID, date(2026, 1, 15),
        total=eur("25.00"),  # the order's coupon took 5.00 off its lines
    )  # fmt: skip
    Scenario(invoice_decider).when(prepay).then(
        ISSUED.model_copy(
            update={
                "shipment_id": None,
                "total": eur("25.00"),
                "terms": PaymentTerms.PREPAID,
                "due_on": date(2026, 1, 15),
            }
        )
    )


def test_an_open_invoice_is_credited_in_full_once_and_a_settled_one_is_not() -> None:
    note = uuid4()
    credit = IssueCreditNote(note, "order cancelled")
    credited = CreditNoteIssued(
        credit_note_id=note,
        invoice_id=INVOICE,
        order_id=ORDER,
        amount=eur("30.00"),
        reason="order cancelled",
    )
    Scenario(invoice_decider).given(ISSUED).when(credit).then(credited)
    Scenario(invoice_decider).given(ISSUED, credited).when(credit).then()
    Scenario(invoice_decider).given(ISSUED, SETTLED).when(credit).then_raises(InvoiceAlreadySettled)
