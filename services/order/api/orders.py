"""Order commands: place, confirm, reject, amend and answer, cancel (If-Match, Idempotency-Key)."""

import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shared.events.envelope import new_event_id
from shared.events.values import OrderLine, Party
from shared.service.api import Actor, ActorDep, IdempotencyKeyDep, IfMatchDep, accepted, respond
from shared.service.context import CommandContext
from shared.service.errors import Problem
from shared.service.openapi_models import Accepted, answers

from ..domain.commands import (
    AcceptAmendment,
    CancelOrder,
    Command,
    ConfirmOrder,
    DeclineAmendment,
    PlaceOrder,
    ProposeAmendment,
    RejectOrder,
)
from .access import check_role, check_sees
from .answers import ProposalAccepted
from .deps import OrderDeps
from .models import AmendmentIn, ConfirmIn, OptionalReasonIn, PlaceOrderIn, ReasonIn

ORDER_IDS = uuid.UUID("6f1d0c57-3f0b-5b8e-9a51-2b7f3f0f7a11")
"""Namespace of order ids derived from (buyer, Idempotency-Key): fixed for ever."""


def order_id_for(buyer_id: UUID, key: str | None) -> UUID:
    return uuid.uuid5(ORDER_IDS, f"{buyer_id}:{key}") if key else new_event_id()


def order_routes(deps: OrderDeps) -> APIRouter:
    router = APIRouter(tags=["orders"])
    context = deps.context

    async def place(body: PlaceOrderIn, actor: Actor, key: str | None) -> tuple[int, Any]:
        buyer = (await deps.buyers.load(body.buyer_id)).state
        if not buyer.registered:
            raise Problem(422, "Unknown buyer", f"no buyer {body.buyer_id}", field="buyer_id")
        supplier = (await deps.suppliers.load(body.supplier_id)).state
        if not supplier.registered:
            raise Problem(
                422, "Unknown supplier", f"no supplier {body.supplier_id}", field="supplier_id"
            )
        lines = tuple(
            OrderLine(line_no=line.line_no or index + 1, sku=line.sku, quantity=line.quantity)
            for index, line in enumerate(body.lines)
        )
        if len({line.line_no for line in lines}) != len(lines):
            raise Problem(422, "Invalid request", "each line number once", field="lines")
        catalog = await deps.products.rules_for(
            context.engine, body.supplier_id, {line.sku for line in lines}
        )
        order_id = order_id_for(body.buyer_id, key)
        command = PlaceOrder(
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
        )
        ctx = CommandContext(actor=str(actor), correlation_id=order_id)
        return accepted(order_id, await deps.orders.handle(order_id, command, ctx))

    @router.post("/orders", status_code=201, **answers(Accepted, status=201))
    async def place_order(
        body: PlaceOrderIn, actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """A buyer places an order with one supplier; lines must fit pack sizes and MOQs."""
        check_role(actor, "buyer", "operations")
        if actor.role == "buyer" and actor.party != str(body.buyer_id):
            raise Problem(422, "Not your company", "a buyer orders for itself", field="buyer_id")
        payload = body.model_dump(mode="json")
        scope = f"orders:{body.buyer_id}"
        stored = await context.idempotency.run(scope, key, payload, lambda: place(body, actor, key))
        return respond(stored, 201)

    async def run(
        order_id: UUID,
        actor: Actor,
        if_match: int | None,
        key: str | None,
        name: str,
        payload: dict[str, Any],
        make: Callable[[Party], Command],
        roles: tuple[str, ...],
        extra: dict[str, Any] | None = None,
    ) -> JSONResponse:
        party = check_role(actor, *roles)
        check_sees(actor, (await deps.orders.load(order_id)).state, order_id)

        async def action() -> tuple[int, Any]:
            ctx = CommandContext(actor=str(actor), correlation_id=order_id)
            result = await deps.orders.handle(order_id, make(party), ctx, expected_version=if_match)
            status, answer = accepted(order_id, result)
            return status, {**answer, **(extra or {})}

        scope = f"order:{order_id}:{name}"
        body = {**payload, "actor": str(actor)}
        return respond(await context.idempotency.run(scope, key, body, action))

    @router.post("/orders/{order_id}/confirm", **answers(Accepted))
    async def confirm_order(
        order_id: UUID,
        body: ConfirmIn,
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """The supplier commits to the agreed lines and prices."""
        payload = body.model_dump(mode="json")
        return await run(
            order_id, actor, if_match, key, "confirm", payload,
            lambda _: ConfirmOrder(body.delivery_date), ("supplier", "operations"),
        )  # fmt: skip

    @router.post("/orders/{order_id}/reject", **answers(Accepted))
    async def reject_order(
        order_id: UUID,
        body: ReasonIn,
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """The supplier turns the order down, saying why."""
        payload = body.model_dump(mode="json")
        return await run(
            order_id, actor, if_match, key, "reject", payload,
            lambda party: RejectOrder(body.reason, party), ("supplier", "operations"),
        )  # fmt: skip

    @router.post("/orders/{order_id}/cancel", **answers(Accepted))
    async def cancel_order(
        order_id: UUID,
        body: ReasonIn,
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Buyer or supplier calls the order off; refused once goods have shipped."""
        payload = body.model_dump(mode="json")
        return await run(
            order_id, actor, if_match, key, "cancel", payload,
            lambda party: CancelOrder(body.reason, party), ("buyer", "supplier", "operations"),
        )  # fmt: skip

    @router.post("/orders/{order_id}/amendments", **answers(ProposalAccepted))
    async def propose_amendment(
        order_id: UUID,
        body: AmendmentIn,
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """The supplier proposes changes to quantities, prices or dates; the buyer answers."""
        proposal_id = new_event_id()
        return await run(
            order_id,
            actor,
            if_match,
            key,
            "amendments",
            body.model_dump(mode="json"),
            lambda _: ProposeAmendment(proposal_id, body.changes, body.note),
            ("supplier", "operations"),
            {"proposal_id": str(proposal_id)},
        )

    def answer_route(path: str, make: Callable[[UUID, OptionalReasonIn], Command]) -> None:
        async def route(
            order_id: UUID,
            proposal_id: UUID,
            actor: ActorDep,
            if_match: IfMatchDep,
            body: OptionalReasonIn | None = None,
            key: IdempotencyKeyDep = None,
        ) -> JSONResponse:
            answer = body or OptionalReasonIn()
            payload = {"proposal_id": str(proposal_id), **answer.model_dump(mode="json")}
            return await run(
                order_id,
                actor,
                if_match,
                key,
                f"amendments:{proposal_id}:{path}",
                payload,
                lambda _: make(proposal_id, answer),
                ("buyer", "operations"),
            )

        route.__name__ = f"{path}_amendment"
        router.add_api_route(
            f"/orders/{{order_id}}/amendments/{{proposal_id}}/{path}",
            route,
            methods=["POST"],
            **answers(Accepted),
        )

    answer_route("accept", lambda p, _: AcceptAmendment(p))
    answer_route("decline", lambda p, b: DeclineAmendment(p, b.reason))
    return router


Handler = Callable[[], Awaitable[tuple[int, Any]]]
