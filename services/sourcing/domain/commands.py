"""Commands of the sourcing aggregates: RFQs (buyers and invited suppliers) and offered quotes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from shared.events.base import Money
from shared.events.sourcing import QuotedLine, RfqLine


@dataclass(frozen=True)
class ProductFacts:
    """Sourcing's copy of what a quote line must respect about one of a supplier's SKUs."""

    pack_size: int
    min_order_qty: int
    list_price: Money
    active: bool = True


Catalog = Mapping[str, ProductFacts]
"""One supplier's SKUs (those a command names; unknown SKUs are absent)."""


@dataclass(frozen=True)
class IssueRfq:
    rfq_id: UUID
    buyer_id: UUID
    title: str
    currency: str
    lines: tuple[RfqLine, ...]
    suppliers: tuple[UUID, ...]
    deadline: datetime
    delivery_region: str
    supplier_currencies: Mapping[UUID, str] = field(default_factory=dict)
    """The currency each known supplier sells in (an unknown supplier is absent)."""
    delivery_address_id: UUID | None = None
    note: str | None = None


@dataclass(frozen=True)
class SubmitQuote:
    """Answer the RFQ, or revise the answer given (the whole quote again)."""

    supplier_id: UUID
    lines: tuple[QuotedLine, ...]
    delivery_charge: Money
    valid_until: datetime
    catalog: Catalog
    note: str | None = None


@dataclass(frozen=True)
class DeclineRfq:
    supplier_id: UUID
    reason: str | None = None


@dataclass(frozen=True)
class CancelRfq:
    reason: str


@dataclass(frozen=True)
class LineChoice:
    """Award RFQ line ``line_no`` to ``supplier_id`` at its current quote."""

    line_no: int
    supplier_id: UUID


@dataclass(frozen=True)
class AwardRfq:
    choices: tuple[LineChoice, ...]
    catalogs: Mapping[UUID, Catalog]
    """Each awarded supplier's quoted SKUs as the catalog has them now."""


@dataclass(frozen=True)
class OfferQuote:
    quote_id: UUID
    supplier_id: UUID
    buyer_id: UUID
    title: str
    lines: tuple[QuotedLine, ...]
    valid_until: datetime
    catalog: Catalog
    buyer_known: bool
    note: str | None = None


@dataclass(frozen=True)
class AcceptQuote:
    delivery_region: str
    catalog: Catalog
    delivery_address_id: UUID | None = None
    requested_delivery_date: date | None = None


@dataclass(frozen=True)
class DeclineQuote:
    reason: str | None = None


RfqCommand = IssueRfq | SubmitQuote | DeclineRfq | CancelRfq | AwardRfq
OfferCommand = OfferQuote | AcceptQuote | DeclineQuote
