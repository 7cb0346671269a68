"""Routes for buyers and suppliers: registration, auto-confirm rules, lists."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from shared.events.envelope import new_event_id
from shared.events.order import BuyerRegistered, SupplierRegistered
from shared.service.api import (
    ActorDep,
    IdempotencyKeyDep,
    IfMatchDep,
    MinPositionDep,
    accepted,
    respond,
)
from shared.service.context import CommandContext
from shared.service.errors import Problem
from shared.service.openapi_models import Accepted, answers

from ..domain.parties import RegisterBuyer, RegisterSupplier, SetAutoConfirmRule
from .access import check_role
from .answers import Buyer, Supplier
from .deps import OrderDeps
from .models import AutoConfirmIn, BuyerIn, SupplierIn

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


def party_routes(deps: OrderDeps) -> APIRouter:
    router = APIRouter(tags=["parties"])
    context = deps.context

    @router.post("/buyers", status_code=201, **answers(Accepted, status=201))
    async def register_buyer(
        body: BuyerIn, actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """Register a buyer company (operations)."""
        check_role(actor, "operations")

        async def action() -> tuple[int, Any]:
            buyer_id = body.buyer_id or new_event_id()
            event = BuyerRegistered(**body.model_dump(exclude={"buyer_id"}), buyer_id=buyer_id)
            result = await deps.buyers.handle(
                buyer_id, RegisterBuyer(event), CommandContext(actor=str(actor))
            )
            return accepted(buyer_id, result)

        payload = body.model_dump(mode="json")
        return respond(await context.idempotency.run("buyers", key, payload, action), 201)

    @router.post("/suppliers", status_code=201, **answers(Accepted, status=201))
    async def register_supplier(
        body: SupplierIn, actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """Register a supplier or distributor (operations)."""
        check_role(actor, "operations")

        async def action() -> tuple[int, Any]:
            supplier_id = body.supplier_id or new_event_id()
            event = SupplierRegistered(
                **body.model_dump(exclude={"supplier_id"}), supplier_id=supplier_id
            )
            result = await deps.suppliers.handle(
                supplier_id, RegisterSupplier(event), CommandContext(actor=str(actor))
            )
            return accepted(supplier_id, result)

        payload = body.model_dump(mode="json")
        return respond(await context.idempotency.run("suppliers", key, payload, action), 201)

    @router.put("/suppliers/{supplier_id}/auto-confirm", **answers(Accepted))
    async def set_auto_confirm(
        supplier_id: UUID,
        body: AutoConfirmIn,
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """Set the supplier's rule for confirming orders without a person."""
        check_role(actor, "supplier", "operations")
        if actor.role == "supplier" and actor.party != str(supplier_id):
            raise Problem(
                404, "Supplier not found", f"no supplier {supplier_id}", field="supplier_id"
            )

        async def action() -> tuple[int, Any]:
            command = SetAutoConfirmRule(
                supplier_id, body.enabled, body.order_types, body.max_order_total
            )
            result = await deps.suppliers.handle(
                supplier_id, command, CommandContext(actor=str(actor)), expected_version=if_match
            )
            return accepted(supplier_id, result)

        payload = {"supplier_id": str(supplier_id), **body.model_dump(mode="json")}
        return respond(await context.idempotency.run("auto-confirm", key, payload, action))

    async def _wait(min_position: int) -> None:
        await context.positions.wait_for(deps.parties.name, "order", min_position)

    @router.get("/buyers", **answers(list[Buyer]))
    async def list_buyers(
        limit: Limit = 100, offset: Offset = 0, min_position: MinPositionDep = 0
    ) -> list[dict[str, Any]]:
        await _wait(min_position)
        return await deps.parties.page(context.engine, "buyers", limit, offset)

    @router.get("/buyers/{buyer_id}", **answers(Buyer))
    async def get_buyer(
        buyer_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> dict[str, Any]:
        await _wait(min_position)
        found = await deps.parties.get(context.engine, "buyers", str(buyer_id))
        if found is None or (actor.role == "buyer" and actor.party != str(buyer_id)):
            raise Problem(404, "Buyer not found", f"no buyer {buyer_id}", field="buyer_id")
        return found

    @router.get("/suppliers", **answers(list[Supplier]))
    async def list_suppliers(
        limit: Limit = 100, offset: Offset = 0, min_position: MinPositionDep = 0
    ) -> list[dict[str, Any]]:
        await _wait(min_position)
        return await deps.parties.page(context.engine, "suppliers", limit, offset)

    return router
