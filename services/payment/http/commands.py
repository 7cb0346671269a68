"""Payment commands over HTTP: terms and credit limits, settlements, charges and refunds."""

from uuid import UUID, uuid5

from fastapi import APIRouter

from shared.events.base import Money
from shared.events.ids import new_event_id
from shared.events.payment import BankTransfer, InvoiceIssued, ProviderPayment
from shared.service.auth.access import BANK, BUYER, OPS, SUPPLIER
from shared.service.edge import Accepted, Answer, Call, Edge, command
from shared.service.errors import Problem
from shared.service.repository import CommandResult
from shared.service.strict_json import StrictJson

from ..domain.commands import (
    AccountCommand,
    IssueRefund,
    RecordPayment,
    SetCreditLimit,
    SetOverdueBlock,
    SetPaymentTerms,
)
from ..domain.errors import InvoiceAlreadySettled, InvoiceNotFound
from ..domain.state import account_id
from .access import require_own
from .answers import PaymentAccepted, RefundAccepted
from .deps import PaymentDeps
from .models import (
    BankTransferBody,
    ChargeBody,
    CreditLimitBody,
    OverdueBlockBody,
    RefundBody,
    TermsBody,
)

SUPPLIERS = (OPS, SUPPLIER)

_PAYMENTS = UUID("3c0f5a52-7d8e-5b8f-a3f7-4f3f8f0e2b61")


