"""HTTP queries of the logistics service. ``min_position`` waits for the read model
(read-your-writes); buyers, warehouses and carriers see only what is theirs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from shared.events.logistics import ShipmentDamaged, ShipmentDelayed
from shared.service.api import Actor, ActorDep, MinPositionDep
from shared.service.auth.access import ANALYST, BUYER, CARRIER, EVERYONE, OPS, WAREHOUSE
from shared.service.edge import Edge, query
from shared.service.errors import Problem
from shared.service.openapi_models import answers

from .answers import Carrier, DeliveryAddress, ReturnOut, Shipment
from .deps import LogisticsDeps

ShipmentStatusName = Literal[
    "planned",
    "shipped",
    "in_transit",
    "delivered",
    "accepted",
    "partially_accepted",
    "rejected",
    "cancelled",
]
SHIPMENT_READERS = (ANALYST, BUYER, CARRIER, OPS, WAREHOUSE)


def _scope(actor: Actor) -> dict[str, str]:
    """The filter that keeps a partner to its own shipments."""
    column = {"buyer": "buyer_id", "warehouse": "warehouse_id", "carrier": "carrier_id"}
    return {column[actor.role]: actor.party} if actor.role in column else {}


def _json(rows: Sequence[dict[str, Any]] | dict[str, Any], etag: int | None = None) -> JSONResponse:
    headers = {"ETag": f'"{etag}"'} if etag is not None else None
    return JSONResponse(jsonable_encoder(rows), headers=headers)


class ShipmentQueries:
    """Shipments with their tracking state, a warehouse's pick list, and returns."""

    def __init__(self, deps: LogisticsDeps) -> None:
        self.deps = deps
        self.engine = deps.context.engine

    @query("/shipments", roles=SHIPMENT_READERS, **answers(list[Shipment]))
    async def shipments(
        self,
        actor: ActorDep,
        order_id: UUID | None = None,
        warehouse_id: UUID | None = None,
        carrier_id: UUID | None = None,
        buyer_id: UUID | None = None,
        status: ShipmentStatusName | None = None,
        min_position: MinPositionDep = 0,
    ) -> JSONResponse:
        """Shipments with their tracking state, filtered."""
        await self.deps.wait(self.deps.tracking.name, min_position)
        filters = {
            "order_id": order_id,
            "warehouse_id": warehouse_id,
            "carrier_id": carrier_id,
            "buyer_id": buyer_id,
        }
        chosen = {k: str(v) for k, v in filters.items() if v is not None}
        chosen.update(_scope(actor))
        rows = await self.deps.tracking.search(self.engine, status=status, **chosen)
        return _json(await self.deps.carrier_directory.with_tracking_urls(self.engine, rows))

    @query("/shipments/{shipment_id}", roles=SHIPMENT_READERS, **answers(Shipment))
    async def shipment(
        self, shipment_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        """One shipment with its tracking history, ETA, delays and damage; ETag for If-Match."""
        await self.deps.wait(self.deps.tracking.name, min_position)
        found = await self.deps.tracking.find(self.engine, str(shipment_id))
        scope = _scope(actor)
        if found is None or any(found.get(k) != v for k, v in scope.items()):
            raise Problem(
                404, "Unknown shipment", f"no shipment {shipment_id}", field="shipment_id"
            )
        history = found["history"]
        found["delays"] = [h for h in history if h["event_type"] == ShipmentDelayed.event_type]
        found["damage"] = [h for h in history if h["event_type"] == ShipmentDamaged.event_type]
        (found,) = await self.deps.carrier_directory.with_tracking_urls(self.engine, [found])
        return _json(found, etag=found["stream_version"])

    @query(
        "/warehouses/{warehouse_id}/shipments",
        roles=(ANALYST, OPS, WAREHOUSE),
        **answers(list[Shipment]),
    )
    async def pick_list(
        self,
        warehouse_id: UUID,
        actor: ActorDep,
        status: ShipmentStatusName | None = None,
        min_position: MinPositionDep = 0,
    ) -> JSONResponse:
        """A warehouse's pick list: its shipments, e.g. ``?status=planned`` to pick next."""
        if actor.role == "warehouse" and actor.party != str(warehouse_id):
            raise Problem(
                403, "Forbidden", "a warehouse sees only its own shipments", field="Authorization"
            )
        await self.deps.wait(self.deps.tracking.name, min_position)
        rows = await self.deps.tracking.search(
            self.engine, warehouse_id=str(warehouse_id), status=status
        )
        return _json(rows)

    @query("/returns", roles=(ANALYST, OPS, WAREHOUSE), **answers(list[ReturnOut]))
    async def returns(
        self,
        actor: ActorDep,
        order_id: UUID | None = None,
        warehouse_id: UUID | None = None,
        status: Literal["authorized", "received"] | None = None,
        min_position: MinPositionDep = 0,
    ) -> JSONResponse:
        """Returns authorised after rejections, and what came back."""
        await self.deps.wait(self.deps.returns.name, min_position)
        warehouse = str(warehouse_id) if warehouse_id else None
        if actor.role == "warehouse":
            warehouse = actor.party
        rows = await self.deps.returns.search(
            self.engine,
            order_id=str(order_id) if order_id else None,
            warehouse_id=warehouse,
            status=status,
        )
        return _json(rows)

    @query("/returns/{return_id}", roles=(ANALYST, OPS, WAREHOUSE), **answers(ReturnOut))
    async def one_return(
        self, return_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        await self.deps.wait(self.deps.returns.name, min_position)
        rows = await self.deps.returns.search(self.engine, return_id=str(return_id))
        if not rows or (actor.role == "warehouse" and rows[0]["warehouse_id"] != actor.party):
            raise Problem(404, "Unknown return", f"no return {return_id}", field="return_id")
        return _json(rows[0])


class MasterDataQueries:
    """Carriers (everyone) and delivery addresses (a buyer its own)."""

    def __init__(self, deps: LogisticsDeps) -> None:
        self.deps = deps
        self.engine = deps.context.engine

    @query("/carriers", roles=EVERYONE, **answers(list[Carrier]))
    async def carriers(self, min_position: MinPositionDep = 0) -> JSONResponse:
        await self.deps.wait(self.deps.carrier_directory.name, min_position)
        return _json(await self.deps.carrier_directory.list(self.engine))

    @query("/carriers/{carrier_id}", roles=EVERYONE, **answers(Carrier))
    async def carrier(self, carrier_id: UUID, min_position: MinPositionDep = 0) -> JSONResponse:
        await self.deps.wait(self.deps.carrier_directory.name, min_position)
        rows = await self.deps.carrier_directory.list(self.engine, str(carrier_id))
        if not rows:
            raise Problem(404, "Unknown carrier", f"no carrier {carrier_id}", field="carrier_id")
        return _json(rows[0])

    @query(
        "/delivery-addresses",
        roles=(ANALYST, BUYER, OPS),
        **answers(list[DeliveryAddress]),
    )
    async def addresses(
        self, actor: ActorDep, buyer_id: UUID | None = None, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        """Delivery addresses; a buyer sees only its own."""
        await self.deps.wait(self.deps.address_book.name, min_position)
        buyer = actor.party if actor.role == "buyer" else (str(buyer_id) if buyer_id else None)
        return _json(await self.deps.address_book.list(self.engine, buyer_id=buyer))

    @query(
        "/delivery-addresses/{address_id}",
        roles=(ANALYST, BUYER, OPS),
        **answers(DeliveryAddress),
    )
    async def address(
        self, address_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        await self.deps.wait(self.deps.address_book.name, min_position)
        rows = await self.deps.address_book.list(self.engine, address_id=str(address_id))
        if not rows or (actor.role == "buyer" and rows[0]["buyer_id"] != actor.party):
            raise Problem(
                404, "Unknown delivery address", f"no address {address_id}", field="address_id"
            )
        return _json(rows[0])


def query_routes(deps: LogisticsDeps) -> APIRouter:
    edge = Edge("logistics", deps.context.idempotency, prefix="", tags=["logistics"])
    edge.include(ShipmentQueries(deps))
    return edge.include(MasterDataQueries(deps))
