"""Read models and policies that merge many orders give one answer whatever the interleaving of
the partitions they consume: random interleavings of per-partition sequences (and redeliveries
from earlier offsets) go through the real lanes, handlers and SQLite database of a service.

Pricing merges the order topic (parties keyed by their stream, orders by order id) and the
inventory topic (receipts keyed by the SKU's stream, reservations, releases and shipments by
order id) into prices and stock per SKU; the order service names warehouses and carriers in
its timelines from registrations that travel on other partitions than the orders.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from aiokafka.partitioner import DefaultPartitioner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from services.order.service import definition as order_service
from services.pricing.service import definition as pricing_service
from services.pricing.views.waiting import waiting
from shared.events import inventory, logistics, order, pricing
from shared.events.base import DomainEvent, Money
from shared.events.envelope import Envelope
from shared.events.values import Allocation, OrderLine, OrderType, SkuQuantity
from shared.eventstore.postgres import PostgresEventStore
from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import Dispatcher
from shared.messaging.kafka.lanes import Lanes, Message
from shared.messaging.kafka.wire import encode, message_key
from shared.service.codec import to_new_event
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.idempotency import IdempotencyStore
from shared.service.policy import policy_handler
from shared.service.projection import ProjectionHandler

PARTITIONS = 4
NS = UUID("0b5e3a55-6f0c-4b8e-9a57-4d0c2b1e7a10")
AT = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
SUPPLIER, WAREHOUSE, OTHER_WAREHOUSE, CARRIER = (uuid5(NS, n) for n in ("s", "w1", "w2", "c"))
BUYERS = [uuid5(NS, f"b{i}") for i in range(3)]
ORDERS = [uuid5(NS, f"o{i}") for i in range(5)]
SKUS = ("BOLT-1", "NUT-2")


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


@dataclass
class Log:
    """A source's log as its relay publishes it: positions in order, a partition per key."""

    source: str
    envelopes: list[Envelope] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)

    def add(self, stream: str, event: DomainEvent, correlation: UUID | None = None) -> None:
        version = self.versions[stream] = self.versions.get(stream, 0) + 1
        position = len(self.envelopes) + 1
        self.envelopes.append(
            Envelope(
                event_id=uuid5(NS, f"{self.source}/{position}"),
                event_type=event.event_type,
                schema_version=event.schema_version,
                stream_id=stream,
                stream_version=version,
                position=position,
                occurred_at=AT + timedelta(seconds=position),
                correlation_id=correlation,
                event=event,
            )
        )

    def partitions(self) -> dict[int, list[Message]]:
        """Each partition's messages in offset order, as Kafka's default partitioner puts them."""
        choose = DefaultPartitioner()
        found: dict[int, list[Message]] = {}
        for envelope in self.envelopes:
            key = message_key(envelope)
            partition = choose(key, list(range(PARTITIONS)), list(range(PARTITIONS)))
            lane = found.setdefault(partition, [])
            lane.append(Message(partition, len(lane), key, encode(envelope), self.source))
        return found


def order_log() -> Log:
    log = Log("order")
    log.add(
        f"supplier-{SUPPLIER}",
        order.SupplierRegistered(supplier_id=SUPPLIER, name="S", currency="EUR"),
    )
    for index, buyer in enumerate(BUYERS):
        tier = "gold" if index == 0 else "standard"
        registered = order.BuyerRegistered(
            buyer_id=buyer, name=f"B{index}", tier=tier, delivery_region="north"
        )
        log.add(f"buyer-{buyer}", registered)
    for index, order_id in enumerate(ORDERS):
        placed = order.OrderPlaced(
            order_id=order_id,
            buyer_id=BUYERS[index % len(BUYERS)],
            supplier_id=SUPPLIER,
            order_type=OrderType.REGULAR,
            lines=(OrderLine(line_no=1, sku=SKUS[index % 2], quantity=10 + index),),
            delivery_region="north",
        )
        log.add(f"order-{order_id}", placed, order_id)
    return log


