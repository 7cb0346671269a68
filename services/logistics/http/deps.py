"""What the logistics routes work with, handed over by the service's build (no globals)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from shared.events.logistics import ReturnAuthorized, ShipmentPlanned
from shared.service.definition import ServiceContext
from shared.service.errors import Problem
from shared.service.repository import Repository

from ..domain.commands import FulfilmentCommand
from ..domain.master_data import Address, Carrier, RegisterCarrier, RegisterDeliveryAddress
from ..domain.state import Fulfilment
from ..views.addresses import DeliveryAddressBook
from ..views.carriers import CarrierDirectory
from ..views.returns import ReturnLog
from ..views.shipments import ShipmentTracking

SOURCE = "logistics"


@dataclass(frozen=True)
class LogisticsDeps:
    context: ServiceContext
    fulfilments: Repository[FulfilmentCommand, Fulfilment]
    carriers: Repository[RegisterCarrier, Carrier]
    addresses: Repository[RegisterDeliveryAddress, Address]
    carrier_directory: CarrierDirectory
    address_book: DeliveryAddressBook
    tracking: ShipmentTracking
    returns: ReturnLog

    async def wait(self, projection: str, position: int) -> None:
        """Read your writes: until ``projection`` holds the store up to ``position`` (bounded)."""
        await self.context.positions.wait_for(projection, SOURCE, position)

    async def order_of_shipment(self, shipment_id: UUID) -> UUID:
        """The order a shipment belongs to (404 for an unknown shipment)."""
        found = await self.tracking.order_of(self.context.engine, str(shipment_id))
        if found is None:
            found = await self._not_yet_folded(self.tracking.name, ShipmentPlanned, shipment_id)
        if found is None:
            raise Problem(
                404, "Unknown shipment", f"no shipment {shipment_id}", field="shipment_id"
            )
        return UUID(found)

    async def order_of_return(self, return_id: UUID) -> UUID:
        """The order a return belongs to (404 for an unknown return)."""
        found = await self.returns.order_of(self.context.engine, str(return_id))
        if found is None:
            found = await self._not_yet_folded(self.returns.name, ReturnAuthorized, return_id)
        if found is None:
            raise Problem(404, "Unknown return", f"no return {return_id}", field="return_id")
        return UUID(found)

    async def _not_yet_folded(
        self, projection: str, kind: type[ShipmentPlanned | ReturnAuthorized], ident: UUID
    ) -> str | None:
        """The order of the shipment or return ``ident`` from the events the read model has not
        folded yet (it may lag the store a moment). Commands run in the unit of work of their
        effect, and read models commit through the same writer: waiting for one here would
        stall both, so the few events it lags are read from the store instead."""
        positions, store = self.context.positions, self.context.store
        head = await store.head_position()
        # No wait (timeout 0): True when the read model holds everything, or is not followed
        # in this process (nothing to catch up with then).
        if await positions.wait_for(projection, SOURCE, head, timeout=0):
            return None
        after = positions.position(projection, SOURCE)
        field = "shipment_id" if kind is ShipmentPlanned else "return_id"
        while after < head:
            batch = await store.read_all(after, limit=500)
            for record in batch:
                if record.event_type == kind.event_type and record.data[field] == str(ident):
                    return str(record.data["order_id"])
            if not batch:
                break
            after = batch[-1].position
        return None
