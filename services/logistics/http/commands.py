"""HTTP commands of the logistics service: master data, shipping, carrier reports, inspection
and returns. Every POST takes an Idempotency-Key; shipment commands take If-Match (the version
of the order's fulfilment stream, as the shipment's ETag shows it)."""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.logistics.domain.decide import FulfilmentCommand
from services.logistics.domain.inspection import InspectedLine, InspectGoods, ReceiveReturn
from services.logistics.domain.master_data import (
    Address,
    Carrier,
    RegisterCarrier,
    RegisterDeliveryAddress,
)
from services.logistics.domain.shipping import (
    RecordDamage,
    RecordDelay,
    RecordDelivery,
    RecordTracking,
    ShipShipment,
)
from services.logistics.domain.state import Fulfilment
from services.logistics.http.queries import ReadModels, make_query_router
from services.logistics.http.models import (
    REMEDIES,
    AcceptanceBody,
    DamageBody,
    DelayBody,
    DeliveredBody,
    RegisterAddressBody,
    RegisterCarrierBody,
    ReturnReceivedBody,
    ShipBody,
    TrackingBody,
)
from shared.events.logistics import CarrierRegistered, DeliveryAddressRegistered
from shared.service.api import (
    Actor,
    ActorDep,
    IdempotencyKeyDep,
    IfMatchDep,
    accepted,
    respond,
)
from shared.service.auth.access import BUYER, CARRIER, OPS, SUPPLIER, WAREHOUSE, allow
from shared.service.context import CommandContext
from shared.service.definition import ServiceContext
from shared.service.errors import Problem
from shared.service.openapi_models import Accepted, answers
from shared.service.repository import CommandResult, Repository
from shared.service.strict_json import StrictJson


@dataclass(frozen=True)
class Repositories:
    fulfilments: Repository[FulfilmentCommand, Fulfilment]
    carriers: Repository[RegisterCarrier, Carrier]
    addresses: Repository[RegisterDeliveryAddress, Address]


def party_of(actor: Actor, *roles: str) -> UUID | None:
    """The actor's party id when it has one of ``roles``; operations act for anyone (None)."""
    if actor.role == "operations" and "operations" in roles:
        return None
    if actor.role not in roles:
        raise Problem(
            403, "Forbidden", f"only {' or '.join(roles)} may do this", field="Authorization"
        )
    try:
        return UUID(actor.party)
    except ValueError:
        raise Problem(403, "Forbidden", "the party must be an id", field="Authorization") from None


