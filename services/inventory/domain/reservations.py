"""Decisions on orders' reservations: reserve (routing), release, amend, commit on shipment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from uuid import UUID

from services.inventory.domain.alerts import request_id, with_alerts
from services.inventory.domain.commands import (
    ChangeReservedQuantity,
    CommitShipment,
    FillBackorder,
    ReleaseStock,
    ReserveStock,
)
from services.inventory.domain.routing import rank, route
from services.inventory.domain.state import World
from shared.events.base import DomainEvent
from shared.events.inventory import (
    BackorderCreated,
    BalanceCause,
    ReleaseReason,
    ReplenishmentReason,
    ReplenishmentRequested,
    StockBalanceChanged,
    StockCommitted,
    StockReleased,
    StockReservationFailed,
    StockReserved,
    WarehouseRegistered,
)
from shared.events.values import Allocation, OrderLine, OrderType


def candidates(world: World, supplier_id: UUID, skus: Iterable[str]) -> list[WarehouseRegistered]:
    """The supplier's warehouses that hold a balance of any of ``skus``."""
    ids = {wh for sku in skus for wh in world.sku(sku).balances}
    return [w for w in supplier_warehouses(world, supplier_id) if w.warehouse_id in ids]


def supplier_warehouses(world: World, supplier_id: UUID) -> list[WarehouseRegistered]:
    """Every warehouse of the supplier the world knows, stock or none."""
    return [w for w in world.warehouses.values() if w.supplier_id == supplier_id]


def _availability(world: World, skus: Iterable[str]) -> dict[tuple[str, UUID], int]:
    return {(sku, wh): b.available for sku in skus for wh, b in world.sku(sku).balances.items()}


def _balance_changes(
    order_id: UUID,
    parts: Iterable[Allocation],
    cause: BalanceCause,
    sign: int,
    on_hand: bool = False,
) -> list[DomainEvent]:
    totals: dict[tuple[str, UUID], int] = defaultdict(int)
    for a in parts:
        totals[(a.sku, a.warehouse_id)] += a.quantity
    return [
        StockBalanceChanged(
            order_id=order_id,
            warehouse_id=wh,
            sku=sku,
            reserved_delta=sign * quantity,
            on_hand_delta=sign * quantity if on_hand else 0,
            cause=cause,
        )
        for (sku, wh), quantity in sorted(
            totals.items(), key=lambda item: (item[0][0], str(item[0][1]))
        )
    ]


def reserve_stock(command: ReserveStock, world: World) -> list[DomainEvent]:
    """One reservation per order: all lines or none (a presale order is back-ordered instead)."""
    if world.order(command.order_id).status != "none":
        return []
    skus = sorted({line.sku for line in command.lines})
    houses = candidates(world, command.supplier_id, skus)
    result = route(
        command.lines,
        houses,
        _availability(world, skus),
        command.order_type,
        command.delivery_region,
    )
    if result.decision is not None:
        reserved = StockReserved(
            order_id=command.order_id, allocations=result.allocations, routing=result.decision
        )
        changes = _balance_changes(command.order_id, result.allocations, BalanceCause.RESERVED, +1)
        return with_alerts(world, [reserved, *changes])
    if command.order_type is not OrderType.PRESALE:
        return [StockReservationFailed(order_id=command.order_id, shortages=result.shortages)]
    # Presale is for goods not in stock yet: any of the supplier's warehouses may receive them.
    return _backorder(command, supplier_warehouses(world, command.supplier_id), world)


def fill_backorder(command: FillBackorder, world: World) -> list[DomainEvent]:
    """A back-ordered order's lines, reserved all at once when the stock now allows it, from
    the supplier's warehouses routed as for the order's region."""
    order = world.order(command.order_id)
    preferred = world.warehouses.get(command.warehouse_id) if command.warehouse_id else None
    supplier = order.supplier_id or (preferred.supplier_id if preferred else None)
    if order.status != "backordered" or supplier is None:
        return []
    region = order.region
    if order.supplier_id is None and preferred is not None:
        region = preferred.regions_served[0]  # a v1 back-order did not record its region
    skus = sorted({line.sku for line in command.lines})
    houses = candidates(world, supplier, skus)
    result = route(command.lines, houses, _availability(world, skus), OrderType.PRESALE, region)
    if result.decision is None:
        return []  # still short: it waits for the next delivery
    decision = result.decision.model_copy(
        update={"rule": "backorder", "reason": "stock arrived: " + result.decision.reason}
    )
    reserved = StockReserved(
        order_id=command.order_id, allocations=result.allocations, routing=decision
    )
    changes = _balance_changes(command.order_id, result.allocations, BalanceCause.RESERVED, +1)
    return with_alerts(world, [reserved, *changes])


def _backorder(
    command: ReserveStock, houses: list[WarehouseRegistered], world: World
) -> list[DomainEvent]:
    """The whole presale order waits; more stock is asked for what is missing."""
    ranked = rank(houses, command.order_type, command.delivery_region)
    preferred = ranked[0].warehouse_id if ranked else None
    events: list[DomainEvent] = [
        BackorderCreated(
            order_id=command.order_id,
            lines=command.lines,
            warehouse_id=preferred,
            supplier_id=command.supplier_id,
            delivery_region=command.delivery_region,
        )
    ]
    for line in command.lines:
        missing = line.quantity - sum(
            max(0, world.sku(line.sku).balance(w.warehouse_id).available) for w in ranked
        )
        if preferred is not None and missing > 0:
            events.append(
                ReplenishmentRequested(
                    request_id=request_id("backorder", command.order_id, line.line_no),
                    warehouse_id=preferred,
                    sku=line.sku,
                    quantity=missing,
                    reason=ReplenishmentReason.BACKORDER,
                )
            )
    return events


