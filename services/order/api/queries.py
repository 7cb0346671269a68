"""Read routes: order list, order detail with its cross-service timeline, supplier work queue."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from shared.service.api import Actor, ActorDep, MinPositionDep
from shared.service.as_of import AsOfQuery, as_of_body, fold_as_of
from shared.service.errors import Problem

from ..domain.decide import order_decider
from ..projections.facets import empty_facets
from .deps import OrderDeps

STATUSES = (
    "placed|awaiting_confirmation|backordered|confirmed|awaiting_prepayment|amendment_proposed"
    "|shipped|delivered"
    "|accepted|invoiced|completed|rejected|cancelled"
)


def query_routes(deps: OrderDeps) -> APIRouter:
    router = APIRouter(tags=["orders"])
    context = deps.context

    async def wait(min_position: int) -> None:
        for projection in (deps.summaries.name, deps.details.name):
            await context.positions.wait_for(projection, "order", min_position)

    @router.get("/orders")
    async def list_orders(
        actor: ActorDep,
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        status: Annotated[str | None, Query(pattern=f"^({STATUSES})$")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Orders, newest first; a buyer or supplier sees only its own."""
        await wait(min_position)
        filters = {
            "buyer_id": str(buyer_id) if buyer_id else None,
            "supplier_id": str(supplier_id) if supplier_id else None,
            "status": status,
        }
        if actor.role in ("buyer", "supplier"):
            filters[f"{actor.role}_id"] = actor.party
        return await deps.summaries.query(context.engine, filters, limit, offset)

    @router.get("/orders/{order_id}")
    async def get_order(
        order_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0, as_of: AsOfQuery = None
    ) -> JSONResponse:
        """The order's status, lines and prices with every service's facts and a timeline;
        with ``as_of``, the order's state folded from its events recorded by then."""
        if as_of is not None:
            return await order_as_of(order_id, actor, as_of)
        await wait(min_position)
        summary = await deps.summaries.get(context.engine, str(order_id))
        own = summary and {"buyer": summary["buyer_id"], "supplier": summary["supplier_id"]}
        if summary is None or (
            actor.role in ("buyer", "supplier") and own and own[actor.role] != actor.party
        ):
            raise Problem(404, "Order not found", f"no order {order_id}", field="order_id")
        facets, timeline = await deps.details.get(context.engine, str(order_id))
        version = await context.store.stream_version(deps.orders.stream_id(order_id))
        body = {**summary, **empty_facets(), **facets, "timeline": timeline, "version": version}
        return JSONResponse(body, headers={"ETag": f'"{version}"'})

    async def order_as_of(order_id: UUID, actor: Actor, as_of: datetime) -> JSONResponse:
        stream_id = deps.orders.stream_id(order_id)
        evolve, initial = order_decider.evolve, order_decider.initial_state()
        folded = await fold_as_of(context.store, stream_id, evolve, initial, as_of)
        owner = {"buyer": str(folded.state.buyer_id), "supplier": str(folded.state.supplier_id)}
        if folded.version == 0 or owner.get(actor.role, actor.party) != actor.party:
            raise Problem(404, "Order not found", f"no order {order_id} by {as_of}", "order_id")
        return JSONResponse(as_of_body(folded, stream_id, as_of))

    @router.get("/suppliers/{supplier_id}/queue")
    async def supplier_queue(
        supplier_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> list[dict[str, Any]]:
        """Orders waiting for the supplier's decision, the buyer's answer or the buyer's
        prepayment, oldest first."""
        if actor.role in ("buyer",) or (
            actor.role == "supplier" and actor.party != str(supplier_id)
        ):
            raise Problem(
                404, "Supplier not found", f"no supplier {supplier_id}", field="supplier_id"
            )
        await wait(min_position)
        return await deps.summaries.queue(context.engine, str(supplier_id))

    return router
