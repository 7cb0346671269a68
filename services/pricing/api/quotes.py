"""POST /quotes: the breakdown of a cart with the buyer's prices, nothing stored."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.pricing.api.answers import QuoteOut
from services.pricing.api.common import visible_buyer
from services.pricing.api.models import QuoteIn
from services.pricing.domain.pricing import QuoteLine, Unpriceable, price_lines
from services.pricing.projections.catalog import Catalog
from services.pricing.projections.queries import pricing_book
from shared.events.pricing import PricingProblemCode
from shared.service.api import ActorDep, IdempotencyKeyDep, respond
from shared.service.auth.access import BUYER, OPS, allow
from shared.service.definition import ServiceContext
from shared.service.errors import Problem
from shared.service.openapi_models import answers
from shared.service.strict_json import StrictJson


def quote_routes(context: ServiceContext, catalog: Catalog) -> APIRouter:
    router = APIRouter(tags=["pricing"])

    @router.post("/quotes", openapi_extra=allow(BUYER, OPS), **answers(QuoteOut))
    async def quote(
        body: StrictJson[QuoteIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """Price a cart as an order placed now would be; 422 names each line that breaks a rule."""
        visible_buyer(actor, body.buyer_id)
        lines = [
            QuoteLine(line.line_no or index + 1, line.sku, line.quantity)
            for index, line in enumerate(body.lines)
        ]
        numbers = [line.line_no for line in lines]
        if len(numbers) != len(set(numbers)):
            raise Problem(422, "Invalid request", "each line_no may appear once", field="lines")

        async def action() -> tuple[int, Any]:
            async with context.engine.connect() as conn:
                book = await pricing_book(
                    conn,
                    catalog.t,
                    body.supplier_id,
                    body.buyer_id,
                    {line.sku for line in lines},
                    body.coupon_code,
                )
            result = price_lines(book, lines, body.coupon_code, datetime.now(UTC))
            if isinstance(result, Unpriceable):
                raise _problem(result, numbers)
            return 200, {
                "buyer_id": str(body.buyer_id),
                "supplier_id": str(body.supplier_id),
                "tier": result.tier,
                "currency": result.currency,
                "lines": [line.model_dump(mode="json") for line in result.lines],
                "order_discounts": [d.model_dump(mode="json") for d in result.order_discounts],
                "lines_total": result.lines_total.model_dump(mode="json"),
                "total": result.total.model_dump(mode="json"),
            }

        payload = [str(actor), body.model_dump(mode="json")]
        return respond(await context.idempotency.run("pricing:quotes", key, payload, action))

    return router


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
