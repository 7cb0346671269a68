"""Pricing's reactions: an OrderPlaced (order service) becomes OrderPriced or OrderPricingFailed,
once the catalog knows the order's buyer and supplier (their registrations may come later, on
other partitions of the order topic: see :mod:`services.pricing.views.waiting`)."""

from __future__ import annotations

from collections.abc import Sequence

from services.pricing.domain.commands import PriceOrder
from services.pricing.domain.pricing import QuoteLine
from services.pricing.domain.state import OrderPricing
from services.pricing.views.catalog import Catalog
from services.pricing.views.catalog_queries import pricing_book
from services.pricing.views.waiting import WaitingOrders, hold_parties, parties_known
from shared.events.envelope import Envelope
from shared.events.order import BuyerRegistered, OrderPlaced, SupplierRegistered
from shared.service.definition import ServiceContext
from shared.service.policy import Policy, reaction_context
from shared.service.repository import Repository

POLICY = "pricing.price_placed_order"
PARTIES = "pricing.price_waiting_orders"


def reactions(
    context: ServiceContext, catalog: Catalog, orders: Repository[PriceOrder, OrderPricing]
) -> list[Policy]:
    """Prices each placed order once, with the terms known when it was placed (its occurred_at)."""
    return OrderPricer(context, catalog, orders).policies()


class OrderPricer:
    def __init__(
        self,
        context: ServiceContext,
        catalog: Catalog,
        orders: Repository[PriceOrder, OrderPricing],
    ) -> None:
        self.context = context
        self.catalog = catalog
        self.orders = orders
        self.room = WaitingOrders(context.engine)

    def policies(self) -> list[Policy]:
        return [
            Policy(
                name=POLICY,
                source="order",
                event_types={OrderPlaced},
                handle=self.on_placed,
                ready=self.ready,
            ),
            Policy(
                name=PARTIES,
                source="order",
                event_types={BuyerRegistered, SupplierRegistered},
                handle=self.on_registered,
                ready=self.ready,
            ),
        ]

    async def ready(self, _placed: Sequence[Envelope]) -> None:
        # The catalog must hold every term stored so far (its own dispatcher folds them).
        head = await self.context.store.head_position()
        await self.context.positions.wait_for(self.catalog.name, "pricing", head)

    async def price(self, envelope: Envelope) -> None:
        placed = envelope.event
        assert isinstance(placed, OrderPlaced)
        async with self.context.engine.connect() as conn:
            book = await pricing_book(
                conn,
                self.catalog.t,
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
        await self.orders.handle(placed.order_id, command, reaction_context(POLICY, envelope))

    async def on_placed(self, envelope: Envelope) -> None:
        placed = envelope.event
        assert isinstance(placed, OrderPlaced)
        buyer, supplier = placed.buyer_id, placed.supplier_id
        async with self.context.engine.begin() as tx:
            if not await parties_known(tx, self.catalog.t, supplier, buyer):
                await hold_parties(tx)
                if not await parties_known(tx, self.catalog.t, supplier, buyer):
                    await self.room.park(tx, envelope, buyer, supplier)
                    return
        await self.price(envelope)

    async def on_registered(self, envelope: Envelope) -> None:
        # The catalog folded this registration in this very unit (projections go first).
        event = envelope.event
        assert isinstance(event, BuyerRegistered | SupplierRegistered)
        party = event.buyer_id if isinstance(event, BuyerRegistered) else event.supplier_id
        async with self.context.engine.begin() as tx:
            await hold_parties(tx)
            for placed in await self.room.of_party(tx, party):
                order = placed.event
                assert isinstance(order, OrderPlaced)
                if await parties_known(tx, self.catalog.t, order.supplier_id, order.buyer_id):
                    await self.price(placed)
                    await self.room.release(tx, order.order_id)
