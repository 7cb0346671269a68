"""Events owned by the logistics service: carriers, addresses, shipments, acceptance and returns."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from pydantic import Field

from shared.events.base import Contract, DomainEvent, PositiveQuantity, UtcDateTime
from shared.events.values import (
    Allocation,
    Code,
    CountryCode,
    LineNo,
    Lines,
    OrderLine,
    Sku,
    Text,
)


class CarrierRegistered(DomainEvent):
    """A carrier that can take shipments; ``{tracking_number}`` fills its tracking URL template."""

    event_type: ClassVar[str] = "CarrierRegistered"
    schema_version: ClassVar[int] = 1

    carrier_id: UUID
    code: Code
    name: Text
    regions_served: tuple[Code, ...] = Field(min_length=1)
    tracking_url_template: Text | None = None


class DeliveryAddressRegistered(DomainEvent):
    """A buyer's delivery address and the delivery region it lies in."""

    event_type: ClassVar[str] = "DeliveryAddressRegistered"
    schema_version: ClassVar[int] = 1

    address_id: UUID
    buyer_id: UUID
    label: Text
    recipient: Text
    street: tuple[Text, ...] = Field(min_length=1, max_length=4)
    city: Text
    postal_code: Text | None = None
    country: CountryCode
    region: Code
    phone: Text | None = None


class ShipmentPlanned(DomainEvent):
    """One warehouse's part of a confirmed order becomes a shipment."""

    event_type: ClassVar[str] = "ShipmentPlanned"
    schema_version: ClassVar[int] = 1

    shipment_id: UUID
    order_id: UUID
    warehouse_id: UUID
    lines: Lines[OrderLine]
    delivery_region: Code
    delivery_address_id: UUID | None = None
    ship_by: date | None = None


class Shipped(DomainEvent):
    """The shipment left the warehouse with a carrier."""

    event_type: ClassVar[str] = "Shipped"
    schema_version: ClassVar[int] = 1

    shipment_id: UUID
    order_id: UUID
    warehouse_id: UUID
    carrier_id: UUID
    tracking_number: Text
    lines: Lines[OrderLine]
    shipped_at: UtcDateTime
    eta: UtcDateTime | None = None


class ShipmentStatus(StrEnum):
    """Where a shipment stands, as carriers report it."""

    IN_TRANSIT = "in_transit"
    AT_HUB = "at_hub"
    IN_CUSTOMS = "in_customs"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERY_ATTEMPTED = "delivery_attempted"


class ShipmentStatusUpdated(DomainEvent):
    """A carrier reported progress: status, location and expected arrival."""

    event_type: ClassVar[str] = "ShipmentStatusUpdated"
    schema_version: ClassVar[int] = 1

    shipment_id: UUID
    order_id: UUID
    status: ShipmentStatus
    reported_at: UtcDateTime
    location: Text | None = None
    eta: UtcDateTime | None = None


class ShipmentDelayed(DomainEvent):
    """The shipment will arrive later than expected."""

    event_type: ClassVar[str] = "ShipmentDelayed"
    schema_version: ClassVar[int] = 1

    shipment_id: UUID
    order_id: UUID
    reason: Text
    new_eta: UtcDateTime
    previous_eta: UtcDateTime | None = None


class DamagedLine(Contract):
    """Units of one line damaged in transit."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    description: Text


class ShipmentDamaged(DomainEvent):
    """The carrier or the buyer reported damage to some lines of a shipment."""

    event_type: ClassVar[str] = "ShipmentDamaged"
    schema_version: ClassVar[int] = 1

    shipment_id: UUID
    order_id: UUID
    lines: Lines[DamagedLine]


class Delivered(DomainEvent):
    """The shipment reached the buyer."""

    event_type: ClassVar[str] = "Delivered"
    schema_version: ClassVar[int] = 1

    shipment_id: UUID
    order_id: UUID
    delivered_at: UtcDateTime
    received_by: Text | None = None


class GoodsAccepted(DomainEvent):
    """The buyer inspected a delivery and accepts these quantities (they will be invoiced)."""

    event_type: ClassVar[str] = "GoodsAccepted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    shipment_id: UUID
    lines: Lines[OrderLine]


class Remedy(StrEnum):
    """What the buyer wants for rejected goods."""

    RETURN = "return"
    REPLACEMENT = "replacement"
    CREDIT_NOTE = "credit_note"


class RejectedLine(Contract):
    """Units of one line the buyer refuses, and why."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    reason: Text