def inventory_log() -> Log:
    log = Log("inventory")
    for warehouse, name in ((WAREHOUSE, "Keelung DC"), (OTHER_WAREHOUSE, "Tainan DC")):
        registered = inventory.WarehouseRegistered(
            warehouse_id=warehouse,
            supplier_id=SUPPLIER,
            name=name,
            regions_served=("north",),
            speed_rank=1,
            lead_time_days=1,
        )
        log.add(f"warehouse-{warehouse}", registered)
    for sku in SKUS:
        log.add(
            f"stock-{sku}", inventory.StockReceived(warehouse_id=WAREHOUSE, sku=sku, quantity=100)
        )
    for index, order_id in enumerate(ORDERS):
        sku, quantity = SKUS[index % 2], 10 + index
        where = WAREHOUSE if index % 3 else OTHER_WAREHOUSE
        allocation = Allocation(line_no=1, sku=sku, warehouse_id=where, quantity=quantity)
        routing = inventory.RoutingDecision(
            rule="fastest",
            order_type=OrderType.REGULAR,
            delivery_region="north",
            candidates=(
                inventory.RoutingCandidate(
                    warehouse_id=where,
                    serves_region=True,
                    speed_rank=1,
                    lead_time_days=1,
                    available=(SkuQuantity(sku=sku, quantity=100),),
                    chosen=True,
                ),
            ),
            reason="test",
        )
        stream = f"reservation-{order_id}"
        log.add(
            stream,
            inventory.StockReserved(order_id=order_id, allocations=(allocation,), routing=routing),
            order_id,
        )
        if index == 1:
            released = inventory.StockReleased(
                order_id=order_id,
                releases=(allocation,),
                reason=inventory.ReleaseReason.ORDER_CANCELLED,
            )
            log.add(stream, released, order_id)
        if index in (2, 3):
            line = OrderLine(line_no=1, sku=sku, quantity=quantity)
            committed = inventory.StockCommitted(
                order_id=order_id,
                shipment_id=uuid5(NS, f"sh{index}"),
                warehouse_id=where,
                lines=(line,),
            )
            log.add(stream, committed, order_id)
    return log


def logistics_log() -> Log:
    log = Log("logistics")
    carrier = logistics.CarrierRegistered(
        carrier_id=CARRIER, name="Black Cat", code="cat", regions_served=("north",)
    )
    log.add(f"carrier-{CARRIER}", carrier)
    for index, order_id in enumerate(ORDERS[:3]):
        shipment = uuid5(NS, f"sh{index}")
        shipped = logistics.Shipped(
            shipment_id=shipment,
            order_id=order_id,
            warehouse_id=WAREHOUSE,
            carrier_id=CARRIER,
            tracking_number=f"T{index}",
            shipped_at=AT,
            lines=(OrderLine(line_no=1, sku=SKUS[index % 2], quantity=10 + index),),
        )
        log.add(f"fulfilment-{order_id}", shipped, order_id)
    return log


def pricing_terms() -> list[DomainEvent]:
    """Pricing's own master data: the products and the tiers' price lists."""
    products: list[DomainEvent] = [
        pricing.ProductRegistered(
            supplier_id=SUPPLIER,
            sku=sku,
            name=sku,
            category="fasteners",
            unit="box",
            pack_size=1,
            min_order_qty=1,
            list_price=eur("3.00"),
        )
        for sku in SKUS
    ]
    prices = [
        pricing.PriceListSet(
            supplier_id=SUPPLIER,
            tier=tier,
            currency="EUR",
            prices=tuple(pricing.TierPrice(sku=sku, unit_price=eur(price)) for sku in SKUS),
        )
        for tier, price in (("gold", "2.00"), ("standard", "2.80"))
    ]
    return products + prices


Step = tuple[str, int, int, bool]
"""(source, partition, how many messages, whether to rewind first: a redelivery)."""


@dataclass
class Service:
    """One service on a fresh SQLite database, its foreign sources consumed through lanes."""

    context: ServiceContext
    parts: ServiceParts
    lanes: dict[str, Lanes]


async def open_service(
    definition: ServiceDefinition, store: SqliteEventStore | PostgresEventStore, *, own: bool = True
) -> Service:
    """The service on ``store``'s database; ``own``: its own master data stored and folded."""
    engine = store.engine
    idempotency = IdempotencyStore(engine)
    await idempotency.create_tables()
    await CheckpointStore(engine).create_tables()
    dead_letters = DeadLetters(engine)
    await dead_letters.create_tables()
    context = ServiceContext(
        name=definition.name, store=store, engine=engine, idempotency=idempotency
    )
    parts = definition.build(context)
    for projection in parts.projections:
        await projection.create_tables(engine)

    def lanes_of(source: str) -> Lanes:
        handlers = [ProjectionHandler(p) for p in parts.projections if source in p.sources]
        handlers += [policy_handler(p) for p in parts.policies if p.source == source]

        def make(lane: str) -> Dispatcher:
            return Dispatcher(lane, None, engine, handlers, dead_letters=dead_letters, guarded=True)

        async def poison(message: Message, error: Exception) -> None:
            raise AssertionError(f"not an event: {error!r}")

        return Lanes(source, make, poison)

    sources = {s for p in parts.projections for s in p.sources} | {p.source for p in parts.policies}
    lanes = {s: lanes_of(s) for s in sources if s != definition.name}
    for found in lanes.values():
        await found.assign(range(PARTITIONS))
    if own and definition.name == "pricing":
        await _own_events(context, parts, dead_letters, pricing_terms())
    return Service(context, parts, lanes)