class PaymentCommands:
    """What suppliers, banks, buyers and operations do: terms, limits, payments, refunds."""

    def __init__(self, deps: PaymentDeps) -> None:
        self.deps = deps

    async def issued(self, invoice_id: UUID) -> InvoiceIssued:
        state = (await self.deps.invoices.load(invoice_id)).state
        if state.issued is None:
            raise InvoiceNotFound(f"no invoice {invoice_id}")
        return state.issued

    async def account(
        self, call: Call, supplier_id: UUID, buyer_id: UUID, sent: AccountCommand
    ) -> Accepted:
        """Send ``sent`` to the supplier's account with the buyer (a supplier only to its own)."""
        require_own(call.actor, supplier=supplier_id)
        aggregate = account_id(supplier_id, buyer_id)
        result = await self.deps.accounts.handle(
            aggregate, sent, call.context(), expected_version=call.expected_version
        )
        return Accepted(aggregate, result)

    @command(
        "PUT", "/payment-terms/{supplier_id}/{buyer_id}", roles=(OPS, SUPPLIER), versioned=True
    )
    async def set_payment_terms(
        self, call: Call, supplier_id: UUID, buyer_id: UUID, body: StrictJson[TermsBody]
    ) -> Accepted:
        """Set the terms a supplier grants a buyer (without any: net_30)."""
        sent = SetPaymentTerms(supplier_id, buyer_id, body.terms)
        return await self.account(call, supplier_id, buyer_id, sent)

    @command(
        "PUT", "/credit-limits/{supplier_id}/{buyer_id}", roles=(OPS, SUPPLIER), versioned=True
    )
    async def set_credit_limit(
        self, call: Call, supplier_id: UUID, buyer_id: UUID, body: StrictJson[CreditLimitBody]
    ) -> Accepted:
        """Set the most a buyer may owe a supplier in open invoices and orders under way;
        a raised limit releases the held orders that now fit, oldest first."""
        sent = SetCreditLimit(supplier_id, buyer_id, body.limit)
        return await self.account(call, supplier_id, buyer_id, sent)

    @command(
        "PUT",
        "/credit-limits/{supplier_id}/{buyer_id}/overdue-block",
        roles=(OPS, SUPPLIER),
        versioned=True,
    )
    async def set_overdue_block(
        self, call: Call, supplier_id: UUID, buyer_id: UUID, body: StrictJson[OverdueBlockBody]
    ) -> Accepted:
        """Let invoices overdue past ``grace_days`` hold the buyer's new orders (null: never)."""
        sent = SetOverdueBlock(supplier_id, buyer_id, body.grace_days)
        return await self.account(call, supplier_id, buyer_id, sent)

    @command(
        "POST",
        "/invoices/{invoice_id}/payments",
        roles=(BANK, OPS, SUPPLIER),
        answer=PaymentAccepted,
    )
    async def record_bank_transfer(
        self, call: Call, invoice_id: UUID, body: StrictJson[BankTransferBody]
    ) -> Accepted:
        """Record a bank transfer that pays the invoice's open amount."""
        invoice = await self.issued(invoice_id)
        require_own(call.actor, supplier=invoice.supplier_id)
        payment_id = uuid5(_PAYMENTS, f"bank_transfer:{invoice_id}:{body.reference}")
        sent = RecordPayment(payment_id, BankTransfer(reference=body.reference), body.amount)
        result = await self.deps.invoices.handle(invoice_id, sent, call.context(invoice.order_id))
        return Accepted(invoice_id, result, {"payment_id": str(payment_id)})

    @command("POST", "/invoices/{invoice_id}/charge", roles=(BUYER, OPS), answer=PaymentAccepted)
    async def charge(
        self, call: Call, invoice_id: UUID, body: StrictJson[ChargeBody]
    ) -> Accepted | Answer:
        """Charge the open amount through the payment provider; a decline answers 402.

        Sandbox card tokens: `tok_ok…` succeeds (e.g. `tok_ok_visa`), `tok_fail…` is declined."""
        invoice = await self.issued(invoice_id)
        require_own(call.actor, buyer=invoice.buyer_id)
        state = (await self.deps.invoices.load(invoice_id)).state
        if state.settlement is not None:
            raise InvoiceAlreadySettled(f"invoice {invoice_id} is settled already")
        if state.open_amount <= 0:
            raise Problem(409, "Nothing to pay", "credit notes cover this invoice")
        amount = Money(amount=state.open_amount, currency=invoice.total.currency)
        outcome = await self.deps.provider.charge(invoice_id, amount, body.token)
        method = ProviderPayment(provider=outcome.provider, reference=outcome.reference)
        payment_id = uuid5(_PAYMENTS, f"{outcome.provider}:{outcome.reference}")
        failure = None if outcome.succeeded else (outcome.reason or "declined")
        sent = RecordPayment(payment_id, method, amount, failure=failure)
        result = await self.deps.invoices.handle(invoice_id, sent, call.context(invoice.order_id))
        if failure is not None:
            return _declined(failure, payment_id, result)
        return Accepted(invoice_id, result, {"payment_id": str(payment_id)})

    @command("POST", "/refunds", roles=SUPPLIERS, answer=RefundAccepted)
    async def issue_refund(self, call: Call, body: StrictJson[RefundBody]) -> Accepted:
        """Give money back on a settled invoice (operations or the invoicing supplier)."""
        invoice = await self.issued(body.invoice_id)
        require_own(call.actor, supplier=invoice.supplier_id)
        key = call.key
        refund_id = uuid5(_PAYMENTS, f"refund:{body.invoice_id}:{key}") if key else None
        sent = IssueRefund(refund_id or new_event_id(), body.amount, body.reason)
        result = await self.deps.invoices.handle(
            body.invoice_id, sent, call.context(invoice.order_id)
        )
        return Accepted(body.invoice_id, result, {"refund_id": str(sent.refund_id)})


def command_routes(deps: PaymentDeps) -> APIRouter:
    edge = Edge("payment", deps.context.idempotency, prefix="", tags=["payment"])
    return edge.include(PaymentCommands(deps))


def _declined(failure: str, payment_id: UUID, result: CommandResult) -> Answer:
    """A declined charge: 402, remembered for its Idempotency-Key like any answer."""
    return Answer(
        402,
        {
            "type": "about:blank",
            "title": "PaymentFailed",
            "status": 402,
            "detail": failure,
            "field": "token",
            "payment_id": str(payment_id),
            "position": result.position,
        },
    )
