"""HTTP commands of the logistics service: master data, shipping, carrier reports, inspection
and returns. Every POST takes an Idempotency-Key; shipment commands take If-Match (the version
of the order's fulfilment stream, as the shipment's ETag shows it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from uuid import UUID

from fastapi import APIRouter

from shared.events.logistics import CarrierRegistered, DeliveryAddressRegistered
from shared.service.auth.access import BUYER, CARRIER, OPS, SUPPLIER, WAREHOUSE
from shared.service.edge import Accepted, Call, Edge, command
from shared.service.errors import Problem
from shared.service.strict_json import StrictJson

from ..domain.commands import (
    FulfilmentCommand,
    InspectedLine,
    InspectGoods,
    ReceiveReturn,
    RecordDamage,
    RecordDelay,
    RecordDelivery,
    RecordTracking,
    ShipShipment,
)
from ..domain.master_data import RegisterCarrier, RegisterDeliveryAddress
from .access import acting_party, party_id
from .deps import LogisticsDeps
from .models import (
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

Report = Callable[[UUID], FulfilmentCommand]
"""A report's command, given the id of the party reporting."""


class MasterDataCommands:
    """Carriers and delivery addresses, registered once each."""

    def __init__(self, deps: LogisticsDeps) -> None:
        self.deps = deps

    @command("POST", "/carriers", roles=(OPS, SUPPLIER))
    async def register_carrier(self, call: Call, body: StrictJson[RegisterCarrierBody]) -> Accepted:
        """Register a carrier (operations or a supplier)."""
        party_id(call.actor)
        carrier_id = body.carrier_id or uuid.uuid4()
        event = CarrierRegistered(carrier_id=carrier_id, **body.model_dump(exclude={"carrier_id"}))
        result = await self.deps.carriers.handle(carrier_id, RegisterCarrier(event), call.context())
        return Accepted(carrier_id, result)

    @command("POST", "/delivery-addresses", roles=(BUYER, OPS))
    async def register_address(self, call: Call, body: StrictJson[RegisterAddressBody]) -> Accepted:
        """Register a delivery address (its buyer, or operations)."""
        buyer = party_id(call.actor)
        if buyer is not None and buyer != body.buyer_id:
            detail = "a buyer registers only its own addresses"
            raise Problem(403, "Forbidden", detail, field="buyer_id")
        address_id = body.address_id or uuid.uuid4()
        details = body.model_dump(exclude={"address_id"})
        registered = RegisterDeliveryAddress(
            DeliveryAddressRegistered(address_id=address_id, **details)
        )
        result = await self.deps.addresses.handle(address_id, registered, call.context())
        return Accepted(address_id, result)


