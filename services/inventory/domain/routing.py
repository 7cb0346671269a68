"""Routing: which warehouses serve an order's lines, and the stored answer to "why this one"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from shared.events.base import MAX_QUANTITY
from shared.events.inventory import RoutingCandidate, RoutingDecision, Shortage, WarehouseRegistered
from shared.events.values import Allocation, OrderLine, OrderType, SkuQuantity

Availability = Mapping[tuple[str, UUID], int]
"""Available units by (sku, warehouse) at the moment of the decision."""


@dataclass(frozen=True)
class Route:
    allocations: tuple[Allocation, ...]
    shortages: tuple[Shortage, ...]
    decision: RoutingDecision | None


def rank(
    warehouses: Sequence[WarehouseRegistered], order_type: OrderType, region: str
) -> list[WarehouseRegistered]:
    """Preference order: urgent orders go fastest first, others to warehouses serving the region."""

    def key(w: WarehouseRegistered) -> tuple[int, int, int, str]:
        away = 0 if region in w.regions_served else 1
        if order_type is OrderType.URGENT:
            return (w.speed_rank, away, w.lead_time_days, str(w.warehouse_id))
        return (away, w.speed_rank, w.lead_time_days, str(w.warehouse_id))

    return sorted(warehouses, key=key)


def route(
    lines: Sequence[OrderLine],
    warehouses: Sequence[WarehouseRegistered],
    available: Availability,
    order_type: OrderType,
    region: str,
) -> Route:
    """Fill each line from the most preferred warehouse that can fill it whole; split a line
    (in preference order) only when no single warehouse can."""
    ranked = rank(warehouses, order_type, region)
    left = dict(available)
    allocations: list[Allocation] = []
    shortages: list[Shortage] = []
    notes: list[str] = []
    for line in lines:
        stock = [(w, left.get((line.sku, w.warehouse_id), 0)) for w in ranked]
        whole = next((w for w, units in stock if units >= line.quantity), None)
        if whole is not None:
            taken = [(whole, line.quantity)]
            notes.append(f"line {line.line_no} whole from {whole.name}")
        elif sum(units for _, units in stock) >= line.quantity:
            taken = _split(line.quantity, stock)
            names = ", ".join(f"{w.name} ({q})" for w, q in taken)
            notes.append(f"line {line.line_no} split, no warehouse had {line.quantity}: {names}")
        else:
            total = sum(units for _, units in stock)
            shortages.append(
                Shortage(
                    line_no=line.line_no, sku=line.sku, requested=line.quantity, available=total
                )
            )
            continue
        for w, quantity in taken:
            left[(line.sku, w.warehouse_id)] -= quantity
            allocations.append(
                Allocation(
                    line_no=line.line_no,
                    sku=line.sku,
                    warehouse_id=w.warehouse_id,
                    quantity=quantity,
                )
            )
    if shortages or not allocations:
        return Route(tuple(allocations), tuple(shortages), None)
    return Route(
        tuple(allocations),
        (),
        _decision(lines, ranked, available, allocations, order_type, region, notes),
    )


def _split(
    quantity: int, stock: list[tuple[WarehouseRegistered, int]]
) -> list[tuple[WarehouseRegistered, int]]:
    taken: list[tuple[WarehouseRegistered, int]] = []
    for w, units in stock:
        if quantity == 0:
            break
        if units > 0:
            part = min(units, quantity)
            taken.append((w, part))
            quantity -= part
    return taken


def _decision(
    lines: Sequence[OrderLine],
    ranked: Sequence[WarehouseRegistered],
    available: Availability,
    allocations: Sequence[Allocation],
    order_type: OrderType,
    region: str,
    notes: Sequence[str],
) -> RoutingDecision:
    chosen = {a.warehouse_id for a in allocations}
    skus = sorted({line.sku for line in lines})
    candidates = tuple(
        RoutingCandidate(
            warehouse_id=w.warehouse_id,
            serves_region=region in w.regions_served,
            speed_rank=w.speed_rank,
            lead_time_days=w.lead_time_days,
            available=tuple(
                SkuQuantity(sku=s, quantity=_recorded(available.get((s, w.warehouse_id), 0)))
                for s in skus
            ),
            chosen=w.warehouse_id in chosen,
        )
        for w in ranked
    )
    urgent = order_type is OrderType.URGENT
    rule = "fastest-first" if urgent else "region-first"
    why = (
        "urgent order: fastest warehouse (speed rank) first, then region"
        if urgent
        else f"warehouses serving region {region} first, then fastest"
    )
    return RoutingDecision(
        rule=rule,
        order_type=order_type,
        delivery_region=region,
        candidates=candidates,
        reason=f"{why}; one warehouse per line where one can fill it; " + "; ".join(notes),
    )


def _recorded(units: int) -> int:
    """Availability as a decision records it: never negative, at most MAX_QUANTITY (a restocked
    return may take a balance past what receipts may)."""
    return min(max(0, units), MAX_QUANTITY)
