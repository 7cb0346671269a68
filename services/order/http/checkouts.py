"""POST /checkouts: a cart with several suppliers' lines becomes one order per supplier, all
placed or none (one unit of work of the order database), idempotent as a whole."""

from __future__ import annotations

import uuid
from dataclasses import replace
from uuid import UUID

from fastapi import APIRouter

from shared.events.envelope import new_event_id
from shared.events.order import OrderSource, SourceKind
from shared.service.auth.access import BUYER, OPS
from shared.service.edge import Answer, Call, Edge, command
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

from ..domain.commands import PlaceOrder
from ..domain.errors import InvalidOrderLine
from ..domain.placement import check_lines
from .answers import CheckoutPlaced
from .deps import OrderDeps
from .models import CheckoutGroupIn, CheckoutIn, PlaceOrderIn
from .orders import OrderCommands

CHECKOUT_IDS = uuid.UUID("c1e7d0a4-2f6b-5b39-9d8e-4a7c0b5f3e12")
"""Namespace of checkout ids derived from (buyer, Idempotency-Key): fixed for ever."""

REFUSED = "Checkout refused"


def checkout_order_id(checkout_id: UUID, supplier_id: UUID) -> UUID:
    return uuid.uuid5(checkout_id, str(supplier_id))


def _refused(index: int, field: str | None, detail: str) -> Problem:
    where = f"groups[{index}]" + (f".{field}" if field else "")
    return Problem(422, REFUSED, f"{where}: {detail}; no order was placed", field=where)


class CheckoutCommands:
    def __init__(self, deps: OrderDeps) -> None:
        self.deps = deps
        self.orders = OrderCommands(deps)

    async def placement(
        self,
        buyer_id: UUID,
        group: CheckoutGroupIn,
        index: int,
        checkout_id: UUID,
        placed_by: str = "",
    ) -> PlaceOrder:
        """The group's order, checked against the catalog before anything is placed."""
        body = PlaceOrderIn(buyer_id=buyer_id, **group.model_dump())
        order_id = checkout_order_id(checkout_id, group.supplier_id)
        try:
            placed = await self.orders.placement(body, order_id, placed_by)
            check_lines(placed)
        except Problem as problem:
            raise _refused(index, problem.field, problem.detail) from problem
        except InvalidOrderLine as broken:
            raise _refused(index, broken.field, str(broken).partition(": ")[2]) from broken
        return replace(placed, source=OrderSource(kind=SourceKind.CHECKOUT, id=checkout_id))

    @command(
        "POST", "/checkouts", roles=(BUYER, OPS), status=201, rate="orders", answer=CheckoutPlaced
    )
    async def checkout(self, call: Call, body: StrictJson[CheckoutIn]) -> Answer:
        """A buyer places a cart with several suppliers' lines: one order per supplier (a
        group each), all placed or none; a group that breaks a rule refuses the whole checkout
        (422 naming ``groups[i]...``). With an Idempotency-Key a retry gets the same orders."""
        if call.actor.role == BUYER and call.actor.party != str(body.buyer_id):
            raise Problem(422, "Not your company", "a buyer orders for itself", field="buyer_id")
        suppliers = [group.supplier_id for group in body.groups]
        for index, supplier_id in enumerate(suppliers):
            if supplier_id in suppliers[:index]:
                raise _refused(index, "supplier_id", "one group per supplier")
        key = f"{body.buyer_id}:{call.key}"
        checkout_id = uuid.uuid5(CHECKOUT_IDS, key) if call.key else new_event_id()
        placements = [
            await self.placement(body.buyer_id, group, index, checkout_id, call.person)
            for index, group in enumerate(body.groups)
        ]
        placed: list[dict[str, object]] = []
        positions: list[int] = []
        for order in placements:
            result = await self.deps.orders.handle(
                order.order_id, order, call.context(order.order_id)
            )
            placed.append(
                {
                    "order_id": str(order.order_id),
                    "supplier_id": str(order.supplier_id),
                    "stream_version": result.stream_version,
                    "position": result.position,
                }
            )
            positions.append(result.position)
        answer = {"checkout_id": str(checkout_id), "orders": placed, "position": max(positions)}
        return Answer(201, answer)


def checkout_routes(deps: OrderDeps) -> APIRouter:
    edge = Edge("order", deps.context.idempotency, prefix="", tags=["checkouts"])
    return edge.include(CheckoutCommands(deps))
