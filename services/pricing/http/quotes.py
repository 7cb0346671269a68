"""POST /quotes: the breakdown of a cart with the buyer's prices, nothing stored."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter

from shared.events.pricing import PricingProblemCode
from shared.service.auth.access import BUYER, OPS
from shared.service.edge import Answer, Call, Edge, command
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

from ..domain.pricing import Quote, QuoteLine, Unpriceable, price_lines
from ..views.catalog_queries import pricing_book
from .access import visible_buyer
from .answers import QuoteOut
from .deps import PricingDeps
from .models import QuoteIn


class Quotes:
    """A cart priced as an order placed now would be."""

    def __init__(self, deps: PricingDeps) -> None:
        self.deps = deps

    @command("POST", "/quotes", roles=(BUYER, OPS), answer=QuoteOut)
    async def quote(self, call: Call, body: StrictJson[QuoteIn]) -> Answer:
        """Price a cart as an order placed now would be; 422 names each line that breaks a rule."""
        visible_buyer(call.actor, body.buyer_id)
        lines = [
            QuoteLine(line.line_no or index + 1, line.sku, line.quantity)
            for index, line in enumerate(body.lines)
        ]
        numbers = [line.line_no for line in lines]
        if len(numbers) != len(set(numbers)):
            raise Problem(422, "Invalid request", "each line_no may appear once", field="lines")
        async with self.deps.context.engine.connect() as conn:
            book = await pricing_book(
                conn,
                self.deps.catalog.t,
                body.supplier_id,
                body.buyer_id,
                {line.sku for line in lines},
                body.coupon_code,
            )
        result = price_lines(book, lines, body.coupon_code, datetime.now(UTC))
        if isinstance(result, Unpriceable):
            raise _problem(result, numbers)
        return Answer(200, _quoted(body, result))


def quote_routes(deps: PricingDeps) -> APIRouter:
    edge = Edge("pricing", deps.context.idempotency, prefix="", tags=["pricing"])
    return edge.include(Quotes(deps))


def _quoted(body: QuoteIn, result: Quote) -> dict[str, Any]:
    return {
        "buyer_id": str(body.buyer_id),
        "supplier_id": str(body.supplier_id),
        "tier": result.tier,
        "currency": result.currency,
        "lines": [line.model_dump(mode="json") for line in result.lines],
        "order_discounts": [d.model_dump(mode="json") for d in result.order_discounts],
        "lines_total": result.lines_total.model_dump(mode="json"),
        "total": result.total.model_dump(mode="json"),
    }


def _problem(result: Unpriceable, numbers: list[int]) -> Problem:
    fields = {"below_min_order_qty": "quantity", "not_pack_multiple": "quantity"}
    errors = []
    for problem in result.problems:
        if problem.line_no is None:
            field = "lines" if problem.code is PricingProblemCode.NO_PRICE else "coupon_code"
        else:
            index = numbers.index(problem.line_no)
            field = f"lines[{index}].{fields.get(problem.code.value, 'sku')}"
        errors.append({"field": field, "code": problem.code.value, "message": problem.detail})
    detail = "; ".join(e["message"] for e in errors)
    return Problem(
        422, "The cart cannot be priced", detail, field=errors[0]["field"], errors=errors
    )
