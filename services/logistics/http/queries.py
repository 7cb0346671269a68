"""HTTP queries of the logistics service. ``min_position`` waits for the read model
(read-your-writes); buyers, warehouses and carriers see only what is theirs."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from services.logistics.http.answers import Carrier, DeliveryAddress, ReturnOut, Shipment
from services.logistics.views.master_data import CarrierDirectory, DeliveryAddressBook
from services.logistics.views.returns import ReturnLog
from services.logistics.views.shipments import ShipmentTracking
from shared.service.api import Actor, ActorDep, MinPositionDep
from shared.service.auth.access import ANALYST, BUYER, CARRIER, EVERYONE, OPS, WAREHOUSE, allow
from shared.service.definition import ServiceContext
from shared.service.errors import Problem
from shared.service.openapi_models import answers

SOURCE = "logistics"

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


@dataclass(frozen=True)
class ReadModels:
    context: ServiceContext
    carriers: CarrierDirectory
    addresses: DeliveryAddressBook
    tracking: ShipmentTracking
    returns: ReturnLog

    async def wait(self, projection: str, position: int) -> None:
        await self.context.positions.wait_for(projection, SOURCE, position)

    async def _order_of(self, projection: str, find: Any, what: str, ident: UUID) -> UUID:
        """The order an id belongs to; waits once for the read model to reach the store's head."""
        rows = await find()
        if not rows:
            await self.wait(projection, await self.context.store.head_position())
            rows = await find()
        if not rows:
            raise Problem(404, f"Unknown {what}", f"no {what} {ident}", field=f"{what}_id")
        return UUID(rows[0]["order_id"])

    async def order_of_shipment(self, shipment_id: UUID) -> UUID:
        engine = self.context.engine

        async def find() -> list[dict[str, Any]]:
            return await self.tracking.search(engine, shipment_id=str(shipment_id))

        return await self._order_of(self.tracking.name, find, "shipment", shipment_id)

    async def order_of_return(self, return_id: UUID) -> UUID:
        engine = self.context.engine

        async def find() -> list[dict[str, Any]]:
            return await self.returns.search(engine, return_id=str(return_id))

        return await self._order_of(self.returns.name, find, "return", return_id)


def _scope(actor: Actor) -> dict[str, str]:
    """The filter that keeps a partner to its own shipments."""
    column = {"buyer": "buyer_id", "warehouse": "warehouse_id", "carrier": "carrier_id"}
    return {column[actor.role]: actor.party} if actor.role in column else {}


def _json(rows: Sequence[dict[str, Any]] | dict[str, Any], etag: int | None = None) -> JSONResponse:
    headers = {"ETag": f'"{etag}"'} if etag is not None else None
    return JSONResponse(jsonable_encoder(rows), headers=headers)


