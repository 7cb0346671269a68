"""Fifty buyers race for ten units: exactly ten reservations, never oversold, never negative."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from uuid import uuid4

from services.inventory.domain import ReceiveStock, RegisterWarehouse
from services.inventory.reactions import ORDERS, reactions
from services.inventory.service import StockStreams, stock_streams
from services.inventory.views.reservations import Reservations
from shared.events.envelope import Envelope
from shared.events.order import OrderCancelled, OrderPlaced
from shared.events.values import OrderLine, OrderType, Party
from shared.eventstore.sqlite import SqliteEventStore
from shared.service.codec import to_envelope
from shared.service.context import CommandContext

from .fixtures import NEAR, SUPPLIER

BUYERS = 50


def placed(position: int) -> Envelope:
    order_id = uuid4()
    event = OrderPlaced(
        order_id=order_id,
        buyer_id=uuid4(),
        supplier_id=SUPPLIER,
        order_type=OrderType.REGULAR,
        lines=(OrderLine(line_no=1, sku="HOT", quantity=1),),
        delivery_region="EU",
    )
    return Envelope(
        event_id=uuid4(),
        event_type="OrderPlaced",
        schema_version=event.schema_version,
        stream_id=f"order-{order_id}",
        stream_version=1,
        position=position,
        occurred_at="2026-01-15T09:00:00Z",
        correlation_id=order_id,
        event=event,
    )


async def test_concurrent_orders_never_oversell(tmp_path: Path) -> None:
    store = await SqliteEventStore.open(tmp_path / "inventory.db")
    try:
        setup = stock_streams(store)
        context = CommandContext(actor="operations:test")
        await setup.handle(RegisterWarehouse(NEAR, SUPPLIER, "main", ("EU",), 1, 1), context, "w")
        await setup.handle(ReceiveStock(NEAR, "HOT", 10), context, "stock-HOT")
        # Five ledgers stand for five processes, each with its own cache of the streams.

        def reserving(ledger: StockStreams) -> Callable[[Envelope], Awaitable[None]]:
            policies = reactions(ledger, Reservations(), store.engine)
            return next(p.handle for p in policies if p.name == ORDERS)

        handlers = [reserving(stock_streams(store)) for _ in range(5)]
        orders = [placed(n + 1) for n in range(BUYERS)]
        await asyncio.gather(*(handlers[n % 5](order) for n, order in enumerate(orders)))
        # Every order delivered again: nothing changes.
        await asyncio.gather(*(handlers[(n + 1) % 5](order) for n, order in enumerate(orders)))

        events = [to_envelope(r).event for r in await store.read_all(0, limit=10_000)]
        kinds = [e.event_type for e in events]
        assert kinds.count("StockReserved") == 10
        assert kinds.count("StockReservationFailed") == BUYERS - 10
        reserved_orders = {e.order_id for e in events if e.event_type == "StockReserved"}  # type: ignore[attr-defined]
        assert len(reserved_orders) == 10, "one reservation per order"

        world, _ = await stock_streams(store).load(ReceiveStock(NEAR, "HOT", 1))
        balance = world.sku("HOT").balance(NEAR)
        assert (balance.on_hand, balance.reserved, balance.available) == (10, 10, 0)
        running = 0
        for record in await store.read_stream("stock-HOT"):
            event = to_envelope(record).event
            running += getattr(event, "reserved_delta", 0)
            assert 0 <= running <= 10, "never oversold at any point of the stream"

        for order in orders:  # cancelling gives back exactly what each order held
            cancel = OrderCancelled(
                order_id=order.event.order_id, reason="x", cancelled_by=Party.BUYER
            )  # type: ignore[attr-defined]
            await handlers[0](
                order.model_copy(
                    update={"event_id": uuid4(), "event": cancel, "event_type": "OrderCancelled"}
                )
            )
        world, _ = await stock_streams(store).load(ReceiveStock(NEAR, "HOT", 1))
        balance = world.sku("HOT").balance(NEAR)
        assert (balance.on_hand, balance.reserved) == (10, 0)
    finally:
        await store.close()
