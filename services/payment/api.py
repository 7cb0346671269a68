"""Payment commands over HTTP: terms and credit limits, settlements, charges and refunds."""

from typing import Annotated, Any, Literal
from uuid import UUID, uuid5

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from services.payment.access import require
from services.payment.answers import PaymentAccepted, RefundAccepted
from services.payment.domain.accounts import SetCreditLimit, SetPaymentTerms, account_id
from services.payment.domain.errors import InvoiceAlreadySettled, InvoiceNotFound
from services.payment.domain.invoice import Invoice, IssueRefund, RecordPayment
from services.payment.domain.ports import PaymentProvider
from shared.events.base import Money, NonNegativeMoney
from shared.events.ids import new_event_id
from shared.events.payment import BankTransfer, InvoiceIssued, ProviderPayment
from shared.events.values import PaymentTerms, Text
from shared.service.api import (
    ActorDep,
    IdempotencyKeyDep,
    IfMatchDep,
    accepted,
    respond,
)
from shared.service.auth.access import BANK, BUYER, OPS, SUPPLIER, allow
from shared.service.context import CommandContext
from shared.service.definition import ServiceContext
from shared.service.errors import PROBLEM_JSON, Problem
from shared.service.idempotency import StoredResponse
from shared.service.openapi_models import Accepted, answers
from shared.service.repository import Repository
from shared.service.strict_json import StrictJson

_PAYMENTS = UUID("3c0f5a52-7d8e-5b8f-a3f7-4f3f8f0e2b61")


def _positive(money: Money) -> Money:
    if money.amount <= 0:
        raise ValueError("the amount must be more than zero")
    return money


