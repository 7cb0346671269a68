"""Commands the fulfilment aggregate decides on: notes of other services' decisions (from
reactions), and what warehouses, carriers and buyers report about shipments and returns (API)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from shared.events.logistics import (
    DamagedLine,
    PrepaymentStage,
    Remedy,
    ReturnedLine,
    ShipmentStatus,
)
from shared.events.values import Allocation, OrderLine

# Planning: what order, inventory and payment decided about the order.


@dataclass(frozen=True)
class NoteDeliveryDetails:
    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    delivery_region: str
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None


@dataclass(frozen=True)
class NoteReservation:
    order_id: UUID
    cause_id: UUID
    allocations: tuple[Allocation, ...]
    delivery_region: str


@dataclass(frozen=True)
class NoteRelease:
    order_id: UUID
    cause_id: UUID
    releases: tuple[Allocation, ...]


@dataclass(frozen=True)
class NoteConfirmation:
    """``lines`` are the confirmed quantities (after any amendment); they are what ships.
    ``prepaid``: the buyer's terms with the supplier are prepaid, so shipping waits for it."""

    order_id: UUID
    cause_id: UUID
    lines: tuple[OrderLine, ...]
    delivery_date: date | None = None
    prepaid: bool = False


@dataclass(frozen=True)
class NotePrepayment:
    """Payment billed the order up front (``invoiced``) or was paid (``received``)."""

    order_id: UUID
    cause_id: UUID
    stage: PrepaymentStage
    invoice_id: UUID


@dataclass(frozen=True)
class NoteCancellation:
    order_id: UUID
    cause_id: UUID
    reason: str


PlanningCommand = (
    NoteDeliveryDetails
    | NoteReservation
    | NoteRelease
    | NoteConfirmation
    | NoteCancellation
    | NotePrepayment
)


# Shipping: the warehouse ships, the carrier reports.


@dataclass(frozen=True)
class ShipShipment:
    """Sent by the shipment's warehouse (``warehouse_id`` is who asks), or by the order's
    supplier for its own warehouse (``supplier_id`` is who asks, ``warehouse_id`` is None)."""

    shipment_id: UUID
    warehouse_id: UUID | None
    carrier_id: UUID
    tracking_number: str
    eta: datetime | None = None
    supplier_id: UUID | None = None


@dataclass(frozen=True)
class RecordTracking:
    """Sent by the carrier that took the shipment (``carrier_id`` is who asks)."""

    shipment_id: UUID
    carrier_id: UUID
    status: ShipmentStatus
    reported_at: datetime
    location: str | None = None
    eta: datetime | None = None


@dataclass(frozen=True)
class RecordDelay:
    shipment_id: UUID
    carrier_id: UUID
    reason: str
    new_eta: datetime


@dataclass(frozen=True)
class RecordDamage:
    shipment_id: UUID
    carrier_id: UUID
    lines: tuple[DamagedLine, ...]


@dataclass(frozen=True)
class RecordDelivery:
    shipment_id: UUID
    carrier_id: UUID
    delivered_at: datetime
    received_by: str | None = None


ShippingCommand = ShipShipment | RecordTracking | RecordDelay | RecordDamage | RecordDelivery


# Inspection and returns: the buyer inspects, the warehouse receives what comes back.


@dataclass(frozen=True)
class InspectedLine:
    line_no: int
    sku: str
    accepted: int
    rejected: int
    reason: str | None = None


@dataclass(frozen=True)
class InspectGoods:
    """Sent by the order's buyer (``buyer_id`` is who asks) once per delivered shipment."""

    shipment_id: UUID
    buyer_id: UUID
    lines: tuple[InspectedLine, ...]
    remedy: Remedy | None = None


@dataclass(frozen=True)
class ReceiveReturn:
    """Sent by the warehouse the return was authorised to (``warehouse_id`` is who asks)."""

    return_id: UUID
    warehouse_id: UUID
    lines: tuple[ReturnedLine, ...]


FulfilmentCommand = PlanningCommand | ShippingCommand | InspectGoods | ReceiveReturn
