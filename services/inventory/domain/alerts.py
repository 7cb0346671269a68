"""Low-stock alerts: once per crossing of the reorder threshold, not on every movement below it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from uuid import UUID

from services.inventory.domain.state import World, evolve
from shared.events.base import DomainEvent
from shared.events.inventory import (
    ReorderThresholdSet,
    ReplenishmentReason,
    ReplenishmentRequested,
    StockAdjusted,
    StockBalanceChanged,
    StockLow,
    StockReceived,
)

_REQUESTS = uuid.UUID("5b0f6d2e-4a0c-5d8e-9b7a-1f3c2e4d5a6b")
"""Fixed for ever: a replayed decision must name the same replenishment request."""


def request_id(kind: str, *parts: object) -> UUID:
    return uuid.uuid5(_REQUESTS, ":".join([kind, *map(str, parts)]))


def with_alerts(world: World, events: Sequence[DomainEvent]) -> list[DomainEvent]:
    """``events`` followed by StockLow + ReplenishmentRequested for every balance they took to or
    below its threshold that was not already low."""
    touched: list[tuple[str, UUID]] = []
    after = world
    for event in events:
        after = evolve(after, event)
        if isinstance(
            event, StockReceived | StockAdjusted | StockBalanceChanged | ReorderThresholdSet
        ):
            key = (event.sku, event.warehouse_id)
            if key not in touched:
                touched.append(key)
    alerts: list[DomainEvent] = []
    for sku, warehouse_id in touched:
        b = after.sku(sku).balance(warehouse_id)
        if b.threshold is None or b.low or b.available > b.threshold:
            continue
        alerts.append(
            StockLow(
                warehouse_id=warehouse_id,
                sku=sku,
                available=max(0, b.available),
                threshold=b.threshold,
            )
        )
        alerts.append(
            ReplenishmentRequested(
                request_id=request_id("low", sku, warehouse_id, b.alerts),
                warehouse_id=warehouse_id,
                sku=sku,
                quantity=b.reorder_quantity,
                reason=ReplenishmentReason.LOW_STOCK,
            )
        )
    return [*events, *alerts]
