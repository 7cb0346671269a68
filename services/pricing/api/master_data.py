"""POST routes of pricing's master data: products, price lists, customer terms, offers."""

from decimal import Decimal
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.pricing.api.common import require_supplier, run_command
from services.pricing.api.models import (
    CouponIn,
    CustomerPriceIn,
    CustomerTierIn,
    NewProduct,
    PriceListIn,
    ProductPatch,
    ProductReplacement,
    PromotionIn,
    TierPriceIn,
    percent_of,
)
from services.pricing.domain.book import coupon_key
from services.pricing.domain.catalog import ChangeProduct, Product, RegisterProduct
from services.pricing.domain.terms import Create, Replace
from services.pricing.repositories import Repositories, product_key
from shared.events.base import Money
from shared.events.ids import new_event_id
from shared.events.pricing import (
    CouponCreated,
    CustomerPriceSet,
    CustomerTierAssigned,
    PriceListSet,
    PromotionCreated,
    QuantityBreak,
    TierPrice,
)
from shared.service.api import ActorDep, IdempotencyKeyDep, IfMatchDep
from shared.service.auth.access import OPS, SUPPLIER, allow
from shared.service.definition import ServiceContext
from shared.service.errors import Problem
from shared.service.openapi_models import Accepted, answers
from shared.service.strict_json import StrictJson


