"""Read routes: order list, order detail with its cross-service timeline, supplier work queue."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from shared.events.statuses import OrderStatus
from shared.service.api import Actor, ActorDep, MinPositionDep
from shared.service.as_of import AsOfQuery, as_of_body, fold_as_of
from shared.service.auth.access import ANALYST, OPS, SUPPLIER, TRADERS
from shared.service.changes import changed
from shared.service.edge import Edge, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers
from shared.service.shapes import money

from ..domain.decide import order_decider
from ..views.timeline import empty_facets
from .answers import OrderDetail, OrderSummary
from .deps import OrderDeps

AfterRevisionQuery = Annotated[
    int | None,
    Query(
        ge=0,
        le=1_000_000,
        description="answer once the order's revision (the events its detail holds) exceeds this",
    ),
]
WaitQuery = Annotated[
    float,
    Query(alias="wait", ge=0, le=30, description="seconds to wait for that change (long poll)"),
]
UntilStatusQuery = Annotated[
    list[OrderStatus] | None,
    Query(
        max_length=len(OrderStatus), description="long poll: answer once the status is one of these"
    ),
]
UntilCount = Annotated[
    int | None, Query(ge=1, le=1000, description="long poll: answer once there are this many")
]
PositionSource = Annotated[
    Literal["order", "pricing", "inventory", "logistics", "payment"],
    Query(description="the service whose store min_position refers to"),
]


class OrderQueries:
    """The order list, an order with its cross-service timeline, and a supplier's work queue."""

    def __init__(self, deps: OrderDeps) -> None:
        self.deps = deps
        self.context = deps.context

    async def wait(self, min_position: int, source: str = "order") -> None:
        for projection in (self.deps.summaries.name, self.deps.details.name):
            await self.context.positions.wait_for(projection, source, min_position)

    @query("/orders", roles=TRADERS, **answers(list[OrderSummary]))
    async def list_orders(
        self,
        actor: ActorDep,
        buyer_id: UUID | None = None,
        supplier_id: UUID | None = None,
        status: Annotated[OrderStatus | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
        min_position: MinPositionDep = 0,
    ) -> list[dict[str, Any]]:
        """Orders, newest first; a buyer or supplier sees only its own."""
        await self.wait(min_position)
        filters = {
            "buyer_id": str(buyer_id) if buyer_id else None,
            "supplier_id": str(supplier_id) if supplier_id else None,
            "status": status,
        }
        if actor.role in ("buyer", "supplier"):
            filters[f"{actor.role}_id"] = actor.party
        return await self.deps.summaries.query(self.context.engine, filters, limit, offset)

    @query("/orders/{order_id}", roles=TRADERS, **answers(OrderDetail))
    async def get_order(
        self,
        order_id: UUID,
        actor: ActorDep,
        min_position: MinPositionDep = 0,
        as_of: AsOfQuery = None,
        after_revision: AfterRevisionQuery = None,
        wait_seconds: WaitQuery = 0.0,
        position_of: PositionSource = "order",
        until_status: UntilStatusQuery = None,
        until_shipments: UntilCount = None,
        until_invoices: UntilCount = None,
        until_returns: UntilCount = None,
    ) -> JSONResponse:
        """The order's status, lines and prices with every service's facts and a timeline;
        with ``as_of``, the order's state folded from its events recorded by then. With
        ``position_of``, ``min_position`` is a position in that service's store (e.g. the one a
        shipment command answered), so the order reflects that command.

        Read your writes: right after a command on the order, this waits (up to 5 s) until the
        read model holds it. Long poll, with ``wait``: it answers as soon as the order has changed
        since ``after_revision`` (the ``revision`` of an earlier answer), its status is one of
        ``until_status``, and it has ``until_shipments`` shipments, ``until_invoices`` invoices
        and ``until_returns`` returns (those given), or after ``wait`` seconds with what it has.
        The server re-checks on every change of the order, so the caller asks once."""
        if as_of is not None:
            return await self.order_as_of(order_id, actor, as_of)
        await self.wait(min_position, position_of)
        counts = {"shipments": until_shipments, "invoices": until_invoices}
        counts["returns"] = until_returns
        key = str(order_id)

        async def reached(summary: dict[str, Any]) -> bool:
            # Cheapest first: a long poll re-checks on every change of the order.
            if until_status and summary["status"] not in until_status:
                return False
            since = after_revision
            if (
                since is not None
                and await self.deps.details.revision(self.context.engine, key) <= since
            ):
                return False
            if any(n is not None for n in counts.values()):
                facets = await self.deps.details.facets(self.context.engine, key)
                return all(n is None or len(facets.get(f) or ()) >= n for f, n in counts.items())
            return True

        summary, version = await self.when_reached(order_id, actor, reached, wait_seconds)
        facets, timeline = await self.deps.details.get(self.context.engine, key, _quoting(actor))
        body = {**summary, **empty_facets(), **facets, "timeline": timeline}
        body.update(version=version, revision=len(timeline))
        return JSONResponse(body, headers={"ETag": f'"{version}"'})

    async def when_reached(
        self,
        order_id: UUID,
        actor: Actor,
        reached: Callable[[dict[str, Any]], Awaitable[bool]],
        wait_seconds: float,
    ) -> tuple[dict[str, Any], int]:
        """The order's summary and version once ``reached`` holds, or after ``wait_seconds``."""
        key = str(order_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_seconds
        with self.context.changes.watch(self.deps.details.name, key) as change:
            summary, version = await self.found(order_id, actor)
            woken = False
            while not await reached(summary) and await changed(change, deadline - loop.time()):
                change.clear()
                # Known and the caller's: only what changed is read again on each change.
                summary = await self.deps.summaries.get(self.context.engine, key) or summary
                woken = True
            if woken:  # read after the summary: the ETag is never older than the body
                stream_id = self.deps.orders.stream_id(order_id)
                version = await self.context.store.stream_version(stream_id)
        return summary, version

    async def found(self, order_id: UUID, actor: Actor) -> tuple[dict[str, Any], int]:
        """The order's summary and stream version, or 404 (also for another party's order)."""
        key, stream_id = str(order_id), self.deps.orders.stream_id(order_id)
        summary = await self.deps.summaries.get(self.context.engine, key)
        version = await self.context.store.stream_version(stream_id)
        if version and (summary is None or summary["version"] < version):
            # The caller may have just written it: let the read models catch up (bounded).
            [last] = await self.context.store.read_stream(stream_id, from_version=version, limit=1)
            await self.wait(last.position)
            summary = await self.deps.summaries.get(self.context.engine, key)
            # Read after the summary, so the ETag is never older than what the body shows.
            version = await self.context.store.stream_version(stream_id)
        own = summary and {"buyer": summary["buyer_id"], "supplier": summary["supplier_id"]}
        if summary is None or (
            actor.role in ("buyer", "supplier") and own and own[actor.role] != actor.party
        ):
            raise Problem(404, "Order not found", f"no order {order_id}", field="order_id")
        return summary, version

    async def order_as_of(self, order_id: UUID, actor: Actor, as_of: datetime) -> JSONResponse:
        stream_id = self.deps.orders.stream_id(order_id)
        evolve, initial = order_decider.evolve, order_decider.initial_state()
        folded = await fold_as_of(self.context.store, stream_id, evolve, initial, as_of)
        owner = {"buyer": str(folded.state.buyer_id), "supplier": str(folded.state.supplier_id)}
        if folded.version == 0 or owner.get(actor.role, actor.party) != actor.party:
            raise Problem(404, "Order not found", f"no order {order_id} by {as_of}", "order_id")
        body = as_of_body(folded, stream_id, as_of)
        total = folded.state.total  # the order discount is in the order's currency, once priced
        body["state"]["discount"] = money(folded.state.discount, total.currency if total else None)
        return JSONResponse(body)

    @query(
        "/suppliers/{supplier_id}/queue",
        roles=(ANALYST, OPS, SUPPLIER),
        **answers(list[OrderSummary]),
    )
    async def supplier_queue(
        self, supplier_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> list[dict[str, Any]]:
        """Orders waiting for the supplier's decision, the buyer's answer or the buyer's
        prepayment, oldest first."""
        if actor.role in ("buyer",) or (
            actor.role == "supplier" and actor.party != str(supplier_id)
        ):
            raise Problem(
                404, "Supplier not found", f"no supplier {supplier_id}", field="supplier_id"
            )
        await self.wait(min_position)
        return await self.deps.summaries.queue(self.context.engine, str(supplier_id))


def query_routes(deps: OrderDeps) -> APIRouter:
    edge = Edge("order", deps.context.idempotency, prefix="", tags=["orders"])
    return edge.include(OrderQueries(deps))


def _quoting(actor: Actor) -> str | None:
    """The supplier whose view of an RFQ's history an order's timeline takes (None: all)."""
    return actor.party if actor.role == SUPPLIER else None
