"""Order commands: place, confirm, reject, amend and answer, cancel (If-Match, Idempotency-Key)."""

import re
import uuid
from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter

from shared.events.envelope import new_event_id
from shared.events.values import USERNAME_PATTERN, OrderLine, Party
from shared.service.auth.access import BUYER, OPS, SUPPLIER
from shared.service.edge import Accepted, Call, Edge, command
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

from ..domain.commands import (
    AcceptAmendment,
    CancelOrder,
    Command,
    ConfirmOrder,
    DeclineAmendment,
    PlaceOrder,
    ProposeAmendment,
    RejectOrder,
    ReleaseOrder,
)
from .access import check_sees, party_of
from .answers import ProposalAccepted
from .deps import OrderDeps
from .models import AmendmentIn, ConfirmIn, OptionalReasonIn, PlaceOrderIn, ReasonIn

ORDER_IDS = uuid.UUID("6f1d0c57-3f0b-5b8e-9a51-2b7f3f0f7a11")
"""Namespace of order ids derived from (buyer, Idempotency-Key): fixed for ever."""

OptionalReason = StrictJson[OptionalReasonIn] | None
PERSON = re.compile(USERNAME_PATTERN)
"""A log-in name an order can carry (the Username of the events)."""


def order_id_for(buyer_id: UUID, key: str | None) -> UUID:
    return uuid.uuid5(ORDER_IDS, f"{buyer_id}:{key}") if key else new_event_id()


