"""Reactions: invoice accepted goods at the agreed prices; refund or credit returned goods."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID, uuid5

import structlog

from services.payment.domain.billing import invoice_lines, prepayment_id_for
from services.payment.domain.commands import (
    AccountCommand,
    InvoiceCommand,
    InvoiceCredit,
    IssueCreditNote,
    IssueInvoice,
    IssueRefund,
    ReleaseCredit,
    RepayCredit,
    ReserveCredit,
)
from services.payment.domain.state import Account, Invoice, account_id
from services.payment.views.ledger import Ledger
from shared.events.base import Money
from shared.events.envelope import Envelope
from shared.events.logistics import (
    GoodsAccepted,
    GoodsRejected,
    Remedy,
    ReturnReceived,
)
from shared.events.order import (
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderPricingRecorded,
    OrderRejected,
    OrderReleased,
)
from shared.events.payment import (
    CreditNoteIssued,
    CreditReleaseCause,
    InvoiceIssued,
    PaymentSettled,
)
from shared.events.values import OrderLine, Party, PaymentTerms
from shared.service.context import CommandContext
from shared.service.policy import Policy
from shared.service.repository import Repository
from shared.sql import Database

log = structlog.get_logger(__name__)

INVOICING = "payment.invoicing"
PREPAYING = "payment.prepayments"
_CREDITS = UUID("3f0c8a52-6d1e-5b7a-9c44-1e2f3a4b5c6d")
"""Namespace of refund and credit note ids derived from their cause's event id."""


def reactions(
    ledger: Ledger,
    engine: Database,
    invoices: Repository[InvoiceCommand, Invoice],
    accounts: Repository[AccountCommand, Account],
) -> list[Policy]:
    """Invoicing: one policy per followed service (orders, logistics); credit: reservations
    from the order's facts, receivables from payment's own invoices."""
    return [
        *Invoicing(ledger, engine, invoices, accounts).policies(),
        *Credit(ledger, engine, invoices, accounts).policies(),
    ]


CREDIT = "payment.credit"


class Credit:
    """The account's credit follows each order: reserved when priced (or held), released when
    the order ends or is confirmed for less, receivable once invoiced, free once paid."""

    def __init__(
        self,
        ledger: Ledger,
        engine: Database,
        invoices: Repository[InvoiceCommand, Invoice],
        accounts: Repository[AccountCommand, Account],
    ):
        self.ledger = ledger
        self.engine = engine
        self.invoices = invoices
        self.accounts = accounts

    def policies(self) -> list[Policy]:
        return [
            Policy(
                CREDIT + ".orders",
                "order",
                {
                    OrderPricingRecorded,
                    OrderReleased,
                    OrderConfirmed,
                    OrderCancelled,
                    OrderRejected,
                    OrderCompleted,
                },
                self.on_order,
            ),
            Policy(
                CREDIT + ".invoices",
                "payment",
                {InvoiceIssued, PaymentSettled, CreditNoteIssued},
                self.on_invoice,
            ),
        ]

    async def on_order(self, envelope: Envelope) -> None:
        order_id: UUID = envelope.event.order_id  # type: ignore[attr-defined]
        order = await self.ledger.order(self.engine, order_id)
        if order is None:
            log.warning("credit: order unknown to payment", order_id=str(order_id))
            return
        parties = (order.supplier_id, order.buyer_id)
        command = _credit_command(envelope.event, *parties)
        if command is not None:
            context = CommandContext.reaction(CREDIT, envelope.event_id, order_id)
            await self.accounts.handle(account_id(*parties), command, context)

    async def on_invoice(self, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, InvoiceIssued):
            issued = event
        else:
            found = (await self.invoices.load(event.invoice_id)).state.issued  # type: ignore[attr-defined]
            if found is None:
                return
            issued = found
        parties = (issued.supplier_id, issued.buyer_id)
        ids = {"order_id": issued.order_id, "invoice_id": issued.invoice_id}
        command: AccountCommand
        if isinstance(event, InvoiceIssued):
            command = InvoiceCredit(*parties, **ids, amount=event.total, due_on=event.due_on)
        else:
            command = RepayCredit(*parties, **ids, amount=event.amount)  # type: ignore[attr-defined]
        context = CommandContext.reaction(CREDIT, envelope.event_id, issued.order_id)
        await self.accounts.handle(account_id(*parties), command, context)


