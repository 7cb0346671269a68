"""Pricing's deciders: products, terms that are set or created, and the pricing of an order."""

from __future__ import annotations

from datetime import datetime

from pydantic import ValidationError

from shared.events.pricing import (
    CouponCreated,
    CustomerPriceSet,
    CustomerTierAssigned,
    OrderPriced,
    OrderPricingFailed,
    PriceListSet,
    ProductRegistered,
    ProductUpdated,
    PromotionCreated,
)
from shared.service.decider import Decider

from .agreed import price_agreed
from .commands import ChangeProduct, Create, E, PriceOrder, ProductCommand, RegisterProduct, Replace
from .errors import (
    AlreadyExists,
    CouponCodeTaken,
    InvalidProductChange,
    ProductAlreadyRegistered,
    ProductNotFound,
)
from .pricing import Unpriceable
from .state import (
    OrderPricing,
    OrderPricingEvent,
    Product,
    ProductEvent,
    evolve_order_pricing,
    evolve_product,
    latest,
    nothing,
)


def decide_product(command: ProductCommand, state: Product, now: datetime) -> list[ProductEvent]:
    match command:
        case RegisterProduct():
            if state.facts is not None:
                raise ProductAlreadyRegistered(f"{command.sku} is already in the catalog")
            return [ProductRegistered(**vars(command))]
        case ChangeProduct():
            if state.facts is None:
                raise ProductNotFound(f"no product {command.sku} in this supplier's catalog")
            changed = _changed(state.facts, command)
            return [] if changed == state.facts else [changed]


def _changed(facts: ProductUpdated, command: ChangeProduct) -> ProductUpdated:
    current = facts.model_dump()
    updates = {
        name: value
        for name, value in vars(command).items()
        if value is not None and name not in ("clear_cost_price", "supplier_id", "sku")
    }
    if command.clear_cost_price:
        updates["cost_price"] = None
    try:
        return ProductUpdated.model_validate({**current, **updates})
    except ValidationError as error:
        raise InvalidProductChange(error.errors()[0]["msg"]) from error


product_decider: Decider[ProductCommand, Product, ProductEvent] = Decider(
    decide_product, evolve_product, Product
)


def replacing(event_type: type[E]) -> Decider[Replace[E], E | None, E]:
    def decide(command: Replace[E], state: E | None, now: datetime) -> list[E]:
        return [] if state == command.facts else [command.facts]

    return Decider(decide, latest, nothing)


def creating(
    event_type: type[E], error: type[AlreadyExists], what: str
) -> Decider[Create[E], E | None, E]:
    def decide(command: Create[E], state: E | None, now: datetime) -> list[E]:
        if state is not None:
            raise error(f"this {what} already exists")
        return [command.facts]

    return Decider(decide, latest, nothing)


price_list_decider = replacing(PriceListSet)
customer_price_decider = replacing(CustomerPriceSet)
customer_tier_decider = replacing(CustomerTierAssigned)
promotion_decider = creating(PromotionCreated, AlreadyExists, "promotion")
coupon_decider = creating(CouponCreated, CouponCodeTaken, "coupon code")


def decide_order_pricing(
    command: PriceOrder, state: OrderPricing, now: datetime
) -> list[OrderPricingEvent]:
    if state.outcome is not None:
        return []  # a redelivered OrderPlaced: it was priced (or failed) already
    result = price_agreed(
        command.book,
        command.lines,
        command.coupon_code,
        command.placed_at,
        command.agreed,
        command.source_id,
    )
    if isinstance(result, Unpriceable):
        return [OrderPricingFailed(order_id=command.order_id, problems=result.problems)]
    return [
        OrderPriced(
            order_id=command.order_id,
            tier=result.tier,
            currency=result.currency,
            lines=result.lines,
            order_discounts=result.order_discounts,
            lines_total=result.lines_total,
            total=result.total,
        )
    ]


order_pricing_decider: Decider[PriceOrder, OrderPricing, OrderPricingEvent] = Decider(
    decide_order_pricing, evolve_order_pricing, OrderPricing
)
