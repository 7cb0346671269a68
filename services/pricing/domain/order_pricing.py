"""Order pricing (stream ``orderpricing-<order id>``): an order is priced, or fails, once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from services.pricing.domain.agreed import price_agreed
from services.pricing.domain.book import PricingBook
from services.pricing.domain.pricing import QuoteLine, Unpriceable
from shared.events.base import Money
from shared.events.pricing import OrderPriced, OrderPricingFailed
from shared.service.decider import Decider

OrderPricingEvent = OrderPriced | OrderPricingFailed


@dataclass(frozen=True)
class PriceOrder:
    """Price a placed order with the terms in ``book`` as they were at ``placed_at``."""

    order_id: UUID
    book: PricingBook
    lines: Sequence[QuoteLine]
    coupon_code: str | None
    placed_at: datetime
    agreed: Mapping[int, Money] = field(default_factory=dict)
    """Unit prices agreed before the order, by line number (they beat the price lists)."""
    source_id: UUID | None = None


@dataclass(frozen=True)
class OrderPricing:
    outcome: OrderPricingEvent | None = None


def decide(command: PriceOrder, state: OrderPricing, now: datetime) -> list[OrderPricingEvent]:
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


def evolve(state: OrderPricing, event: OrderPricingEvent) -> OrderPricing:
    return OrderPricing(event)


order_pricing_decider: Decider[PriceOrder, OrderPricing, OrderPricingEvent] = Decider(
    decide, evolve, OrderPricing
)
