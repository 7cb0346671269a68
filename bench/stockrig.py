"""A rig for the Kafka consumers: a topic of stock movements and a group of pricing workers
(``b2b worker --service pricing``) whose stock per SKU must come out exact.

Pricing's catalog folds every movement as a delta (received, reserved, released, committed),
so a lost message leaves the stock too high or too low and a message applied twice shows as
well: the expected stock is known from the movements. The bench measures events/s per worker
on it; the integration tests kill workers and restart the broker under it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from shared.events import inventory
from shared.events.base import DomainEvent
from shared.events.envelope import Envelope
from shared.events.values import Allocation, OrderLine, OrderType, SkuQuantity
from shared.messaging.kafka.admin import committed_offsets, ensure_topics, group_lag
from shared.messaging.kafka.topics import events_topic
from shared.messaging.kafka.wire import encode, message_key

ROOT = Path(__file__).resolve().parent.parent
NS = UUID("5b0c7d1e-3f42-4a8e-9c61-2d7e0f9a4b35")
AT = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
SOURCE = "inventory"
SERVICE = "pricing"
GROUP = f"{SERVICE}<{SOURCE}"
PARTITIONS = 12

Key = tuple[str, str]


@dataclass
class Movements:
    """The events in log order, and the stock they must leave: (on hand, reserved) per key."""

    envelopes: list[Envelope] = field(default_factory=list)
    expected: dict[Key, tuple[int, int]] = field(default_factory=dict)
    _versions: dict[str, int] = field(default_factory=dict)

    def add(self, stream: str, event: DomainEvent, correlation: UUID | None = None) -> None:
        version = self._versions[stream] = self._versions.get(stream, 0) + 1
        position = len(self.envelopes) + 1
        self.envelopes.append(
            Envelope(
                event_id=uuid5(NS, f"{stream}/{version}/{position}"),
                event_type=event.event_type,
                schema_version=event.schema_version,
                stream_id=stream,
                stream_version=version,
                position=position,
                occurred_at=AT + timedelta(milliseconds=position),
                correlation_id=correlation,
                event=event,
            )
        )

    def move(self, key: Key, on_hand: int, reserved: int) -> None:
        before = self.expected.get(key, (0, 0))
        self.expected[key] = (before[0] + on_hand, before[1] + reserved)


def movements(orders: int, *, skus: int = 40, seed: int = 7) -> Movements:
    """Receipts for every SKU, then per order a reservation and its release or shipment."""
    rng = random.Random(seed)
    found = Movements()
    warehouses = [uuid5(NS, f"warehouse-{i}") for i in range(2)]
    names = [f"RIG-{i:03d}" for i in range(skus)]
    for warehouse in warehouses:
        for sku in names:
            found.add(
                f"stock-{sku}",
                inventory.StockReceived(warehouse_id=warehouse, sku=sku, quantity=10**6),
            )
            found.move((str(warehouse), sku), 10**6, 0)
    for index in range(orders):
        order_id = uuid5(NS, f"order-{seed}-{index}")
        warehouse, sku, quantity = rng.choice(warehouses), rng.choice(names), rng.randint(1, 20)
        key = (str(warehouse), sku)
        allocation = Allocation(line_no=1, sku=sku, warehouse_id=warehouse, quantity=quantity)
        stream = f"reservation-{order_id}"
        found.add(stream, _reserved(order_id, allocation), order_id)
        found.move(key, 0, quantity)
        if rng.random() < 0.2:
            released = inventory.StockReleased(
                order_id=order_id,
                releases=(allocation,),
                reason=inventory.ReleaseReason.ORDER_CANCELLED,
            )
            found.add(stream, released, order_id)
            found.move(key, 0, -quantity)
        else:
            line = OrderLine(line_no=1, sku=sku, quantity=quantity)
            committed = inventory.StockCommitted(
                order_id=order_id,
                shipment_id=uuid5(NS, f"shipment-{order_id}"),
                warehouse_id=warehouse,
                lines=(line,),
            )
            found.add(stream, committed, order_id)
            found.move(key, -quantity, -quantity)
    return found


def _reserved(order_id: UUID, allocation: Allocation) -> inventory.StockReserved:
    routing = inventory.RoutingDecision(
        rule="fastest",
        order_type=OrderType.REGULAR,
        delivery_region="north",
        candidates=(
            inventory.RoutingCandidate(
                warehouse_id=allocation.warehouse_id,
                serves_region=True,
                speed_rank=1,
                lead_time_days=1,
                available=(SkuQuantity(sku=allocation.sku, quantity=allocation.quantity),),
                chosen=True,
            ),
        ),
        reason="rig",
    )
    return inventory.StockReserved(order_id=order_id, allocations=(allocation,), routing=routing)


async def publish(
    bootstrap: str, namespace: str, found: Movements, *, partitions: int = PARTITIONS
) -> int:
    """The movements on ``<namespace>inventory.events.v1``, as the relay would produce them."""
    topic = events_topic(SOURCE, namespace)
    await ensure_topics(bootstrap, [topic], partitions=partitions)
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5
    )
    await producer.start()
    try:
        sent = [
            await producer.send(topic, value=encode(e), key=message_key(e)) for e in found.envelopes
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()
    return len(sent)


@dataclass
class Worker:
    index: int
    port: int
    process: asyncio.subprocess.Process
    log: Path


@dataclass
class Group:
    """Pricing worker processes of one namespace, and what they share."""

    bootstrap: str
    database_url: str
    namespace: str
    prefix: str
    workdir: Path
    workers: dict[int, Worker] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
            "DATABASE_URL": self.database_url,
            "B2B_DATABASE_PREFIX": self.prefix,
            "B2B_KAFKA_NAMESPACE": self.namespace,
        }

    async def start(self, index: int) -> Worker:
        """Start worker ``index`` and wait until it answers /health/ready."""
        from bench.processes import free_port

        port, log = free_port(), self.workdir / f"worker-{index}.log"
        self.workdir.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            process = await asyncio.create_subprocess_exec(
                str(ROOT / ".venv/bin/b2b"),
                "worker",
                "--service",
                SERVICE,
                "--port",
                str(port),
                "--data-dir",
                str(self.workdir / f"data-{index}"),
                env=self.env,
                stdout=out,
                stderr=out,
                cwd=ROOT,
                start_new_session=True,
            )
        worker = self.workers[index] = Worker(index, port, process, log)
        deadline = time.monotonic() + 90
        async with httpx.AsyncClient(timeout=2) as client:
            while True:
                if process.returncode is not None:
                    raise RuntimeError(f"worker {index} exited: {log.read_text()[-2000:]}")
                with contextlib.suppress(httpx.HTTPError):
                    if (
                        await client.get(f"http://127.0.0.1:{port}/health/ready")
                    ).status_code == 200:
                        return worker
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"worker {index} not ready in 90 s: {log.read_text()[-2000:]}"
                    )
                await asyncio.sleep(0.2)

    async def partitions(self, index: int) -> list[int]:
        """The partitions worker ``index`` holds (its /health)."""
        port = self.workers[index].port
        async with httpx.AsyncClient(timeout=5) as client:
            health = (await client.get(f"http://127.0.0.1:{port}/health")).json()
        return sorted(int(p) for p in health["consumers"].get(SOURCE, {}).get("partitions", {}))

    async def kill(self, index: int, sig: signal.Signals = signal.SIGKILL) -> None:
        worker = self.workers.pop(index)
        if worker.process.returncode is None:
            worker.process.send_signal(sig)
        await worker.process.wait()

    async def stop_all(self) -> None:
        for index in list(self.workers):
            await self.kill(index, signal.SIGTERM)

    async def lag(self) -> int:
        return await group_lag(
            self.bootstrap, self.namespace + GROUP, events_topic(SOURCE, self.namespace)
        )

    async def committed(self) -> dict[int, int]:
        return await committed_offsets(
            self.bootstrap, self.namespace + GROUP, events_topic(SOURCE, self.namespace)
        )

    async def drained(self, *, timeout: float = 300, interval: float = 0.1) -> float:
        """Seconds until the group's lag is 0 (raises after ``timeout``)."""
        started = time.monotonic()
        while True:
            if await self.lag() == 0:
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"lag still {await self.lag()} after {timeout} s")
            await asyncio.sleep(interval)

    async def _rows(self, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
        url = make_url(self.database_url).set(
            drivername="postgresql+asyncpg", database=f"{self.prefix}_{SERVICE}"
        )
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return list(await conn.execute(text(sql), params or {}))
        finally:
            await engine.dispose()

    async def stock(self) -> dict[Key, tuple[int, int]]:
        """Pricing's stock per (warehouse, SKU) in the group's database."""
        rows = await self._rows("SELECT warehouse_id, sku, on_hand, reserved FROM pricing_stock")
        return {(w, s): (int(h), int(r)) for w, s, h, r in rows}

    async def lanes(self, names: list[str]) -> dict[str, int]:
        """How far the given lanes (``inventory#3``) are: their highest stored checkpoint."""
        rows = await self._rows(
            "SELECT source, max(position) FROM checkpoints WHERE source = ANY(:names) "
            "GROUP BY source",
            {"names": names},
        )
        return {source: int(position) for source, position in rows}


@contextlib.asynccontextmanager
async def group(
    bootstrap: str, database_url: str, workdir: Path, name: str
) -> AsyncIterator[Group]:
    """A fresh namespace and database prefix; its workers stopped on the way out."""
    made = Group(bootstrap, database_url, f"{name}.", name.replace("-", "_"), workdir / name)
    try:
        yield made
    finally:
        await made.stop_all()


def differences(
    expected: dict[Key, tuple[int, int]], got: dict[Key, tuple[int, int]]
) -> dict[str, Any]:
    """What differs: keys missing or extra, and stock off by how much."""
    off = {
        f"{w[:8]}/{s}": (got.get((w, s)), e)
        for (w, s), e in expected.items()
        if got.get((w, s)) != e
    }
    extra = sorted(set(got) - set(expected))
    return {"off (got, expected)": dict(list(off.items())[:10]), "wrong": len(off), "extra": extra}
