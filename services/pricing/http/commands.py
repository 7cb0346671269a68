"""Pricing's master data commands: products, price lists, customer terms, offers."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from fastapi import APIRouter

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
from shared.service.auth.access import OPS, SUPPLIER
from shared.service.edge import Accepted, Call, Edge, command
from shared.service.errors import Problem
from shared.service.repository import Repository
from shared.service.strict_json import StrictJson

from ..domain.book import coupon_key
from ..domain.commands import ChangeProduct, Create, RegisterProduct, Replace, product_key
from ..domain.state import Product
from .access import require_supplier
from .deps import PricingDeps
from .models import (
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

SUPPLIERS = (OPS, SUPPLIER)


class MasterData:
    """What a supplier (or operations) sets up: its products, prices, tiers and offers."""

    def __init__(self, deps: PricingDeps) -> None:
        self.deps = deps

    async def known_product(self, supplier_id: UUID, sku: str, field: str) -> Product:
        product = (await self.deps.products.load(product_key(supplier_id, sku))).state
        if product.facts is None:
            detail = f"no product {sku} for this supplier"
            raise Problem(422, "Unknown product", detail, field=field)
        return product

    @staticmethod
    async def send(
        call: Call, repository: Repository[Any, Any], stream: str, sent: Any, answer_id: object
    ) -> Accepted:
        """Send ``sent`` to ``stream``; the answer names ``answer_id`` (a SKU, a code...)."""
        result = await repository.handle(
            stream, sent, call.context(), expected_version=call.expected_version
        )
        return Accepted(answer_id, result)

    @command("POST", "/products", roles=SUPPLIERS)
    async def register_product(self, call: Call, body: StrictJson[NewProduct]) -> Accepted:
        """A supplier adds a product (pack size, minimum order quantity, list price)."""
        require_supplier(call.actor, body.supplier_id)
        stream = product_key(body.supplier_id, body.sku)
        return await self.send(
            call, self.deps.products, stream, RegisterProduct(**dict(body)), body.sku
        )

    @command("PUT", "/products/{sku}", roles=SUPPLIERS, versioned=True)
    async def replace_product(
        self, call: Call, sku: str, body: StrictJson[ProductReplacement]
    ) -> Accepted:
        """Replace every fact of a product (ProductUpdated); If-Match guards a stale edit."""
        change = ChangeProduct(sku=sku, clear_cost_price=body.cost_price is None, **dict(body))
        return await self.change(call, change)

    @command("PATCH", "/products/{sku}", roles=SUPPLIERS, versioned=True)
    async def patch_product(self, call: Call, sku: str, body: StrictJson[ProductPatch]) -> Accepted:
        """Change some facts of a product (ProductUpdated carries all of them)."""
        return await self.change(call, ChangeProduct(sku=sku, **dict(body)))

    async def change(self, call: Call, change: ChangeProduct) -> Accepted:
        require_supplier(call.actor, change.supplier_id)
        stream = product_key(change.supplier_id, change.sku)
        return await self.send(call, self.deps.products, stream, change, change.sku)

    @command("POST", "/price-lists", roles=SUPPLIERS)
    async def set_price_list(self, call: Call, body: StrictJson[PriceListIn]) -> Accepted:
        """A supplier's price list for one tier, replacing the previous one (PriceListSet)."""
        require_supplier(call.actor, body.supplier_id)
        prices = []
        for index, price in enumerate(body.prices):
            product = await self.known_product(body.supplier_id, price.sku, f"prices[{index}].sku")
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
        stream = f"{body.supplier_id}-{body.tier}"
        return await self.send(call, self.deps.price_lists, stream, Replace(event), stream)

    @command("POST", "/customer-prices", roles=SUPPLIERS)
    async def set_customer_price(self, call: Call, body: StrictJson[CustomerPriceIn]) -> Accepted:
        """A price agreed with one buyer for one SKU; it beats the tier price."""
        require_supplier(call.actor, body.supplier_id)
        product = await self.known_product(body.supplier_id, body.sku, "sku")
        assert product.facts is not None
        if product.facts.list_price.currency != body.unit_price.currency:
            raise Problem(
                422,
                "Currency mismatch",
                f"{body.sku} is priced in {product.facts.list_price.currency}",
                field="unit_price.currency",
            )
        stream = f"{body.supplier_id}-{body.buyer_id}-{body.sku}"
        sent = Replace(CustomerPriceSet(**dict(body)))
        return await self.send(call, self.deps.customer_prices, stream, sent, stream)

    @command("POST", "/customer-tiers", roles=SUPPLIERS)
    async def assign_tier(self, call: Call, body: StrictJson[CustomerTierIn]) -> Accepted:
        """A supplier places a buyer in a price tier (CustomerTierAssigned)."""
        require_supplier(call.actor, body.supplier_id)
        stream = f"{body.supplier_id}-{body.buyer_id}"
        sent = Replace(CustomerTierAssigned(**dict(body)))
        return await self.send(call, self.deps.customer_tiers, stream, sent, stream)

    @command("POST", "/promotions", roles=SUPPLIERS)
    async def create_promotion(self, call: Call, body: StrictJson[PromotionIn]) -> Accepted:
        """A percentage off a category of the supplier's products, for a period."""
        require_supplier(call.actor, body.supplier_id)
        promotion_id = new_event_id()
        sent = Create(PromotionCreated(promotion_id=promotion_id, **dict(body)))
        stream = str(promotion_id)
        return await self.send(call, self.deps.promotions, stream, sent, stream)

    @command("POST", "/coupons", roles=SUPPLIERS)
    async def create_coupon(self, call: Call, body: StrictJson[CouponIn]) -> Accepted:
        """A code for a percentage or an amount off, valid for a period, optionally capped."""
        require_supplier(call.actor, body.supplier_id)
        code = coupon_key(body.code)
        event = CouponCreated(coupon_id=new_event_id(), **{**dict(body), "code": code})
        stream = f"{body.supplier_id}-{code}"
        return await self.send(call, self.deps.coupons, stream, Create(event), code)


def master_data_routes(deps: PricingDeps) -> APIRouter:
    edge = Edge("pricing", deps.context.idempotency, prefix="", tags=["pricing"])
    return edge.include(MasterData(deps))


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
