"""Pricing's reactions: an OrderPlaced (order service) becomes OrderPriced or OrderPricingFailed,
once the catalog knows the order's buyer and supplier (their registrations may come later, on
other partitions of the order topic: see :mod:`services.pricing.waiting`)."""

from __future__ import annotations

from collections.abc import Sequence

from services.pricing.domain.order_pricing import OrderPricing, PriceOrder
from services.pricing.domain.pricing import QuoteLine
from services.pricing.projections.catalog import Catalog
from services.pricing.projections.queries import pricing_book
from services.pricing.waiting import WaitingOrders, hold_parties, parties_known
from shared.events.envelope import Envelope
from shared.events.order import BuyerRegistered, OrderPlaced, SupplierRegistered
from shared.service.definition import ServiceContext
from shared.service.policy import Policy, reaction_context
from shared.service.repository import Repository

POLICY = "pricing.price_placed_order"
PARTIES = "pricing.price_waiting_orders"


def price_placed_orders(
    context: ServiceContext, catalog: Catalog, orders: Repository[PriceOrder, OrderPricing]
) -> list[Policy]:
    """Prices each placed order once, with the terms known when it was placed (its occurred_at)."""
    room = WaitingOrders(context.engine)

    async def ready(_placed: Sequence[Envelope]) -> None:
        # The catalog must hold every term stored so far (its own dispatcher folds them).
        await context.positions.wait_for(
            catalog.name, "pricing", await context.store.head_position()
        )

    async def price(envelope: Envelope) -> None:
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
        )
        await orders.handle(placed.order_id, command, reaction_context(POLICY, envelope))

    async def on_placed(envelope: Envelope) -> None:
        placed = envelope.event
        assert isinstance(placed, OrderPlaced)
        buyer, supplier = placed.buyer_id, placed.supplier_id
        async with context.engine.begin() as tx:
            if not await parties_known(tx, catalog.t, supplier, buyer):
                await hold_parties(tx)
                if not await parties_known(tx, catalog.t, supplier, buyer):
                    await room.park(tx, envelope, buyer, supplier)
                    return
        await price(envelope)

    async def on_registered(envelope: Envelope) -> None:
        # The catalog folded this registration in this very unit (projections go first).
        event = envelope.event
        assert isinstance(event, BuyerRegistered | SupplierRegistered)
        party = event.buyer_id if isinstance(event, BuyerRegistered) else event.supplier_id
        async with context.engine.begin() as tx:
            await hold_parties(tx)
            for placed in await room.of_party(tx, party):
                order = placed.event
                assert isinstance(order, OrderPlaced)
                if await parties_known(tx, catalog.t, order.supplier_id, order.buyer_id):
                    await price(placed)
                    await room.release(tx, order.order_id)

    return [
        Policy(
            name=POLICY, source="order", event_types={"OrderPlaced"}, handle=on_placed, ready=ready
        ),
        Policy(
            name=PARTIES,
            source="order",
            event_types={"BuyerRegistered", "SupplierRegistered"},
            handle=on_registered,
            ready=ready,
        ),
    ]