_ENDINGS = {
    OrderCancelled: CreditReleaseCause.CANCELLED,
    OrderRejected: CreditReleaseCause.REJECTED,
    OrderCompleted: CreditReleaseCause.COMPLETED,
}


def _credit_command(event: Any, supplier_id: UUID, buyer_id: UUID) -> AccountCommand | None:
    """The account command an order's fact asks for."""
    ids = (supplier_id, buyer_id, event.order_id)
    match event:
        case OrderPricingRecorded(total=total):
            return ReserveCredit(*ids, amount=total)
        case OrderReleased(released_by=by) if by is not Party.SYSTEM:
            return ReserveCredit(*ids, amount=None, force=True)
        case OrderConfirmed(total=total):
            return ReleaseCredit(*ids, CreditReleaseCause.CONFIRMED_LOWER, keep=total)
        case OrderCancelled() | OrderRejected() | OrderCompleted():
            return ReleaseCredit(*ids, _ENDINGS[type(event)])
    return None


class Invoicing:
    """Joins the order's agreement (order service) with acceptances (logistics): whichever
    arrives last issues the invoice, so neither feed has to be ahead of the other. What each
    feed brought is in the ledger view (folded before the reactions, in the same unit)."""

    def __init__(
        self,
        ledger: Ledger,
        engine: Database,
        invoices: Repository[InvoiceCommand, Invoice],
        accounts: Repository[AccountCommand, Account],
    ):
        self.ledger = ledger
        self.engine = engine
        self.invoices = invoices
        self.accounts = accounts

    def policies(self) -> list[Policy]:
        return [
            Policy(
                INVOICING + ".orders",
                "order",
                {OrderConfirmed, OrderCancelled},
                self.on_order,
            ),
            Policy(
                INVOICING + ".logistics",
                "logistics",
                {GoodsAccepted, GoodsRejected, ReturnReceived},
                self.on_logistics,
            ),
        ]

    async def prepaid(self, order_id: UUID) -> Invoice | None:
        """The order's prepayment invoice, if its terms were prepaid when it was confirmed."""
        invoice = (await self.invoices.load(prepayment_id_for(order_id))).state
        return None if invoice.issued is None else invoice

    async def on_order(self, envelope: Envelope) -> None:
        match envelope.event:
            case OrderConfirmed(order_id=order_id) as confirmed:
                await self.ledger.hold(self.engine, order_id)
                await self.prepay(envelope, confirmed)
                await self.issue_pending(order_id)
            case OrderCancelled(order_id=order_id, reason=reason):
                await self.withdraw_prepayment(envelope, order_id, reason)

    async def prepay(self, envelope: Envelope, confirmed: OrderConfirmed) -> None:
        """On prepaid terms the whole order is billed when the supplier confirms it: due at
        once, and its goods ship once it is paid (logistics waits for the settlement)."""
        order = await self.ledger.order(self.engine, confirmed.order_id)
        if order is None:
            return
        account = await self.accounts.load(account_id(order.supplier_id, order.buyer_id))
        if account.state.effective_terms is not PaymentTerms.PREPAID:
            return
        invoice_id = prepayment_id_for(confirmed.order_id)
        ordered = tuple(
            OrderLine(line_no=line.line_no, sku=line.sku, quantity=line.quantity)
            for line in confirmed.lines
        )
        command = IssueInvoice(
            invoice_id=invoice_id,
            order_id=confirmed.order_id,
            shipment_id=None,
            supplier_id=order.supplier_id,
            buyer_id=order.buyer_id,
            lines=invoice_lines({line.line_no: line for line in confirmed.lines}, ordered),
            terms=PaymentTerms.PREPAID,
            issued_on=envelope.occurred_at.date(),
            total=confirmed.total,
        )
        context = CommandContext.reaction(PREPAYING, envelope.event_id, confirmed.order_id)
        await self.invoices.handle(invoice_id, command, context)

    async def withdraw_prepayment(self, envelope: Envelope, order_id: UUID, reason: str) -> None:
        """A cancelled prepaid order owes nothing: what is open is credited, what was paid is
        refunded."""
        state = await self.prepaid(order_id)
        if state is None:
            return
        invoice_id = prepayment_id_for(order_id)
        context = CommandContext.reaction(PREPAYING, envelope.event_id, order_id)
        note = f"order cancelled: {reason}"
        if state.settlement is None:
            credit = IssueCreditNote(uuid5(_CREDITS, str(envelope.event_id)), note)
            await self.invoices.handle(invoice_id, credit, context)
        elif state.refundable > 0:
            amount = Money(amount=state.refundable, currency=state.settlement.amount.currency)
            refund = IssueRefund(uuid5(_CREDITS, str(envelope.event_id)), amount, note)
            await self.invoices.handle(invoice_id, refund, context)

    async def refund_prepaid(
        self, envelope: Envelope, order_id: UUID, lines: tuple[OrderLine, ...], why: str, **ids: Any
    ) -> None:
        """Refused goods of a prepaid order were paid for: their value is refunded (at most what
        the payment still holds)."""
        state = await self.prepaid(order_id)
        order = await self.ledger.order(self.engine, order_id)
        if state is None or order is None or order.agreed is None:
            return
        value = sum(
            (line.line_total.amount for line in invoice_lines(order.agreed, lines)), Decimal(0)
        )
        amount = min(value, state.refundable)
        if state.settlement is None or amount <= 0:
            return
        currency = state.settlement.amount.currency
        refund = IssueRefund(
            uuid5(_CREDITS, str(envelope.event_id)),
            Money(amount=amount, currency=currency),
            why,
            **ids,
        )
        context = CommandContext.reaction(PREPAYING, envelope.event_id, order_id)
        await self.invoices.handle(prepayment_id_for(order_id), refund, context)

    async def on_logistics(self, envelope: Envelope) -> None:
        match envelope.event:
            case GoodsRejected(remedy=Remedy.CREDIT_NOTE) as rejected:
                # Nothing comes back for a credit: the refused units are refunded at once.
                refused = tuple(
                    OrderLine(line_no=line.line_no, sku=line.sku, quantity=line.quantity)
                    for line in rejected.lines
                )
                await self.refund_prepaid(
                    envelope, rejected.order_id, refused, "goods refused at inspection"
                )
            case GoodsAccepted(order_id=order_id):
                await self.ledger.hold(self.engine, order_id)
                await self.issue_pending(order_id)
            case ReturnReceived() as event:
                await self.compensate(envelope, event)

    async def issue_pending(self, order_id: UUID) -> None:
        """Invoice every acceptance of the order still waiting, once its agreement is known
        (a prepaid order's acceptances were billed by its prepayment)."""
        order = await self.ledger.order(self.engine, order_id)
        if order is None or order.agreed is None or await self.prepaid(order_id) is not None:
            return
        account = await self.accounts.load(account_id(order.supplier_id, order.buyer_id))
        for acceptance in await self.ledger.acceptances_of(self.engine, order_id):
            if (await self.invoices.load(acceptance.invoice_id)).state.issued is not None:
                continue  # invoiced already
            lines = invoice_lines(order.agreed, acceptance.lines)
            if lines:
                command = IssueInvoice(
                    invoice_id=acceptance.invoice_id,
                    order_id=order_id,
                    shipment_id=acceptance.shipment_id,
                    supplier_id=order.supplier_id,
                    buyer_id=order.buyer_id,
                    lines=lines,
                    terms=account.state.effective_terms,
                    issued_on=acceptance.accepted_on,
                )
                # Ids follow the acceptance, whichever feed triggers the issue.
                context = CommandContext.reaction(INVOICING, acceptance.acceptance_id, order_id)
                await self.invoices.handle(acceptance.invoice_id, command, context)
            else:
                log.warning(
                    "acceptance names no agreed line", acceptance=str(acceptance.acceptance_id)
                )

    async def compensate(self, envelope: Envelope, event: ReturnReceived) -> None:
        """Returned goods move no money today: every return comes from goods rejected at
        inspection, and an invoice bills only the accepted units, so a returned unit was
        never billed. (Refunds of settled invoices are issued through POST /refunds.)"""
        copy = await self.ledger.return_of(self.engine, event.return_id)
        if copy is not None and copy.remedy is Remedy.RETURN:
            returned = tuple(
                OrderLine(line_no=line.line_no, sku=line.sku, quantity=line.quantity)
                for line in event.lines
            )
            await self.refund_prepaid(
                envelope, event.order_id, returned, "returned goods", return_id=event.return_id
            )
        log.info(
            "return received; rejected units of an order on net terms were never invoiced",
            return_id=str(event.return_id),
            remedy=copy.remedy.value if copy else None,
        )