class GoodsRejected(DomainEvent):
    """The buyer refuses some delivered quantities."""

    event_type: ClassVar[str] = "GoodsRejected"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    shipment_id: UUID
    lines: Lines[RejectedLine]
    remedy: Remedy


class ReturnAuthorized(DomainEvent):
    """Rejected goods may be sent back to a warehouse under this return id."""

    event_type: ClassVar[str] = "ReturnAuthorized"
    schema_version: ClassVar[int] = 1

    return_id: UUID
    order_id: UUID
    shipment_id: UUID
    warehouse_id: UUID
    lines: Lines[OrderLine]
    remedy: Remedy


class ItemCondition(StrEnum):
    """The state of returned goods: back to stock or written off."""

    RESELLABLE = "resellable"
    DAMAGED = "damaged"


class ReturnedLine(Contract):
    """Units of one line that came back, and their condition."""

    line_no: LineNo
    sku: Sku
    quantity: PositiveQuantity
    condition: ItemCondition


class ReturnReceived(DomainEvent):
    """Returned goods arrived at the warehouse."""

    event_type: ClassVar[str] = "ReturnReceived"
    schema_version: ClassVar[int] = 1

    return_id: UUID
    order_id: UUID
    warehouse_id: UUID
    lines: tuple[ReturnedLine, ...] = Field(min_length=1)


class DeliveryDetailsNoted(DomainEvent):
    """Logistics noted where and for whom an order (from OrderPlaced) will be delivered."""

    event_type: ClassVar[str] = "DeliveryDetailsNoted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    buyer_id: UUID
    supplier_id: UUID
    delivery_region: Code
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None


class ReservationNoted(DomainEvent):
    """Logistics noted stock reserved for an order (from StockReserved), to plan shipments."""

    event_type: ClassVar[str] = "ReservationNoted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    source_event_id: UUID
    allocations: tuple[Allocation, ...] = Field(min_length=1)
    delivery_region: Code


class ReleaseNoted(DomainEvent):
    """Logistics noted reserved stock given back (from StockReleased)."""

    event_type: ClassVar[str] = "ReleaseNoted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    source_event_id: UUID
    releases: tuple[Allocation, ...] = Field(min_length=1)


class ConfirmationNoted(DomainEvent):
    """Logistics noted the quantities the supplier confirmed (from OrderConfirmed)."""

    event_type: ClassVar[str] = "ConfirmationNoted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    source_event_id: UUID
    lines: Lines[OrderLine]
    delivery_date: date | None = None


class CancellationNoted(DomainEvent):
    """Logistics noted the order was cancelled or rejected: nothing more will be planned."""

    event_type: ClassVar[str] = "CancellationNoted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    source_event_id: UUID
    reason: Text


class PrepaymentStage(StrEnum):
    """How far the payment an order's shipping waits for has come."""

    AWAITED = "awaited"
    INVOICED = "invoiced"
    RECEIVED = "received"


class PrepaymentNoted(DomainEvent):
    """Logistics noted that the order is prepaid: its shipments wait for the payment
    (``awaited`` on the buyer's terms at confirmation, ``invoiced`` by InvoiceIssued), until
    ``received`` (PaymentSettled of that invoice)."""

    event_type: ClassVar[str] = "PrepaymentNoted"
    schema_version: ClassVar[int] = 1

    order_id: UUID
    source_event_id: UUID
    stage: PrepaymentStage
    invoice_id: UUID | None = None


class ShipmentCancelled(DomainEvent):
    """A planned shipment will not leave the warehouse (its order was cancelled)."""

    event_type: ClassVar[str] = "ShipmentCancelled"
    schema_version: ClassVar[int] = 1

    shipment_id: UUID
    order_id: UUID
    warehouse_id: UUID
    reason: Text


EVENTS: tuple[type[DomainEvent], ...] = (
    CarrierRegistered,
    DeliveryAddressRegistered,
    ShipmentPlanned,
    Shipped,
    ShipmentStatusUpdated,
    ShipmentDelayed,
    ShipmentDamaged,
    Delivered,
    GoodsAccepted,
    GoodsRejected,
    ReturnAuthorized,
    ReturnReceived,
    DeliveryDetailsNoted,
    ReservationNoted,
    ReleaseNoted,
    ConfirmationNoted,
    CancellationNoted,
    PrepaymentNoted,
    ShipmentCancelled,
)