PositiveMoney = Annotated[Money, AfterValidator(_positive)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TermsBody(Body):
    terms: PaymentTerms


class CreditLimitBody(Body):
    limit: NonNegativeMoney


class BankTransferBody(Body):
    method: Literal["bank_transfer"] = "bank_transfer"
    reference: Text
    amount: PositiveMoney


SANDBOX_TOKENS = (
    "The payment provider's card token. With the sandbox provider (development and tests) a "
    "token starting `tok_ok` (e.g. `tok_ok_visa`) is charged, one starting `tok_fail` "
    "(e.g. `tok_fail_declined`) is declined (402), and any other is an unknown token (402)."
)


class ChargeBody(Body):
    token: Annotated[
        str,
        Field(
            min_length=1,
            max_length=200,
            pattern=r"^[\w.-]+$",
            description=SANDBOX_TOKENS,
            examples=["tok_ok_visa", "tok_fail_declined"],
        ),
    ]


class RefundBody(Body):
    invoice_id: UUID
    amount: PositiveMoney
    reason: Text


def _answer(stored: StoredResponse) -> JSONResponse:
    if stored.status >= 400:
        return JSONResponse(stored.body, status_code=stored.status, media_type=PROBLEM_JSON)
    return respond(stored)


def make_router(
    context: ServiceContext,
    *,
    accounts: Repository[Any, Any],
    invoices: Repository[Any, Invoice],
    provider: PaymentProvider,
) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["payment"])

    async def issued(invoice_id: UUID) -> InvoiceIssued:
        state = (await invoices.load(invoice_id)).state
        if state.issued is None:
            raise InvoiceNotFound(f"no invoice {invoice_id}")
        return state.issued

    @router.put(
        "/payment-terms/{supplier_id}/{buyer_id}",
        openapi_extra=allow(OPS, SUPPLIER),
        **answers(Accepted),
    )
    async def set_payment_terms(
        supplier_id: UUID,
        buyer_id: UUID,
        body: StrictJson[TermsBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Set the terms a supplier grants a buyer (without any: net_30)."""
        require(actor, {"supplier"}, supplier=supplier_id)
        command = SetPaymentTerms(supplier_id, buyer_id, body.terms)
        aggregate = account_id(supplier_id, buyer_id)

        async def action() -> tuple[int, Any]:
            ctx = CommandContext(actor=str(actor))
            result = await accounts.handle(aggregate, command, ctx, expected_version=if_match)
            return accepted(aggregate, result)

        payload = {"path": aggregate, **body.model_dump(mode="json")}
        return _answer(await context.idempotency.run("payment:terms", key, payload, action))

    @router.put(
        "/credit-limits/{supplier_id}/{buyer_id}",
        openapi_extra=allow(OPS, SUPPLIER),
        **answers(Accepted),
    )
    async def set_credit_limit(
        supplier_id: UUID,
        buyer_id: UUID,
        body: StrictJson[CreditLimitBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Set the most a buyer may owe a supplier in open invoices."""
        require(actor, {"supplier"}, supplier=supplier_id)
        command = SetCreditLimit(supplier_id, buyer_id, body.limit)
        aggregate = account_id(supplier_id, buyer_id)

        async def action() -> tuple[int, Any]:
            ctx = CommandContext(actor=str(actor))
            result = await accounts.handle(aggregate, command, ctx, expected_version=if_match)
            return accepted(aggregate, result)

        payload = {"path": aggregate, **body.model_dump(mode="json")}
        return _answer(await context.idempotency.run("payment:credit", key, payload, action))

    @router.post(
        "/invoices/{invoice_id}/payments",
        openapi_extra=allow(BANK, OPS, SUPPLIER),
        **answers(PaymentAccepted),
    )
    async def record_bank_transfer(
        invoice_id: UUID,
        body: StrictJson[BankTransferBody],
        actor: ActorDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Record a bank transfer that pays the invoice's open amount."""
        require(actor, {"bank", "supplier"})

        async def action() -> tuple[int, Any]:
            invoice = await issued(invoice_id)
            require(actor, {"bank", "supplier"}, supplier=invoice.supplier_id)
            payment_id = uuid5(_PAYMENTS, f"bank_transfer:{invoice_id}:{body.reference}")
            method = BankTransfer(reference=body.reference)
            command = RecordPayment(payment_id, method, body.amount)
            ctx = CommandContext(actor=str(actor), correlation_id=invoice.order_id)
            status, answer = accepted(invoice_id, await invoices.handle(invoice_id, command, ctx))
            return status, {**answer, "payment_id": str(payment_id)}

        payload = {"invoice": str(invoice_id), **body.model_dump(mode="json")}
        return _answer(await context.idempotency.run("payment:transfer", key, payload, action))

    @router.post(
        "/invoices/{invoice_id}/charge", openapi_extra=allow(BUYER, OPS), **answers(PaymentAccepted)
    )
    async def charge(
        invoice_id: UUID,
        body: StrictJson[ChargeBody],
        actor: ActorDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Charge the open amount through the payment provider; a decline answers 402.

        Sandbox card tokens: `tok_ok…` succeeds (e.g. `tok_ok_visa`), `tok_fail…` is declined."""
        require(actor, {"buyer"})

        async def action() -> tuple[int, Any]:
            invoice = await issued(invoice_id)
            require(actor, {"buyer"}, buyer=invoice.buyer_id)
            state = (await invoices.load(invoice_id)).state
            if state.settlement is not None:
                raise InvoiceAlreadySettled(f"invoice {invoice_id} is settled already")
            if state.open_amount <= 0:
                raise Problem(409, "Nothing to pay", "credit notes cover this invoice")
            amount = Money(amount=state.open_amount, currency=invoice.total.currency)
            outcome = await provider.charge(invoice_id, amount, body.token)
            method = ProviderPayment(provider=outcome.provider, reference=outcome.reference)
            payment_id = uuid5(_PAYMENTS, f"{outcome.provider}:{outcome.reference}")
            failure = None if outcome.succeeded else (outcome.reason or "declined")
            command = RecordPayment(payment_id, method, amount, failure=failure)
            ctx = CommandContext(actor=str(actor), correlation_id=invoice.order_id)
            result = await invoices.handle(invoice_id, command, ctx)
            if failure is not None:
                return 402, {
                    "type": "about:blank",
                    "title": "PaymentFailed",
                    "status": 402,
                    "detail": failure,
                    "field": "token",
                    "payment_id": str(payment_id),
                    "position": result.position,
                }
            status, answer = accepted(invoice_id, result)
            return status, {**answer, "payment_id": str(payment_id)}

        payload = {"invoice": str(invoice_id), **body.model_dump(mode="json")}
        return _answer(await context.idempotency.run("payment:charge", key, payload, action))

    @router.post("/refunds", openapi_extra=allow(OPS, SUPPLIER), **answers(RefundAccepted))
    async def issue_refund(
        body: StrictJson[RefundBody], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """Give money back on a settled invoice (operations or the invoicing supplier)."""
        require(actor, {"supplier"})

        async def action() -> tuple[int, Any]:
            invoice = await issued(body.invoice_id)
            require(actor, {"supplier"}, supplier=invoice.supplier_id)
            refund_id = uuid5(_PAYMENTS, f"refund:{body.invoice_id}:{key}") if key else None
            command = IssueRefund(refund_id or new_event_id(), body.amount, body.reason)
            ctx = CommandContext(actor=str(actor), correlation_id=invoice.order_id)
            result = await invoices.handle(body.invoice_id, command, ctx)
            status, answer = accepted(body.invoice_id, result)
            return status, {**answer, "refund_id": str(command.refund_id)}

        payload = body.model_dump(mode="json")
        return _answer(await context.idempotency.run("payment:refund", key, payload, action))

    return router
