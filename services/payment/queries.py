"""Payment queries over HTTP: terms, credit limits, invoices, receivables, payments, refunds."""

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from sqlalchemy import select

from services.payment.access import scope
from services.payment.answers import (
    CreditLimitOut,
    InvoiceOut,
    PaymentOut,
    PaymentTermsOut,
    Receivables,
    RefundOut,
)
from services.payment.domain.accounts import Account, account_id
from services.payment.domain.invoice import Invoice
from services.payment.domain.invoice import invoices as invoices_decider
from services.payment.projections import InvoiceBook
from shared.service.api import Actor, ActorDep, MinPositionDep
from shared.service.as_of import AsOfQuery, as_of_body, fold_as_of
from shared.service.auth.access import ANALYST, BANK, BUYER, OPS, SUPPLIER, TRADERS, allow
from shared.service.definition import ServiceContext
from shared.service.errors import Problem
from shared.service.openapi_models import answers
from shared.service.repository import Repository
from shared.service.shapes import instant, money

Status = Literal["open", "settled", "overdue", "credited"]


def _bucket(as_of: date, due_on: date) -> str:
    late = (as_of - due_on).days
    if late <= 0:
        return "current"
    if late <= 30:
        return "days_1_30"
    return "days_31_60" if late <= 60 else "days_60_plus"


_AMOUNTS = ("total", "credited", "refunded", "open_amount")


def _invoice(row: Any, as_of: date) -> dict[str, Any]:
    body = {key: value for key, value in row.items() if key != "lines"}
    body["lines"] = json.loads(row["lines"])
    body["overdue"] = row["status"] == "open" and row["due_on"] < as_of
    body.update({key: money(row[key], row["currency"]) for key in _AMOUNTS})
    body["settled_at"] = instant(row["settled_at"])
    parsed: dict[str, Any] = json.loads(json.dumps(body, default=str))
    return parsed


def _money_row(row: Any) -> dict[str, Any]:
    """A payment or refund row: its amount a Money object, its method an object, ``at`` an
    instant with offset."""
    body = dict(row)
    if "outcome" in body:  # a payment attempt: settled or failed, like an invoice's status
        body["status"] = body.pop("outcome")
    body["amount"] = money(body["amount"], body["currency"])
    body["at"] = instant(body["at"])
    if isinstance(body.get("method"), str):
        body["method"] = json.loads(body["method"])
    parsed: dict[str, Any] = json.loads(json.dumps(body, default=str))
    return parsed