class FulfilmentCommands:
    """What warehouses, carriers and buyers report about shipments and returns."""

    def __init__(self, deps: LogisticsDeps) -> None:
        self.deps = deps

    async def fulfil(
        self, call: Call, resource_id: UUID, order_id: UUID, sent: FulfilmentCommand
    ) -> Accepted:
        """Decide ``sent`` on the order's fulfilment (If-Match: its version)."""
        result = await self.deps.fulfilments.handle(
            order_id, sent, call.context(order_id), expected_version=call.expected_version
        )
        return Accepted(resource_id, result)

    async def report(self, call: Call, shipment_id: UUID, report: Report) -> Accepted:
        """A party to the shipment (its carrier, or its buyer) reports on it."""
        party = acting_party(call.actor)
        order_id = await self.deps.order_of_shipment(shipment_id)
        return await self.fulfil(call, shipment_id, order_id, report(party))

    @command(
        "POST",
        "/shipments/{shipment_id}/ship",
        roles=(SUPPLIER, WAREHOUSE),
        webhook=True,
        versioned=True,
    )
    async def ship(self, call: Call, shipment_id: UUID, body: StrictJson[ShipBody]) -> Accepted:
        """The shipment's warehouse hands it to a carrier (as that warehouse: its API key or a
        warehouse token), or the order's supplier does so for its own warehouse."""
        party = acting_party(call.actor)
        order_id = await self.deps.order_of_shipment(shipment_id)
        if (await self.deps.carriers.load(body.carrier_id)).state is None:
            raise Problem(422, "Unknown carrier", "register the carrier first", field="carrier_id")
        by_supplier = call.actor.role == "supplier"
        shipped = ShipShipment(
            shipment_id,
            None if by_supplier else party,
            body.carrier_id,
            body.tracking_number,
            body.eta,
            supplier_id=party if by_supplier else None,
        )
        return await self.fulfil(call, shipment_id, order_id, shipped)

    @command(
        "POST",
        "/shipments/{shipment_id}/tracking",
        roles=(CARRIER,),
        webhook=True,
        versioned=True,
    )
    async def tracking(
        self, call: Call, shipment_id: UUID, body: StrictJson[TrackingBody]
    ) -> Accepted:
        """A carrier reports progress (as that carrier: its API key or a carrier token)."""
        return await self.report(
            call,
            shipment_id,
            lambda carrier: RecordTracking(
                shipment_id, carrier, body.status, body.reported_at, body.location, body.eta
            ),
        )

    @command(
        "POST", "/shipments/{shipment_id}/delay", roles=(CARRIER,), webhook=True, versioned=True
    )
    async def delay(self, call: Call, shipment_id: UUID, body: StrictJson[DelayBody]) -> Accepted:
        """A carrier announces a later arrival (as that carrier: its API key or a carrier token)."""
        return await self.report(
            call,
            shipment_id,
            lambda carrier: RecordDelay(shipment_id, carrier, body.reason, body.new_eta),
        )

    @command(
        "POST", "/shipments/{shipment_id}/damage", roles=(CARRIER,), webhook=True, versioned=True
    )
    async def damage(self, call: Call, shipment_id: UUID, body: StrictJson[DamageBody]) -> Accepted:
        """A carrier reports damaged units (as that carrier: its API key or a carrier token)."""
        return await self.report(
            call,
            shipment_id,
            lambda carrier: RecordDamage(shipment_id, carrier, tuple(body.lines)),
        )

    @command(
        "POST",
        "/shipments/{shipment_id}/delivered",
        roles=(CARRIER,),
        webhook=True,
        versioned=True,
    )
    async def delivered(
        self, call: Call, shipment_id: UUID, body: StrictJson[DeliveredBody]
    ) -> Accepted:
        """A carrier reports the delivery (as that carrier: its API key or a carrier token)."""
        return await self.report(
            call,
            shipment_id,
            lambda carrier: RecordDelivery(
                shipment_id, carrier, body.delivered_at, body.received_by
            ),
        )

    @command("POST", "/shipments/{shipment_id}/acceptance", roles=(BUYER,), versioned=True)
    async def acceptance(
        self, call: Call, shipment_id: UUID, body: StrictJson[AcceptanceBody]
    ) -> Accepted:
        """The buyer accepts and/or rejects the delivered units, per line (as that buyer)."""
        lines = tuple(
            InspectedLine(line.line_no, line.sku, line.accepted, line.rejected, line.reason)
            for line in body.lines
        )
        remedy = REMEDIES[body.remedy] if body.remedy else None
        return await self.report(
            call, shipment_id, lambda buyer: InspectGoods(shipment_id, buyer, lines, remedy)
        )

    @command(
        "POST",
        "/returns/{return_id}/received",
        roles=(WAREHOUSE,),
        webhook=True,
        versioned=True,
    )
    async def return_received(
        self, call: Call, return_id: UUID, body: StrictJson[ReturnReceivedBody]
    ) -> Accepted:
        """The return's warehouse received the goods (as that warehouse)."""
        warehouse_id = acting_party(call.actor)
        order_id = await self.deps.order_of_return(return_id)
        received = ReceiveReturn(return_id, warehouse_id, tuple(body.lines))
        return await self.fulfil(call, return_id, order_id, received)


def command_routes(deps: LogisticsDeps) -> APIRouter:
    edge = Edge("logistics", deps.context.idempotency, prefix="", tags=["logistics"])
    edge.include(MasterDataCommands(deps))
    return edge.include(FulfilmentCommands(deps))