class OrderCommands:
    """What buyers, suppliers and operations do to an order."""

    def __init__(self, deps: OrderDeps) -> None:
        self.deps = deps

    async def decide(
        self,
        call: Call,
        order_id: UUID,
        make: Callable[[Party], Command],
        extra: dict[str, Any] | None = None,
    ) -> Accepted:
        """Send a command to an order the caller is a party to (404 for anyone else's)."""
        check_sees(call.actor, (await self.deps.orders.load(order_id)).state, order_id)
        sent = make(party_of(call.actor))
        result = await self.deps.orders.handle(
            order_id, sent, call.context(order_id), expected_version=call.expected_version
        )
        return Accepted(order_id, result, extra or {})

    @command("POST", "/orders", roles=(BUYER, OPS), status=201, rate="orders")
    async def place_order(self, call: Call, body: StrictJson[PlaceOrderIn]) -> Accepted:
        """A buyer places an order with one supplier; lines must fit pack sizes and MOQs."""
        if call.actor.role == BUYER and call.actor.party != str(body.buyer_id):
            raise Problem(422, "Not your company", "a buyer orders for itself", field="buyer_id")
        placed = await self.placement(body, order_id_for(body.buyer_id, call.key), call.person)
        result = await self.deps.orders.handle(
            placed.order_id, placed, call.context(placed.order_id)
        )
        return Accepted(placed.order_id, result)

    async def placement(
        self, body: PlaceOrderIn, order_id: UUID, placed_by: str = ""
    ) -> PlaceOrder:
        buyer = (await self.deps.buyers.load(body.buyer_id)).state
        if not buyer.registered:
            raise Problem(422, "Unknown buyer", f"no buyer {body.buyer_id}", field="buyer_id")
        supplier = (await self.deps.suppliers.load(body.supplier_id)).state
        if not supplier.registered:
            detail = f"no supplier {body.supplier_id}"
            raise Problem(422, "Unknown supplier", detail, field="supplier_id")
        lines = tuple(
            OrderLine(line_no=line.line_no or index + 1, sku=line.sku, quantity=line.quantity)
            for index, line in enumerate(body.lines)
        )
        if len({line.line_no for line in lines}) != len(lines):
            raise Problem(422, "Invalid request", "each line number once", field="lines")
        skus = {line.sku for line in lines}
        catalog = await self.deps.products.rules_for(
            self.deps.context.engine, body.supplier_id, skus
        )
        return PlaceOrder(
            order_id=order_id,
            buyer_id=body.buyer_id,
            supplier_id=body.supplier_id,
            order_type=body.order_type,
            lines=lines,
            delivery_region=body.delivery_region or buyer.delivery_region or "default",
            catalog=catalog,
            delivery_address_id=body.delivery_address_id,
            requested_delivery_date=body.requested_delivery_date,
            coupon_code=body.coupon_code,
            buyer_reference=body.buyer_reference,
            placed_by=placed_by if PERSON.fullmatch(placed_by) else None,
        )

    @command("POST", "/orders/{order_id}/confirm", roles=(SUPPLIER, OPS), versioned=True)
    async def confirm_order(
        self, call: Call, order_id: UUID, body: StrictJson[ConfirmIn]
    ) -> Accepted:
        """The supplier commits to the agreed lines and prices."""
        return await self.decide(call, order_id, lambda _: ConfirmOrder(body.delivery_date))

    @command("POST", "/orders/{order_id}/reject", roles=(SUPPLIER, OPS), versioned=True)
    async def reject_order(
        self, call: Call, order_id: UUID, body: StrictJson[ReasonIn]
    ) -> Accepted:
        """The supplier turns the order down, saying why."""
        return await self.decide(call, order_id, lambda party: RejectOrder(body.reason, party))

    @command("POST", "/orders/{order_id}/cancel", roles=(BUYER, SUPPLIER, OPS), versioned=True)
    async def cancel_order(
        self, call: Call, order_id: UUID, body: StrictJson[ReasonIn]
    ) -> Accepted:
        """Buyer or supplier calls the order off; refused once goods have shipped."""
        return await self.decide(call, order_id, lambda party: CancelOrder(body.reason, party))

    @command("POST", "/orders/{order_id}/release", roles=(SUPPLIER, OPS), versioned=True)
    async def release_order(
        self, call: Call, order_id: UUID, body: StrictJson[ReasonIn]
    ) -> Accepted:
        """The supplier lets an order held for its credit go on, saying why (409 unless held)."""
        return await self.decide(call, order_id, lambda party: ReleaseOrder(body.reason, party))

    @command(
        "POST",
        "/orders/{order_id}/amendments",
        roles=(SUPPLIER, OPS),
        versioned=True,
        answer=ProposalAccepted,
    )
    async def propose_amendment(
        self, call: Call, order_id: UUID, body: StrictJson[AmendmentIn]
    ) -> Accepted:
        """The supplier proposes changes to quantities, prices or dates; the buyer answers."""
        proposal_id = new_event_id()
        proposal = ProposeAmendment(proposal_id, body.changes, body.note)
        return await self.decide(
            call, order_id, lambda _: proposal, {"proposal_id": str(proposal_id)}
        )

    @command(
        "POST",
        "/orders/{order_id}/amendments/{proposal_id}/accept",
        roles=(BUYER, OPS),
        versioned=True,
    )
    async def accept_amendment(
        self, call: Call, order_id: UUID, proposal_id: UUID, body: OptionalReason = None
    ) -> Accepted:
        """The buyer accepts the supplier's proposal: the order takes its lines and prices."""
        return await self.decide(call, order_id, lambda _: AcceptAmendment(proposal_id))

    @command(
        "POST",
        "/orders/{order_id}/amendments/{proposal_id}/decline",
        roles=(BUYER, OPS),
        versioned=True,
    )
    async def decline_amendment(
        self, call: Call, order_id: UUID, proposal_id: UUID, body: OptionalReason = None
    ) -> Accepted:
        """The buyer declines the proposal (saying why, if it likes); the order stays as it was."""
        reason = body.reason if body else None
        return await self.decide(call, order_id, lambda _: DeclineAmendment(proposal_id, reason))


def order_routes(deps: OrderDeps) -> APIRouter:
    edge = Edge("order", deps.context.idempotency, prefix="", tags=["orders"])
    return edge.include(OrderCommands(deps))