def make_query_router(context: ServiceContext, reads: ReadModels) -> APIRouter:
    router = APIRouter()
    engine = context.engine

    async def carrier_urls(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        templates = {
            c["carrier_id"]: c["tracking_url_template"] for c in await reads.carriers.list(engine)
        }
        for row in rows:
            template = templates.get(row.get("carrier_id"))
            number = row.get("tracking_number")
            row["tracking_url"] = (
                template.replace("{tracking_number}", number) if template and number else None
            )
        return rows

    @router.get(
        "/shipments",
        openapi_extra=allow(ANALYST, BUYER, CARRIER, OPS, WAREHOUSE),
        **answers(list[Shipment]),
    )
    async def shipments(
        actor: ActorDep,
        order_id: UUID | None = None,
        warehouse_id: UUID | None = None,
        carrier_id: UUID | None = None,
        buyer_id: UUID | None = None,
        status: ShipmentStatusName | None = None,
        min_position: MinPositionDep = 0,
    ) -> JSONResponse:
        """Shipments with their tracking state, filtered."""
        await reads.wait(reads.tracking.name, min_position)
        filters = {
            "order_id": order_id,
            "warehouse_id": warehouse_id,
            "carrier_id": carrier_id,
            "buyer_id": buyer_id,
        }
        chosen = {k: str(v) for k, v in filters.items() if v is not None}
        chosen.update(_scope(actor))
        rows = await reads.tracking.search(engine, status=status, **chosen)
        return _json(await carrier_urls(rows))

    @router.get(
        "/shipments/{shipment_id}",
        openapi_extra=allow(ANALYST, BUYER, CARRIER, OPS, WAREHOUSE),
        **answers(Shipment),
    )
    async def shipment(
        shipment_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        """One shipment with its tracking history, ETA, delays and damage; ETag for If-Match."""
        await reads.wait(reads.tracking.name, min_position)
        found = await reads.tracking.find(engine, str(shipment_id))
        scope = _scope(actor)
        if found is None or any(found.get(k) != v for k, v in scope.items()):
            raise Problem(
                404, "Unknown shipment", f"no shipment {shipment_id}", field="shipment_id"
            )
        history = found["history"]
        found["delays"] = [h for h in history if h["event_type"] == "ShipmentDelayed"]
        found["damage"] = [h for h in history if h["event_type"] == "ShipmentDamaged"]
        (found,) = await carrier_urls([found])
        return _json(found, etag=found["stream_version"])

    @router.get(
        "/warehouses/{warehouse_id}/shipments",
        openapi_extra=allow(ANALYST, OPS, WAREHOUSE),
        **answers(list[Shipment]),
    )
    async def pick_list(
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
        await reads.wait(reads.tracking.name, min_position)
        rows = await reads.tracking.search(engine, warehouse_id=str(warehouse_id), status=status)
        return _json(rows)

    @router.get(
        "/returns", openapi_extra=allow(ANALYST, OPS, WAREHOUSE), **answers(list[ReturnOut])
    )
    async def returns(
        actor: ActorDep,
        order_id: UUID | None = None,
        warehouse_id: UUID | None = None,
        status: Literal["authorized", "received"] | None = None,
        min_position: MinPositionDep = 0,
    ) -> JSONResponse:
        """Returns authorised after rejections, and what came back."""
        await reads.wait(reads.returns.name, min_position)
        warehouse = str(warehouse_id) if warehouse_id else None
        if actor.role == "warehouse":
            warehouse = actor.party
        rows = await reads.returns.search(
            engine,
            order_id=str(order_id) if order_id else None,
            warehouse_id=warehouse,
            status=status,
        )
        return _json(rows)

    @router.get(
        "/returns/{return_id}", openapi_extra=allow(ANALYST, OPS, WAREHOUSE), **answers(ReturnOut)
    )
    async def one_return(
        return_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        await reads.wait(reads.returns.name, min_position)
        rows = await reads.returns.search(engine, return_id=str(return_id))
        if not rows or (actor.role == "warehouse" and rows[0]["warehouse_id"] != actor.party):
            raise Problem(404, "Unknown return", f"no return {return_id}", field="return_id")
        return _json(rows[0])

    @router.get("/carriers", openapi_extra=allow(*EVERYONE), **answers(list[Carrier]))
    async def carriers(min_position: MinPositionDep = 0) -> JSONResponse:
        await reads.wait(reads.carriers.name, min_position)
        return _json(await reads.carriers.list(engine))

    @router.get("/carriers/{carrier_id}", openapi_extra=allow(*EVERYONE), **answers(Carrier))
    async def carrier(carrier_id: UUID, min_position: MinPositionDep = 0) -> JSONResponse:
        await reads.wait(reads.carriers.name, min_position)
        rows = await reads.carriers.list(engine, str(carrier_id))
        if not rows:
            raise Problem(404, "Unknown carrier", f"no carrier {carrier_id}", field="carrier_id")
        return _json(rows[0])

    @router.get(
        "/delivery-addresses",
        openapi_extra=allow(ANALYST, BUYER, OPS),
        **answers(list[DeliveryAddress]),
    )
    async def addresses(
        actor: ActorDep, buyer_id: UUID | None = None, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        """Delivery addresses; a buyer sees only its own."""
        await reads.wait(reads.addresses.name, min_position)
        buyer = actor.party if actor.role == "buyer" else (str(buyer_id) if buyer_id else None)
        return _json(await reads.addresses.list(engine, buyer_id=buyer))

    @router.get(
        "/delivery-addresses/{address_id}",
        openapi_extra=allow(ANALYST, BUYER, OPS),
        **answers(DeliveryAddress),
    )
    async def address(
        address_id: UUID, actor: ActorDep, min_position: MinPositionDep = 0
    ) -> JSONResponse:
        await reads.wait(reads.addresses.name, min_position)
        rows = await reads.addresses.list(engine, address_id=str(address_id))
        if not rows or (actor.role == "buyer" and rows[0]["buyer_id"] != actor.party):
            raise Problem(
                404, "Unknown delivery address", f"no address {address_id}", field="address_id"
            )
        return _json(rows[0])

    return router
