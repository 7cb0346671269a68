"""Request bodies of the logistics API: constrained so bad input is a 422 naming the field."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from shared.events.base import MAX_LINES, Quantity, UtcDateTime
from shared.events.logistics import DamagedLine, Remedy, ReturnedLine, ShipmentStatus
from shared.events.values import Code, CountryCode, LineNo, Sku, Text


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegisterCarrierBody(Body):
    carrier_id: UUID | None = None
    code: Code
    name: Text
    regions_served: Annotated[list[Code], Field(min_length=1, max_length=100)]
    tracking_url_template: Text | None = None


class RegisterAddressBody(Body):
    address_id: UUID | None = None
    buyer_id: UUID
    label: Text
    recipient: Text
    street: Annotated[list[Text], Field(min_length=1, max_length=4)]
    city: Text
    postal_code: Text | None = None
    country: CountryCode
    region: Code
    phone: Text | None = None


class ShipBody(Body):
    carrier_id: UUID
    tracking_number: Text
    eta: UtcDateTime | None = None


class TrackingBody(Body):
    status: ShipmentStatus
    reported_at: UtcDateTime
    location: Text | None = None
    eta: UtcDateTime | None = None


class DelayBody(Body):
    reason: Text
    new_eta: UtcDateTime


class DamageBody(Body):
    lines: Annotated[list[DamagedLine], Field(min_length=1, max_length=MAX_LINES)]


class DeliveredBody(Body):
    delivered_at: UtcDateTime
    received_by: Text | None = None


class InspectedLineBody(Body):
    line_no: LineNo
    sku: Sku
    accepted: Quantity
    rejected: Quantity = 0
    reason: Text | None = None


RemedyName = Literal["refund", "return", "replacement", "credit_note"]
"""``refund`` (the goods come back for the money) is recorded as the contract's ``return``."""

REMEDIES: dict[str, Remedy] = {
    "refund": Remedy.RETURN,
    "return": Remedy.RETURN,
    "replacement": Remedy.REPLACEMENT,
    "credit_note": Remedy.CREDIT_NOTE,
}


class AcceptanceBody(Body):
    lines: Annotated[list[InspectedLineBody], Field(min_length=1, max_length=MAX_LINES)]
    remedy: RemedyName | None = None


class ReturnReceivedBody(Body):
    lines: Annotated[list[ReturnedLine], Field(min_length=1, max_length=MAX_LINES)]
