"""The RFQ's and the offered quote's state as their decisions need it, and how events fold in."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from shared.events.base import DomainEvent, Money
from shared.events.sourcing import (
    QuoteAccepted,
    QuoteDeclined,
    QuotedLine,
    QuoteOffered,
    RfqAwarded,
    RfqCancelled,
    RfqDeclined,
    RfqIssued,
    RfqLine,
    RfqQuoteRevised,
    RfqQuoteSubmitted,
)

NIL = UUID(int=0)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Phase(StrEnum):
    NEW = "new"
    OPEN = "open"
    """RFQ: taking answers (until its deadline) and waiting for the award. Quote: offered."""
    AWARDED = "awarded"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class SupplierQuote:
    """A supplier's current answer to an RFQ."""

    revision: int
    lines: tuple[QuotedLine, ...]
    delivery_charge: Money
    valid_until: datetime

    def line(self, line_no: int) -> QuotedLine | None:
        return next((line for line in self.lines if line.line_no == line_no), None)


@dataclass(frozen=True)
class RfqState:
    phase: Phase = Phase.NEW
    rfq_id: UUID = NIL
    buyer_id: UUID = NIL
    title: str = ""
    currency: str = ""
    lines: tuple[RfqLine, ...] = ()
    suppliers: tuple[UUID, ...] = ()
    deadline: datetime = EPOCH
    delivery_region: str = ""
    delivery_address_id: UUID | None = None
    quotes: dict[UUID, SupplierQuote] = field(default_factory=dict)
    revisions: dict[UUID, int] = field(default_factory=dict)
    declined: frozenset[UUID] = frozenset()

    def line(self, line_no: int) -> RfqLine | None:
        return next((line for line in self.lines if line.line_no == line_no), None)

    @property
    def answered(self) -> frozenset[UUID]:
        return frozenset(self.quotes) | self.declined


def _quoted(state: RfqState, event: RfqQuoteSubmitted | RfqQuoteRevised) -> RfqState:
    quote = SupplierQuote(event.revision, event.lines, event.delivery_charge, event.valid_until)
    return replace(
        state,
        quotes={**state.quotes, event.supplier_id: quote},
        revisions={**state.revisions, event.supplier_id: event.revision},
    )


def evolve_rfq(state: RfqState, event: DomainEvent) -> RfqState:
    match event:
        case RfqIssued():
            return RfqState(
                phase=Phase.OPEN,
                rfq_id=event.rfq_id,
                buyer_id=event.buyer_id,
                title=event.title,
                currency=event.currency,
                lines=event.lines,
                suppliers=event.suppliers,
                deadline=event.deadline,
                delivery_region=event.delivery_region,
                delivery_address_id=event.delivery_address_id,
            )
        case RfqQuoteSubmitted() | RfqQuoteRevised():
            return _quoted(state, event)
        case RfqDeclined():
            quotes = {k: v for k, v in state.quotes.items() if k != event.supplier_id}
            return replace(state, quotes=quotes, declined=state.declined | {event.supplier_id})
        case RfqCancelled():
            return replace(state, phase=Phase.CANCELLED)
        case RfqAwarded():
            return replace(state, phase=Phase.AWARDED)
    return state


@dataclass(frozen=True)
class OfferState:
    phase: Phase = Phase.NEW
    quote_id: UUID = NIL
    supplier_id: UUID = NIL
    buyer_id: UUID = NIL
    title: str = ""
    lines: tuple[QuotedLine, ...] = ()
    valid_until: datetime = EPOCH


def evolve_offer(state: OfferState, event: DomainEvent) -> OfferState:
    match event:
        case QuoteOffered():
            return OfferState(
                phase=Phase.OPEN,
                quote_id=event.quote_id,
                supplier_id=event.supplier_id,
                buyer_id=event.buyer_id,
                title=event.title,
                lines=event.lines,
                valid_until=event.valid_until,
            )
        case QuoteAccepted():
            return replace(state, phase=Phase.ACCEPTED)
        case QuoteDeclined():
            return replace(state, phase=Phase.DECLINED)
    return state