async def _own_events(
    context: ServiceContext,
    parts: ServiceParts,
    dead_letters: DeadLetters,
    events: list[DomainEvent],
) -> None:
    """Store the service's own events and fold them, as its own dispatcher would."""
    for index, event in enumerate(events):
        new = to_new_event(
            event,
            event_id=uuid5(NS, f"own/{index}"),
            occurred_at=AT,
            correlation_id=None,
            causation_id=None,
            actor="test",
        )
        await context.store.append(f"terms-{index}", [new])
    handlers = [ProjectionHandler(p) for p in parts.projections if context.name in p.sources]
    own = Dispatcher(context.name, None, context.engine, handlers, dead_letters=dead_letters)
    await own.load()
    await own.dispatch(await context.store.read_all(0, 1000))


async def play(service: Service, logs: list[Log], steps: list[Step]) -> None:
    """Deliver the logs' partitions as ``steps`` say, then whatever is left, in offset order."""
    queues = {(log.source, p): m for log in logs for p, m in log.partitions().items()}
    offsets = dict.fromkeys(queues, 0)
    for source, partition, count, rewind in steps:
        key = (source, partition)
        if key not in queues:
            continue
        if rewind:
            offsets[key] = max(0, offsets[key] - count)  # redelivered from an older offset
        start = offsets[key]
        batch = queues[key][start : start + count]
        offsets[key] = start + len(batch)
        if batch:
            await service.lanes[source].dispatch({partition: batch})
    for key, messages in queues.items():
        if offsets[key] < len(messages):
            await service.lanes[key[0]].dispatch({key[1]: messages[offsets[key] :]})


steps = st.lists(
    st.tuples(
        st.sampled_from(["order", "inventory", "logistics"]),
        st.integers(0, PARTITIONS - 1),
        st.integers(1, 4),
        st.booleans(),
    ),
    max_size=40,
)


async def in_fresh_service(
    definition: ServiceDefinition,
    logs: list[Log],
    plan: list[Step],
    observe: Callable[[Service], Awaitable[Any]],
) -> Any:
    with tempfile.TemporaryDirectory() as directory:
        store = await SqliteEventStore.open(Path(directory) / f"{definition.name}.db")
        service = await open_service(definition, store)
        try:
            await play(service, logs, plan)
            return await observe(service)
        finally:
            await service.context.store.close()


async def pricing_outcome(service: Service) -> dict[str, Any]:
    """Every order's pricing, the stock per warehouse and SKU, and what still waits."""
    store = service.context.store
    priced = {}
    for record in await store.read_all(0, 1000):
        data = dict(record.data)
        if "order_id" in data:
            priced[str(data.pop("order_id"))] = (record.event_type, record.event_id, data)
    catalog = next(p for p in service.parts.projections if p.name == "pricing_catalog")
    async with service.context.engine.connect() as conn:
        stock = (await conn.execute(select(catalog.t.stock))).all()  # type: ignore[attr-defined]
        waiting_orders = (await conn.execute(select(waiting.c.order_id))).all()
    return {"priced": priced, "stock": sorted(map(tuple, stock)), "waiting": waiting_orders}


async def timeline_outcome(service: Service) -> dict[str, Any]:
    details = next(p for p in service.parts.projections if p.name == "order_details")
    found = {}
    for order_id in ORDERS:
        _facets, timeline = await details.get(service.context.engine, str(order_id))  # type: ignore[attr-defined]
        found[str(order_id)] = [(e["summary"], e["params"]) for e in timeline]
    return found


BASELINES: dict[str, Any] = {}


def _baseline(name: str, compute: Callable[[], Awaitable[Any]]) -> Any:
    if name not in BASELINES:
        BASELINES[name] = asyncio.run(compute())
    return BASELINES[name]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps)
def test_pricing_and_stock_per_sku_do_not_depend_on_the_interleaving(plan: list[Step]) -> None:
    logs = [order_log(), inventory_log()]
    expected = _baseline(
        "pricing", lambda: in_fresh_service(pricing_service, logs, [], pricing_outcome)
    )
    got = asyncio.run(in_fresh_service(pricing_service, logs, plan, pricing_outcome))
    assert got == expected
    assert expected["waiting"] == []
    assert {kind for kind, _, _ in expected["priced"].values()} == {"OrderPriced"}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=steps)
def test_order_timelines_name_warehouses_and_carriers_whatever_came_first(plan: list[Step]) -> None:
    logs = [inventory_log(), logistics_log()]
    expected = _baseline(
        "timelines", lambda: in_fresh_service(order_service, logs, [], timeline_outcome)
    )
    got = asyncio.run(in_fresh_service(order_service, logs, plan, timeline_outcome))
    assert got == expected
    assert any("Keelung DC" in summary for lines in expected.values() for summary, _ in lines)
    assert any("Black Cat" in summary for lines in expected.values() for summary, _ in lines)