def make_router(context: ServiceContext, repos: Repositories, reads: ReadModels) -> APIRouter:
    router = APIRouter(prefix="/api/v1", tags=["logistics"])

    async def run(
        scope: str,
        key: str | None,
        actor: Actor,
        body: BaseModel,
        resource_id: UUID,
        action: Callable[[], Awaitable[CommandResult]],
    ) -> JSONResponse:
        async def answer() -> tuple[int, dict[str, Any]]:
            return accepted(resource_id, await action())

        payload = {"actor": str(actor), "body": body.model_dump(mode="json")}
        return respond(await context.idempotency.run(f"logistics.{scope}", key, payload, answer))

    async def fulfil(
        scope: str,
        key: str | None,
        actor: Actor,
        body: BaseModel,
        resource_id: UUID,
        order_id: UUID,
        command: FulfilmentCommand,
        if_match: int | None,
    ) -> JSONResponse:
        async def action() -> CommandResult:
            ctx = CommandContext(actor=str(actor), correlation_id=order_id)
            return await repos.fulfilments.handle(order_id, command, ctx, expected_version=if_match)

        return await run(f"{scope}:{resource_id}", key, actor, body, resource_id, action)

    async def report(
        scope: str,
        role: str,
        shipment_id: UUID,
        body: BaseModel,
        actor: Actor,
        if_match: int | None,
        key: str | None,
        command_for: Callable[[UUID], FulfilmentCommand],
    ) -> JSONResponse:
        """A party to the shipment (its carrier, or its buyer) reports on it."""
        party = party_of(actor, role)
        assert party is not None
        order_id = await reads.order_of_shipment(shipment_id)
        command = command_for(party)
        return await fulfil(scope, key, actor, body, shipment_id, order_id, command, if_match)

    @router.post(
        "/carriers", openapi_extra=allow(OPS, SUPPLIER), status_code=200, **answers(Accepted)
    )
    async def register_carrier(
        body: StrictJson[RegisterCarrierBody], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """Register a carrier (operations or a supplier)."""
        party_of(actor, "operations", "supplier")
        details = body.model_dump(exclude={"carrier_id"})
        carrier_id = body.carrier_id or uuid.uuid4()

        async def action() -> CommandResult:
            event = CarrierRegistered(carrier_id=carrier_id, **details)
            ctx = CommandContext(actor=str(actor))
            return await repos.carriers.handle(carrier_id, RegisterCarrier(event), ctx)

        return await run("carriers", key, actor, body, carrier_id, action)

    @router.post(
        "/delivery-addresses", openapi_extra=allow(BUYER, OPS), status_code=200, **answers(Accepted)
    )
    async def register_address(
        body: StrictJson[RegisterAddressBody], actor: ActorDep, key: IdempotencyKeyDep = None
    ) -> JSONResponse:
        """Register a delivery address (its buyer, or operations)."""
        buyer = party_of(actor, "buyer", "operations")
        if buyer is not None and buyer != body.buyer_id:
            raise Problem(
                403, "Forbidden", "a buyer registers only its own addresses", field="buyer_id"
            )
        details = body.model_dump(exclude={"address_id"})
        address_id = body.address_id or uuid.uuid4()

        async def action() -> CommandResult:
            event = DeliveryAddressRegistered(address_id=address_id, **details)
            ctx = CommandContext(actor=str(actor))
            command = RegisterDeliveryAddress(event)
            return await repos.addresses.handle(address_id, command, ctx)

        return await run("addresses", key, actor, body, address_id, action)

    @router.post(
        "/shipments/{shipment_id}/ship",
        openapi_extra=allow(SUPPLIER, WAREHOUSE, webhook=True),
        **answers(Accepted),
    )
    async def ship(
        shipment_id: UUID,
        body: StrictJson[ShipBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """The shipment's warehouse hands it to a carrier (as that warehouse: its API key or a
        warehouse token), or the order's supplier does so for its own warehouse."""
        party = party_of(actor, "warehouse", "supplier")
        assert party is not None
        order_id = await reads.order_of_shipment(shipment_id)
        if (await repos.carriers.load(body.carrier_id)).state is None:
            raise Problem(422, "Unknown carrier", "register the carrier first", field="carrier_id")
        by_supplier = actor.role == "supplier"
        command = ShipShipment(
            shipment_id,
            None if by_supplier else party,
            body.carrier_id,
            body.tracking_number,
            body.eta,
            supplier_id=party if by_supplier else None,
        )
        return await fulfil("ship", key, actor, body, shipment_id, order_id, command, if_match)

    @router.post(
        "/shipments/{shipment_id}/tracking",
        openapi_extra=allow(CARRIER, webhook=True),
        **answers(Accepted),
    )
    async def tracking(
        shipment_id: UUID,
        body: StrictJson[TrackingBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """A carrier reports progress (as that carrier: its API key or a carrier token)."""
        return await report(
            "tracking", "carrier", shipment_id, body, actor, if_match, key,
            lambda carrier: RecordTracking(
                shipment_id, carrier, body.status, body.reported_at, body.location, body.eta
            ),
        )  # fmt: skip

    @router.post(
        "/shipments/{shipment_id}/delay",
        openapi_extra=allow(CARRIER, webhook=True),
        **answers(Accepted),
    )
    async def delay(
        shipment_id: UUID,
        body: StrictJson[DelayBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """A carrier announces a later arrival (as that carrier: its API key or a carrier token)."""
        return await report(
            "delay", "carrier", shipment_id, body, actor, if_match, key,
            lambda carrier: RecordDelay(shipment_id, carrier, body.reason, body.new_eta),
        )  # fmt: skip

    @router.post(
        "/shipments/{shipment_id}/damage",
        openapi_extra=allow(CARRIER, webhook=True),
        **answers(Accepted),
    )
    async def damage(
        shipment_id: UUID,
        body: StrictJson[DamageBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """A carrier reports damaged units (as that carrier: its API key or a carrier token)."""
        return await report(
            "damage", "carrier", shipment_id, body, actor, if_match, key,
            lambda carrier: RecordDamage(shipment_id, carrier, tuple(body.lines)),
        )  # fmt: skip

    @router.post(
        "/shipments/{shipment_id}/delivered",
        openapi_extra=allow(CARRIER, webhook=True),
        **answers(Accepted),
    )
    async def delivered(
        shipment_id: UUID,
        body: StrictJson[DeliveredBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """A carrier reports the delivery (as that carrier: its API key or a carrier token)."""
        return await report(
            "delivered", "carrier", shipment_id, body, actor, if_match, key,
            lambda carrier: RecordDelivery(
                shipment_id, carrier, body.delivered_at, body.received_by
            ),
        )  # fmt: skip

    @router.post(
        "/shipments/{shipment_id}/acceptance", openapi_extra=allow(BUYER), **answers(Accepted)
    )
    async def acceptance(
        shipment_id: UUID,
        body: StrictJson[AcceptanceBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """The buyer accepts and/or rejects the delivered units, per line (as that buyer)."""
        lines = tuple(
            InspectedLine(line.line_no, line.sku, line.accepted, line.rejected, line.reason)
            for line in body.lines
        )
        remedy = REMEDIES[body.remedy] if body.remedy else None
        return await report(
            "acceptance", "buyer", shipment_id, body, actor, if_match, key,
            lambda buyer: InspectGoods(shipment_id, buyer, lines, remedy),
        )  # fmt: skip

    @router.post(
        "/returns/{return_id}/received",
        openapi_extra=allow(WAREHOUSE, webhook=True),
        **answers(Accepted),
    )
    async def return_received(
        return_id: UUID,
        body: StrictJson[ReturnReceivedBody],
        actor: ActorDep,
        if_match: IfMatchDep,
        key: IdempotencyKeyDep = None,
    ) -> JSONResponse:
        """The return's warehouse received the goods (as that warehouse)."""
        warehouse_id = party_of(actor, "warehouse")
        assert warehouse_id is not None
        order_id = await reads.order_of_return(return_id)
        command = ReceiveReturn(return_id, warehouse_id, tuple(body.lines))
        return await fulfil("return", key, actor, body, return_id, order_id, command, if_match)

    router.include_router(make_query_router(context, reads))
    return router