def make_query_router(
    context: ServiceContext, *, accounts: Repository[Any, Account], book: InvoiceBook
) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["payment"])
    invoices, payments, refunds = book.invoices, book.payments, book.refunds

    async def caught_up(position: int) -> None:
        await context.positions.wait_for(book.name, "payment", position)

    async def rows(query: Any) -> list[Any]:
        async with context.engine.connect() as conn:
            return list((await conn.execute(query)).mappings().all())

    def party_to(actor: Actor, supplier_id: UUID, buyer_id: UUID) -> None:
        own = {"buyer": str(buyer_id), "supplier": str(supplier_id)}.get(actor.role)
        if actor.role in ("buyer", "supplier") and own != actor.party:
            raise Problem(404, "No such account", "you are not a party to it", field="buyer_id")

    @router.get(
        "/payment-terms/{supplier_id}/{buyer_id}",
        openapi_extra=allow(*TRADERS),
        **answers(PaymentTermsOut),
    )
    async def payment_terms(supplier_id: UUID, buyer_id: UUID, actor: ActorDep) -> JSONResponse:
        """The buyer's terms with this supplier; ``default`` is true when none were set."""
        party_to(actor, supplier_id, buyer_id)
        loaded = await accounts.load(account_id(supplier_id, buyer_id))
        body = {
            "supplier_id": str(supplier_id),
            "buyer_id": str(buyer_id),
            "terms": loaded.state.effective_terms.value,
            "default": loaded.state.terms is None,
        }
        return JSONResponse(body, headers={"ETag": f'"{loaded.version}"'})

    @router.get(
        "/credit-limits/{supplier_id}/{buyer_id}",
        openapi_extra=allow(*TRADERS),
        **answers(CreditLimitOut),
    )
    async def credit_limit(supplier_id: UUID, buyer_id: UUID, actor: ActorDep) -> JSONResponse:
        party_to(actor, supplier_id, buyer_id)
        loaded = await accounts.load(account_id(supplier_id, buyer_id))
        limit = loaded.state.credit_limit
        if limit is None:
            raise Problem(404, "No credit limit", "none was set for this buyer", field="buyer_id")
        body = {
            "supplier_id": str(supplier_id),
            "buyer_id": str(buyer_id),
            "limit": limit.model_dump(mode="json"),
        }
        return JSONResponse(body, headers={"ETag": f'"{loaded.version}"'})

    @router.get(
        "/invoices",
        openapi_extra=allow(ANALYST, BANK, BUYER, OPS, SUPPLIER),
        **answers(list[InvoiceOut]),
    )
    async def list_invoices(
        actor: ActorDep,
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        order_id: UUID | None = None,
        status: Status | None = None,
        as_of: date | None = None,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Invoices, newest due first; ``overdue`` means open and past due on ``as_of``."""
        await caught_up(min_position)
        day = as_of or date.today()
        query = select(invoices).order_by(invoices.c.due_on.desc(), invoices.c.invoice_id)
        for column, value in scope(actor, buyer_id, supplier_id).items():
            if value is not None:
                query = query.where(invoices.c[column] == value)
        if order_id is not None:
            query = query.where(invoices.c.order_id == str(order_id))
        if status == "overdue":
            query = query.where(invoices.c.status == "open", invoices.c.due_on < day)
        elif status is not None:
            query = query.where(invoices.c.status == status)
        return [_invoice(row, day) for row in await rows(query)]

    @router.get(
        "/invoices/{invoice_id}",
        openapi_extra=allow(ANALYST, BANK, BUYER, OPS, SUPPLIER),
        **answers(InvoiceOut),
    )
    async def get_invoice(
        invoice_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0, as_of: AsOfQuery = None
    ) -> dict[str, Any]:
        """One invoice with its payment attempts and its refunds or credit notes; with
        ``as_of``, the invoice's state folded from its events recorded by then."""
        if as_of is not None:
            return await invoice_as_of(invoice_id, actor, as_of)
        await caught_up(min_position)
        found = await rows(select(invoices).where(invoices.c.invoice_id == str(invoice_id)))
        visible = scope(actor, None, None)
        if not found or any(v and found[0][k] != v for k, v in visible.items()):
            raise Problem(404, "Invoice not found", f"no invoice {invoice_id}", field="invoice_id")
        body = _invoice(found[0], date.today())
        body["payments"] = await _listed(payments, payments.c.invoice_id, invoice_id)
        body["refunds"] = await _listed(refunds, refunds.c.invoice_id, invoice_id)
        return body

    async def invoice_as_of(invoice_id: UUID, actor: Actor, as_of: datetime) -> dict[str, Any]:
        stream_id = f"invoice-{invoice_id}"
        folded = await fold_as_of(
            context.store, stream_id, invoices_decider.evolve, Invoice(), as_of
        )
        issued = folded.state.issued
        visible = scope(actor, None, None)
        parties = {"buyer_id": issued and str(issued.buyer_id),
                   "supplier_id": issued and str(issued.supplier_id)}  # fmt: skip
        if issued is None or any(v and parties[k] != v for k, v in visible.items()):
            raise Problem(404, "Invoice not found", f"no invoice {invoice_id} by {as_of}")
        body = as_of_body(folded, stream_id, as_of)
        currency = issued.total.currency
        for key in ("credited", "refunded"):
            body["state"][key] = money(getattr(folded.state, key), currency)
        return body

    async def _listed(table: Any, column: Any, value: UUID) -> list[dict[str, Any]]:
        found = await rows(select(table).where(column == str(value)).order_by(table.c.at))
        return [_money_row(row) for row in found]

    async def sees(actor: Actor, invoice_id: UUID | None, order_id: UUID | None) -> bool:
        """A buyer or supplier sees the money of its own invoices (and their orders) only."""
        visible = {k: v for k, v in scope(actor, None, None).items() if v}
        if not visible or (invoice_id is None and order_id is None):
            return True
        query = select(invoices.c.invoice_id).limit(1)
        if invoice_id is not None:
            query = query.where(invoices.c.invoice_id == str(invoice_id))
        if order_id is not None:
            query = query.where(invoices.c.order_id == str(order_id))
        for column, value in visible.items():
            query = query.where(invoices.c[column] == value)
        return bool(await rows(query))

    @router.get(
        "/payments",
        openapi_extra=allow(ANALYST, BANK, BUYER, OPS, SUPPLIER),
        **answers(list[PaymentOut]),
    )
    async def list_payments(
        actor: ActorDep,
        invoice_id: UUID | None = None,
        order_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Payment attempts (settled or failed) of an invoice or an order; a buyer or supplier
        sees only those of its own invoices (an empty list for anyone else's)."""
        await caught_up(min_position)
        if not await sees(actor, invoice_id, order_id):
            return []
        if invoice_id is not None:
            return await _listed(payments, payments.c.invoice_id, invoice_id)
        if order_id is not None:
            return await _listed(payments, payments.c.order_id, order_id)
        raise Problem(422, "Filter required", "give invoice_id or order_id", field="invoice_id")

    @router.get(
        "/refunds",
        openapi_extra=allow(ANALYST, BANK, BUYER, OPS, SUPPLIER),
        **answers(list[RefundOut]),
    )
    async def list_refunds(
        actor: ActorDep,
        invoice_id: UUID | None = None,
        order_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Refunds and credit notes of an invoice or an order; a buyer or supplier sees only
        those of its own invoices (an empty list for anyone else's)."""
        await caught_up(min_position)
        if not await sees(actor, invoice_id, order_id):
            return []
        if invoice_id is not None:
            return await _listed(refunds, refunds.c.invoice_id, invoice_id)
        if order_id is not None:
            return await _listed(refunds, refunds.c.order_id, order_id)
        raise Problem(422, "Filter required", "give invoice_id or order_id", field="invoice_id")

    @router.get("/receivables", openapi_extra=allow(ANALYST, OPS, SUPPLIER), **answers(Receivables))
    async def receivables(
        actor: ActorDep,
        supplier_id: UUID,
        as_of: Annotated[
            date | None, Query(description="ageing reference day; default today")
        ] = None,
        min_position: MinPositionDep = 0,
    ) -> dict[str, Any]:
        """Open amounts per buyer, aged by days past due: current, 1-30, 31-60, 60+."""
        if actor.role == "supplier" and actor.party != str(supplier_id):
            raise Problem(
                403, "Forbidden", "this belongs to another supplier", field="Authorization"
            )
        await caught_up(min_position)
        day = as_of or date.today()
        query = select(invoices).where(
            invoices.c.supplier_id == str(supplier_id), invoices.c.status == "open"
        )
        buyers: dict[tuple[str, str], dict[str, Decimal]] = {}
        for row in await rows(query):
            sums = buyers.setdefault((row["buyer_id"], row["currency"]), _empty())
            amount = Decimal(row["open_amount"])
            sums["open"] += amount
            sums[_bucket(day, row["due_on"])] += amount
        listed = [
            {
                "buyer_id": buyer,
                "currency": currency,
                **{k: money(v, currency) for k, v in s.items()},
            }
            for (buyer, currency), s in sorted(buyers.items())
        ]
        return {"supplier_id": str(supplier_id), "as_of": day.isoformat(), "buyers": listed}

    return router


def _empty() -> dict[str, Decimal]:
    keys = ("open", "current", "days_1_30", "days_31_60", "days_60_plus")
    return {key: Decimal(0) for key in keys}