def release_stock(command: ReleaseStock, world: World) -> list[DomainEvent]:
    """Give back what the order still holds reserved (never what has shipped)."""
    held = _held(world, command.order_id)
    if not held:
        return []
    released = StockReleased(order_id=command.order_id, releases=tuple(held), reason=command.reason)
    return with_alerts(
        world, [released, *_balance_changes(command.order_id, held, BalanceCause.RELEASED, -1)]
    )


def _held(world: World, order_id: UUID, line_no: int | None = None) -> list[Allocation]:
    return [
        Allocation(line_no=line, sku=p.sku, warehouse_id=wh, quantity=p.reserved)
        for (line, wh), p in sorted(
            world.order(order_id).placements.items(), key=lambda i: (i[0][0], str(i[0][1]))
        )
        if p.reserved > 0 and (line_no is None or line == line_no)
    ]


def change_reserved_quantity(command: ChangeReservedQuantity, world: World) -> list[DomainEvent]:
    """After an accepted amendment: release surplus, or reserve more where stock allows; what
    cannot be reserved is back-ordered so it stays visible."""
    order = world.order(command.order_id)
    if order.status != "reserved":
        return []
    releases: list[Allocation] = []
    extra: list[OrderLine] = []
    for line_no, sku, quantity in command.lines:
        if any(p.sku != sku for (line, _), p in order.placements.items() if line == line_no):
            continue  # a line keeps its SKU (the order service refuses another): nothing to move
        current = order.reserved_for_line(line_no)
        if quantity < current:
            releases.extend(_trim(_held(world, command.order_id, line_no), current - quantity))
        elif quantity > current and order.amended_backorders.get(line_no) != quantity - current:
            # (the same units already back-ordered: a redelivered amendment changes nothing)
            extra.append(OrderLine(line_no=line_no, sku=sku, quantity=quantity - current))
    events: list[DomainEvent] = []
    if releases:
        events.append(
            StockReleased(
                order_id=command.order_id, releases=tuple(releases), reason=ReleaseReason.AMENDMENT
            )
        )
        events.extend(_balance_changes(command.order_id, releases, BalanceCause.RELEASED, -1))
    if extra:
        events.extend(_reserve_more(command.order_id, extra, world))
    return with_alerts(world, events) if events else []


def _trim(held: list[Allocation], surplus: int) -> list[Allocation]:
    """Release ``surplus`` units, last placements first."""
    out: list[Allocation] = []
    for a in reversed(held):
        if surplus == 0:
            break
        part = min(a.quantity, surplus)
        out.append(a.model_copy(update={"quantity": part}))
        surplus -= part
    return out


def _reserve_more(order_id: UUID, lines: list[OrderLine], world: World) -> list[DomainEvent]:
    placed = world.order(order_id).placements
    supplier = next(
        (world.warehouses[wh].supplier_id for (_, wh) in placed if wh in world.warehouses), None
    )
    skus = sorted({line.sku for line in lines})
    houses = candidates(world, supplier, skus) if supplier is not None else []
    order = world.order(order_id)
    result = route(lines, houses, _availability(world, skus), order.order_type, order.region)
    if result.decision is None:
        return [BackorderCreated(order_id=order_id, lines=tuple(lines))]
    decision = result.decision.model_copy(
        update={"rule": "amendment", "reason": "amended quantity: " + result.decision.reason}
    )
    reserved = StockReserved(order_id=order_id, allocations=result.allocations, routing=decision)
    return [reserved, *_balance_changes(order_id, result.allocations, BalanceCause.RESERVED, +1)]


def commit_shipment(command: CommitShipment, world: World) -> list[DomainEvent]:
    """Shipped units leave on hand; the order's reservation at that warehouse is used first."""
    order = world.order(command.order_id)
    if command.shipment_id in order.shipments:
        return []
    committed: list[OrderLine] = []
    changes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in command.lines:
        held = order.placements.get((line.line_no, command.warehouse_id))
        from_reservation = min(line.quantity, held.reserved if held else 0)
        balance = world.sku(line.sku).balance(command.warehouse_id)
        spare = max(0, balance.available + changes[line.sku][1] - changes[line.sku][0])
        quantity = from_reservation + min(line.quantity - from_reservation, spare)
        if quantity > 0:
            committed.append(line.model_copy(update={"quantity": quantity}))
            changes[line.sku][0] -= from_reservation
            changes[line.sku][1] -= quantity
    if not committed:
        return []
    event = StockCommitted(
        order_id=command.order_id,
        shipment_id=command.shipment_id,
        warehouse_id=command.warehouse_id,
        lines=tuple(committed),
    )
    moves = [
        StockBalanceChanged(
            order_id=command.order_id,
            warehouse_id=command.warehouse_id,
            sku=sku,
            reserved_delta=rd,
            on_hand_delta=od,
            cause=BalanceCause.COMMITTED,
        )
        for sku, (rd, od) in sorted(changes.items())
        if rd or od
    ]
    return with_alerts(world, [event, *moves])
