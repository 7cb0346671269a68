"""Payment queries over HTTP: terms, credit limits, invoices, receivables, payments, refunds."""

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from shared.events.base import Money
from shared.service.api import Actor, ActorDep, MinPositionDep
from shared.service.as_of import AsOfQuery, as_of_body, fold_as_of
from shared.service.auth.access import ANALYST, BANK, BUYER, OPS, SUPPLIER, TRADERS
from shared.service.edge import Edge, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers
from shared.service.shapes import instant, money

from ..domain.credit import figures
from ..domain.decide import invoice_decider
from ..domain.state import Invoice, account_id
from ..views.invoices import Status
from .access import scope
from .answers import (
    CreditLimitOut,
    InvoiceOut,
    PaymentOut,
    PaymentTermsOut,
    Receivables,
    RefundOut,
)
from .deps import PaymentDeps

MONEY_READERS = (ANALYST, BANK, BUYER, OPS, SUPPLIER)
"""Who reads invoices and their money: the traders and the bank (not warehouses, carriers)."""
Listed = Literal["payments", "refunds"]


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


class PaymentQueries:
    """Accounts (terms, limits), invoices with their money, receivables by age."""

    def __init__(self, deps: PaymentDeps) -> None:
        self.deps = deps
        self.engine = deps.context.engine
        self.book = deps.book

    async def caught_up(self, position: int) -> None:
        await self.deps.context.positions.wait_for(self.book.name, "payment", position)

    @staticmethod
    def party_to(actor: Actor, supplier_id: UUID, buyer_id: UUID) -> None:
        own = {"buyer": str(buyer_id), "supplier": str(supplier_id)}.get(actor.role)
        if actor.role in ("buyer", "supplier") and own != actor.party:
            raise Problem(404, "No such account", "you are not a party to it", field="buyer_id")

    @query("/payment-terms/{supplier_id}/{buyer_id}", roles=TRADERS, **answers(PaymentTermsOut))
    async def payment_terms(
        self, supplier_id: UUID, buyer_id: UUID, actor: ActorDep
    ) -> JSONResponse:
        """The buyer's terms with this supplier; ``default`` is true when none were set."""
        self.party_to(actor, supplier_id, buyer_id)
        loaded = await self.deps.accounts.load(account_id(supplier_id, buyer_id))
        body = {
            "supplier_id": str(supplier_id),
            "buyer_id": str(buyer_id),
            "terms": loaded.state.effective_terms.value,
            "default": loaded.state.terms is None,
        }
        return JSONResponse(body, headers={"ETag": f'"{loaded.version}"'})

    @query("/credit-limits/{supplier_id}/{buyer_id}", roles=TRADERS, **answers(CreditLimitOut))
    async def credit_limit(
        self, supplier_id: UUID, buyer_id: UUID, actor: ActorDep
    ) -> JSONResponse:
        self.party_to(actor, supplier_id, buyer_id)
        loaded = await self.deps.accounts.load(account_id(supplier_id, buyer_id))
        limit = loaded.state.credit_limit
        if limit is None:
            raise Problem(404, "No credit limit", "none was set for this buyer", field="buyer_id")
        shown = figures(loaded.state, Money(amount=Decimal(0), currency=limit.currency))
        body = {
            "supplier_id": str(supplier_id),
            "buyer_id": str(buyer_id),
            "limit": limit.model_dump(mode="json"),
            "reserved_credit": shown.reserved.model_dump(mode="json"),
            "invoiced_unpaid": shown.invoiced_unpaid.model_dump(mode="json"),
            "available_credit": (
                shown.available.model_dump(mode="json") if shown.available else None
            ),
            "overdue_grace_days": loaded.state.grace_days,
            "held_orders": [str(order_id) for order_id, _ in loaded.state.held],
        }
        return JSONResponse(body, headers={"ETag": f'"{loaded.version}"'})

    @query("/invoices", roles=MONEY_READERS, **answers(list[InvoiceOut]))
    async def list_invoices(
        self,
        actor: ActorDep,
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        order_id: UUID | None = None,
        status: Status | None = None,
        as_of: date | None = None,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Invoices, newest due first; ``overdue`` means open and past due on ``as_of``."""
        await self.caught_up(min_position)
        day = as_of or date.today()
        parties = scope(actor, buyer_id, supplier_id)
        found = await self.book.find(self.engine, parties, order_id, status, day)
        return [_invoice(row, day) for row in found]

    @query("/invoices/{invoice_id}", roles=MONEY_READERS, **answers(InvoiceOut))
    async def get_invoice(
        self,
        invoice_id: UUID,
        actor: ActorDep,
        min_position: MinPositionDep = 0,
        as_of: AsOfQuery = None,
    ) -> dict[str, Any]:
        """One invoice with its payment attempts and its refunds or credit notes; with
        ``as_of``, the invoice's state folded from its events recorded by then."""
        if as_of is not None:
            return await self.invoice_as_of(invoice_id, actor, as_of)
        await self.caught_up(min_position)
        found = await self.book.invoice(self.engine, invoice_id)
        visible = scope(actor, None, None)
        if found is None or any(v and found[k] != v for k, v in visible.items()):
            raise Problem(404, "Invoice not found", f"no invoice {invoice_id}", field="invoice_id")
        body = _invoice(found, date.today())
        body["payments"] = await self.listed("payments", "invoice_id", invoice_id)
        body["refunds"] = await self.listed("refunds", "invoice_id", invoice_id)
        return body

    async def invoice_as_of(
        self, invoice_id: UUID, actor: Actor, as_of: datetime
    ) -> dict[str, Any]:
        stream_id = f"invoice-{invoice_id}"
        store, evolve = self.deps.context.store, invoice_decider.evolve
        folded = await fold_as_of(store, stream_id, evolve, Invoice(), as_of)
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

    async def listed(
        self, kind: Listed, column: Literal["invoice_id", "order_id"], value: UUID
    ) -> list[dict[str, Any]]:
        return [_money_row(row) for row in await self.book.listed(self.engine, kind, column, value)]

    async def money_of(
        self, kind: Listed, actor: Actor, invoice_id: UUID | None, order_id: UUID | None
    ) -> list[dict[str, Any]]:
        """Payments (or refunds) of an invoice or an order; a buyer or supplier sees those of
        its own invoices only (an empty list for anyone else's)."""
        visible = {k: v for k, v in scope(actor, None, None).items() if v}
        mine = not visible or (invoice_id is None and order_id is None)
        if not mine and not await self.book.holds(self.engine, visible, invoice_id, order_id):
            return []
        if invoice_id is not None:
            return await self.listed(kind, "invoice_id", invoice_id)
        if order_id is not None:
            return await self.listed(kind, "order_id", order_id)
        raise Problem(422, "Filter required", "give invoice_id or order_id", field="invoice_id")

    @query("/payments", roles=MONEY_READERS, **answers(list[PaymentOut]))
    async def list_payments(
        self,
        actor: ActorDep,
        invoice_id: UUID | None = None,
        order_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Payment attempts (settled or failed) of an invoice or an order; a buyer or supplier
        sees only those of its own invoices (an empty list for anyone else's)."""
        await self.caught_up(min_position)
        return await self.money_of("payments", actor, invoice_id, order_id)

    @query("/refunds", roles=MONEY_READERS, **answers(list[RefundOut]))
    async def list_refunds(
        self,
        actor: ActorDep,
        invoice_id: UUID | None = None,
        order_id: UUID | None = None,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Refunds and credit notes of an invoice or an order; a buyer or supplier sees only
        those of its own invoices (an empty list for anyone else's)."""
        await self.caught_up(min_position)
        return await self.money_of("refunds", actor, invoice_id, order_id)

    @query("/receivables", roles=(ANALYST, OPS, SUPPLIER), **answers(Receivables))
    async def receivables(
        self,
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
        await self.caught_up(min_position)
        day = as_of or date.today()
        buyers: dict[tuple[str, str], dict[str, Decimal]] = {}
        for row in await self.book.open_of(self.engine, supplier_id):
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


def query_routes(deps: PaymentDeps) -> APIRouter:
    edge = Edge("payment", deps.context.idempotency, prefix="", tags=["payment"])
    return edge.include(PaymentQueries(deps))


def _empty() -> dict[str, Decimal]:
    keys = ("open", "current", "days_1_30", "days_31_60", "days_60_plus")
    return {key: Decimal(0) for key in keys}
