"""A quote a supplier offers one buyer on its own: the buyer accepts it into an order within its
validity, or declines it."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

from shared.events.sourcing import AwardedLine, QuoteAccepted, QuoteDeclined, QuoteOffered

from .commands import AcceptQuote, DeclineQuote, OfferQuote
from .errors import (
    InvalidQuote,
    NotFound,
    ProductNoLongerSold,
    QuoteAlreadyOffered,
    QuoteClosed,
    QuoteExpired,
)
from .lines import check_quoted_lines
from .state import OfferState, Phase

ACCEPTED_ORDERS = uuid.UUID("5d3c1f0e-8b2a-5e47-a6d9-1c0f7b3e2a58")
"""Namespace of the ids of orders an accepted quote places: one per quote, fixed for ever."""


def accepted_order_id(quote_id: UUID) -> UUID:
    return uuid.uuid5(ACCEPTED_ORDERS, str(quote_id))


def offer(command: OfferQuote, state: OfferState, now: datetime) -> list[QuoteOffered]:
    if state.phase is not Phase.NEW:
        raise QuoteAlreadyOffered(f"quote {command.quote_id} exists already")
    if not command.buyer_known:
        raise InvalidQuote("buyer_id", f"no buyer {command.buyer_id}")
    if command.valid_until <= now:
        raise InvalidQuote("valid_until", "must be in the future")
    check_quoted_lines(command.lines, command.catalog)
    return [
        QuoteOffered(
            quote_id=command.quote_id,
            supplier_id=command.supplier_id,
            buyer_id=command.buyer_id,
            title=command.title,
            lines=tuple(sorted(command.lines, key=lambda line: line.line_no)),
            valid_until=command.valid_until,
            note=command.note,
        )
    ]


def _check_open(state: OfferState, now: datetime, *, valid: bool = True) -> None:
    if state.phase is Phase.NEW:
        raise NotFound("no such quote")
    if state.phase is not Phase.OPEN:
        raise QuoteClosed(f"the quote was {state.phase.value} already")
    if valid and now >= state.valid_until:
        detail = f"the quote expired at {state.valid_until.isoformat()}"
        raise QuoteExpired("valid_until", detail)


def accept(command: AcceptQuote, state: OfferState, now: datetime) -> list[QuoteAccepted]:
    _check_open(state, now)
    lines = []
    for index, line in enumerate(state.lines):
        product = command.catalog.get(line.sku)
        if product is not None and not product.active:
            raise ProductNoLongerSold(f"lines[{index}].sku", f"{line.sku} is no longer sold")
        listed = product.list_price if product is not None else None
        same = listed is not None and listed.currency == line.unit_price.currency
        lines.append(
            AwardedLine(
                **line.model_dump(),
                list_unit_price=listed if same else None,
            )
        )
    return [
        QuoteAccepted(
            quote_id=state.quote_id,
            supplier_id=state.supplier_id,
            buyer_id=state.buyer_id,
            order_id=accepted_order_id(state.quote_id),
            title=state.title,
            lines=tuple(lines),
            delivery_region=command.delivery_region,
            delivery_address_id=command.delivery_address_id,
            requested_delivery_date=command.requested_delivery_date,
        )
    ]


def decline(command: DeclineQuote, state: OfferState, now: datetime) -> list[QuoteDeclined]:
    _check_open(state, now, valid=False)
    return [QuoteDeclined(quote_id=state.quote_id, reason=command.reason)]
