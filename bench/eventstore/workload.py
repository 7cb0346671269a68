"""The events the event-store bench writes: order-like JSON of about 300 bytes, many streams.

Everything here is generated before a run is timed, so a run measures the store, not this.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shared.events.ids import new_event_id
from shared.eventstore.port import NewEvent

EVENT_TYPES = ("OrderLineAdded", "OrderLinePriced", "StockReserved", "ShipmentPlanned")
_SKUS = [f"SKU-{n:06d}" for n in range(0, 5000, 7)]
_ITEMS = (
    "Nitrile gloves, size M, box of 100",
    "Stretch film 500 mm x 300 m, cast, clear",
    "Euro pallet 1200 x 800, heat-treated",
    "Corrugated box 400 x 300 x 200, double wall",
    "Safety goggles, anti-fog, EN 166",
)
_WAREHOUSES = ("DE-BER-1", "DE-HAM-2", "NL-RTM-1", "PL-POZ-1")


def payload(rng: random.Random, order_id: uuid.UUID, line: int) -> dict[str, Any]:
    """An order line as services write it: ids, a SKU, a quantity, Decimal money as strings."""
    quantity = rng.randint(1, 400)
    unit = rng.randint(50, 99_999)
    return {
        "order_id": str(order_id),
        "line_no": line,
        "sku": rng.choice(_SKUS),
        "description": rng.choice(_ITEMS),
        "quantity": quantity,
        "unit_price": {"amount": f"{unit / 100:.2f}", "currency": "EUR"},
        "line_total": {"amount": f"{unit * quantity / 100:.2f}", "currency": "EUR"},
        "warehouse": rng.choice(_WAREHOUSES),
        "requested_on": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }


def metadata(rng: random.Random, order_id: uuid.UUID) -> dict[str, Any]:
    """The envelope fields that travel as metadata: correlation, causation, actor."""
    return {
        "correlation_id": str(order_id),
        "causation_id": str(new_event_id()),
        "actor": f"user:buyer-{rng.randint(1, 9999):04d}",
    }


def dump(value: dict[str, Any]) -> str:
    """JSON text exactly as the store writes it (compact, UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True, slots=True)
class Commit:
    """One append: ``events`` to ``stream_id``, which is at ``expected_version`` before it."""

    stream_id: str
    expected_version: int
    events: Sequence[NewEvent]


class Workload:
    """Makes commits from a fixed pool of payloads (fresh event ids and streams every time).

    Drawing from a pool keeps generation cheap (a few µs an event) while every payload has the
    size and shape of a real one; what a store pays to write JSON does not depend on its values.
    """

    def __init__(self, seed: int = 7, pool_size: int = 997) -> None:
        rng = random.Random(seed)
        orders = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(pool_size)]
        self._data = [payload(rng, order, 1 + n % 40) for n, order in enumerate(orders)]
        self._metadata = [metadata(rng, order) for order in orders]
        self._rng = rng
        self._next = 0

    def _event(self, version: int) -> NewEvent:
        n = self._next = (self._next + 1) % len(self._data)
        return NewEvent(
            event_id=new_event_id(),
            event_type=EVENT_TYPES[version % len(EVENT_TYPES)],
            data=self._data[n],
            metadata=self._metadata[n],
        )

    def commits(
        self, label: str, count: int, per_commit: int, *, commits_per_stream: int = 5
    ) -> list[Commit]:
        """``count`` commits of ``per_commit`` events over fresh streams, round-robin.

        Each stream receives ``commits_per_stream`` commits (the first creates it), and
        consecutive commits go to different streams, as concurrent orders would.
        """
        if count < 1 or per_commit < 1:
            raise ValueError("a run needs at least one commit of at least one event")
        stream_count = max(1, count // commits_per_stream)
        streams = [
            f"order-{label}-{uuid.UUID(int=self._rng.getrandbits(128), version=4)}"
            for _ in range(stream_count)
        ]
        versions = [0] * stream_count
        plan: list[Commit] = []
        for index in range(count):
            s = index % stream_count
            first = versions[s]
            events = [self._event(first + k + 1) for k in range(per_commit)]
            plan.append(Commit(streams[s], first, events))
            versions[s] += per_commit
        return plan

    def log(self, label: str, total: int, *, per_stream: int = 20) -> list[Commit]:
        """A log of ``total`` events for the read bench: streams of ``per_stream`` events."""
        plan: list[Commit] = []
        remaining = total
        while remaining > 0:
            [commit] = self.commits(f"{label}{len(plan)}", 1, min(per_stream, remaining))
            plan.append(commit)
            remaining -= len(commit.events)
        return plan


def average_sizes(sample: Sequence[NewEvent]) -> tuple[float, float]:
    """Mean UTF-8 bytes of ``data`` and of ``metadata`` as stored."""
    if not sample:
        raise ValueError("no events to measure")
    data = sum(len(dump(e.data).encode()) for e in sample) / len(sample)
    meta = sum(len(dump(e.metadata).encode()) for e in sample) / len(sample)
    return data, meta
