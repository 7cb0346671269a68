"""Request bodies of the sourcing API: pydantic models whose constraints name the field at fault."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from shared.events.base import MAX_LINES, NonNegativeMoney, PositiveQuantity
from shared.events.sourcing import MAX_INVITED, LeadTimeDays
from shared.events.values import Code, CurrencyCode, LineNo, Sku, Text

MAX_RFQ_LINES = 200
"""The most lines one RFQ (and so one quote) carries through the API."""


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RfqLineIn(Body):
    line_no: LineNo | None = Field(default=None, description="default: its place, from 1")
    description: Text
    sku: Sku | None = Field(default=None, description="a SKU, when the buyer knows one")
    quantity: PositiveQuantity
    needed_by: date | None = None


class RfqIn(Body):
    buyer_id: UUID
    title: Text
    currency: CurrencyCode
    lines: Annotated[tuple[RfqLineIn, ...], Field(min_length=1, max_length=MAX_RFQ_LINES)]
    suppliers: Annotated[tuple[UUID, ...], Field(min_length=1, max_length=MAX_INVITED)]
    deadline: AwareDatetime = Field(description="answers are taken until then (ISO 8601)")
    delivery_region: Code | None = Field(default=None, description="default: the buyer's")
    delivery_address_id: UUID | None = None
    note: Text | None = None


class QuoteLineIn(Body):
    line_no: LineNo
    sku: Sku = Field(description="the SKU of your catalog you offer for the line")
    quantity: PositiveQuantity = Field(description="whole packs, at least the minimum")
    unit_price: NonNegativeMoney
    lead_time_days: LeadTimeDays


QuoteLines = Annotated[tuple[QuoteLineIn, ...], Field(min_length=1, max_length=MAX_RFQ_LINES)]


class QuoteIn(Body):
    lines: QuoteLines
    delivery_charge: NonNegativeMoney | None = Field(default=None, description="default: none")
    valid_until: AwareDatetime
    note: Text | None = None


class DeclineIn(Body):
    reason: Text | None = None


class CancelIn(Body):
    reason: Text


class AwardLineIn(Body):
    line_no: LineNo
    supplier_id: UUID


class AwardIn(Body):
    """Either ``supplier_id`` (every line it quoted) or ``lines`` (line by line)."""

    supplier_id: UUID | None = None
    lines: Annotated[tuple[AwardLineIn, ...], Field(min_length=1, max_length=MAX_LINES)] | None = (
        None
    )


class OfferIn(Body):
    supplier_id: UUID
    buyer_id: UUID
    title: Text
    lines: QuoteLines
    valid_until: AwareDatetime
    note: Text | None = None


class AcceptIn(Body):
    delivery_region: Code | None = Field(default=None, description="default: the buyer's")
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None
