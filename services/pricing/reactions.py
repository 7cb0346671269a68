"""Pricing's reaction: an OrderPlaced (order service) becomes OrderPriced or OrderPricingFailed."""

from __future__ import annotations

from collections.abc import Sequence

from services.pricing.domain.commands import PriceOrder
from services.pricing.domain.pricing import QuoteLine
from services.pricing.domain.state import OrderPricing
from services.pricing.views.catalog import Catalog
from services.pricing.views.catalog_queries import pricing_book
from shared.events.envelope import Envelope
from shared.events.order import OrderPlaced
from shared.service.definition import ServiceContext
from shared.service.policy import Policy, reaction_context
from shared.service.repository import Repository

POLICY = "pricing.price_placed_order"


def reactions(
    context: ServiceContext, catalog: Catalog, orders: Repository[PriceOrder, OrderPricing]
) -> list[Policy]:
    """Prices each placed order once, with the terms known when it was placed (its occurred_at)."""

    async def ready(_placed: Sequence[Envelope]) -> None:
        # The catalog must hold every term stored so far (its own dispatcher folds them; the
        # buyer's registration comes from the order source, folded in this very batch).
        await context.positions.wait_for(
            catalog.name, "pricing", await context.store.head_position()
        )

    async def handle(envelope: Envelope) -> None:
        placed = envelope.event
        assert isinstance(placed, OrderPlaced)
        async with context.engine.connect() as conn:
            book = await pricing_book(
                conn,
                catalog.t,
                placed.supplier_id,
                placed.buyer_id,
                {line.sku for line in placed.lines},
                placed.coupon_code,
            )
        command = PriceOrder(
            order_id=placed.order_id,
            book=book,
            lines=[QuoteLine(ln.line_no, ln.sku, ln.quantity) for ln in placed.lines],
            coupon_code=placed.coupon_code,
            placed_at=envelope.occurred_at,
            agreed={price.line_no: price.unit_price for price in placed.agreed_prices},
            source_id=placed.source.id if placed.source else None,
        )
        await orders.handle(placed.order_id, command, reaction_context(POLICY, envelope))

    return [
        Policy(name=POLICY, source="order", event_types={OrderPlaced}, handle=handle, ready=ready)
    ]