def master_data_routes(context: ServiceContext, repos: Repositories) -> APIRouter:
    router = APIRouter(tags=["pricing"])

    async def known_product(supplier_id: UUID, sku: str, field: str) -> Product:
        product = (await repos.products.load(product_key(supplier_id, sku))).state
        if product.facts is None:
            detail = f"no product {sku} for this supplier"
            raise Problem(422, "Unknown product", detail, field=field)
        return product

    @router.post("/products", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def register_product(
        body: StrictJson[NewProduct], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """A supplier adds a product (pack size, minimum order quantity, list price)."""
        require_supplier(actor, body.supplier_id)
        return await run_command(
            context,
            scope="products",
            key=key,
            payload=body.model_dump(mode="json"),
            repository=repos.products,
            aggregate_id=product_key(body.supplier_id, body.sku),
            command=RegisterProduct(**dict(body)),
            actor=actor,
            answer_id=lambda: body.sku,
        )

    async def change(
        sku: str,
        command: ChangeProduct,
        payload: object,
        actor: ActorDep,
        key: str | None,
        if_match: int | None,
    ) -> JSONResponse:
        require_supplier(actor, command.supplier_id)
        return await run_command(
            context,
            scope=f"products/{sku}",
            key=key,
            payload=payload,
            repository=repos.products,
            aggregate_id=product_key(command.supplier_id, sku),
            command=command,
            actor=actor,
            expected_version=if_match,
            answer_id=lambda: sku,
        )

    @router.put("/products/{sku}", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def replace_product(
        sku: str,
        body: StrictJson[ProductReplacement],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Replace every fact of a product (ProductUpdated); If-Match guards a stale edit."""
        command = ChangeProduct(sku=sku, clear_cost_price=body.cost_price is None, **dict(body))
        return await change(
            sku, command, ["PUT", body.model_dump(mode="json")], actor, key, if_match
        )

    @router.patch("/products/{sku}", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def patch_product(
        sku: str,
        body: StrictJson[ProductPatch],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Change some facts of a product (ProductUpdated carries all of them)."""
        command = ChangeProduct(sku=sku, **dict(body))
        return await change(
            sku, command, ["PATCH", body.model_dump(mode="json")], actor, key, if_match
        )

    @router.post("/price-lists", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def set_price_list(
        body: StrictJson[PriceListIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """A supplier's price list for one tier, replacing the previous one (PriceListSet)."""
        require_supplier(actor, body.supplier_id)
        prices = []
        for index, price in enumerate(body.prices):
            product = await known_product(body.supplier_id, price.sku, f"prices[{index}].sku")
            assert product.facts is not None
            if product.facts.list_price.currency != body.currency:
                raise Problem(
                    422,
                    "Currency mismatch",
                    f"{price.sku} is priced in {product.facts.list_price.currency}",
                    field="currency",
                )
            prices.append(_tier_price(price, product.facts.list_price.amount, body.currency))
        event = PriceListSet(
            supplier_id=body.supplier_id,
            tier=body.tier,
            currency=body.currency,
            prices=tuple(prices),
        )
        return await run_command(
            context,
            scope="price-lists",
            key=key,
            payload=body.model_dump(mode="json"),
            repository=repos.price_lists,
            aggregate_id=f"{body.supplier_id}-{body.tier}",
            command=Replace(event),
            actor=actor,
        )

    @router.post("/customer-prices", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def set_customer_price(
        body: StrictJson[CustomerPriceIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """A price agreed with one buyer for one SKU; it beats the tier price."""
        require_supplier(actor, body.supplier_id)
        product = await known_product(body.supplier_id, body.sku, "sku")
        assert product.facts is not None
        if product.facts.list_price.currency != body.unit_price.currency:
            raise Problem(
                422,
                "Currency mismatch",
                f"{body.sku} is priced in {product.facts.list_price.currency}",
                field="unit_price.currency",
            )
        return await run_command(
            context,
            scope="customer-prices",
            key=key,
            payload=body.model_dump(mode="json"),
            repository=repos.customer_prices,
            aggregate_id=f"{body.supplier_id}-{body.buyer_id}-{body.sku}",
            command=Replace(CustomerPriceSet(**dict(body))),
            actor=actor,
        )

    @router.post("/customer-tiers", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def assign_tier(
        body: StrictJson[CustomerTierIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """A supplier places a buyer in a price tier (CustomerTierAssigned)."""
        require_supplier(actor, body.supplier_id)
        return await run_command(
            context,
            scope="customer-tiers",
            key=key,
            payload=body.model_dump(mode="json"),
            repository=repos.customer_tiers,
            aggregate_id=f"{body.supplier_id}-{body.buyer_id}",
            command=Replace(CustomerTierAssigned(**dict(body))),
            actor=actor,
        )

    @router.post("/promotions", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def create_promotion(
        body: StrictJson[PromotionIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """A percentage off a category of the supplier's products, for a period."""
        require_supplier(actor, body.supplier_id)
        promotion_id = new_event_id()
        return await run_command(
            context,
            scope="promotions",
            key=key,
            payload=body.model_dump(mode="json"),
            repository=repos.promotions,
            aggregate_id=str(promotion_id),
            command=Create(PromotionCreated(promotion_id=promotion_id, **dict(body))),
            actor=actor,
        )

    @router.post("/coupons", openapi_extra=allow(OPS, SUPPLIER), **answers(Accepted))
    async def create_coupon(
        body: StrictJson[CouponIn], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """A code for a percentage or an amount off, valid for a period, optionally capped."""
        require_supplier(actor, body.supplier_id)
        code = coupon_key(body.code)
        event = CouponCreated(coupon_id=new_event_id(), **{**dict(body), "code": code})
        return await run_command(
            context,
            scope="coupons",
            key=key,
            payload=body.model_dump(mode="json"),
            repository=repos.coupons,
            aggregate_id=f"{body.supplier_id}-{code}",
            command=Create(event),
            actor=actor,
            answer_id=lambda: code,
        )

    return router


def _tier_price(price: TierPriceIn, list_price: Decimal, currency: str) -> TierPrice:
    def amount(unit_price: Money | None, percent_off: Decimal | None) -> Money:
        if unit_price is not None:
            return unit_price
        assert percent_off is not None  # the body requires one of them
        return Money(amount=percent_of(list_price, percent_off), currency=currency)

    return TierPrice(
        sku=price.sku,
        unit_price=amount(price.unit_price, price.percent_off),
        breaks=tuple(
            QuantityBreak(
                min_quantity=b.min_quantity, unit_price=amount(b.unit_price, b.percent_off)
            )
            for b in price.breaks
        ),
    )
