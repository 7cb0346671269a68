"""Awarding an RFQ, whole or line by line: each supplier's lines become one order at its quoted
prices. Only current, unexpired quotes can win, and only once every invited supplier answered
or the deadline passed."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from uuid import UUID

from shared.events.sourcing import Award, AwardedLine, QuotedLine, RfqAwarded

from .commands import AwardRfq, Catalog, LineChoice
from .errors import (
    AwardTooEarly,
    InvalidAward,
    NotFound,
    ProductNoLongerSold,
    QuoteExpired,
    RfqClosed,
)
from .state import Phase, RfqState

AWARDED_ORDERS = uuid.UUID("a8f0b7a2-52c4-5d3e-9c1e-3f4b6d2e9a17")
"""Namespace of the ids of orders an award places: one per (RFQ, supplier), fixed for ever."""


def award_order_id(rfq_id: UUID, supplier_id: UUID) -> UUID:
    return uuid.uuid5(AWARDED_ORDERS, f"{rfq_id}:{supplier_id}")


def whole(state: RfqState, supplier_id: UUID) -> tuple[LineChoice, ...]:
    """Every line the supplier's current quote answers (none when it has no quote)."""
    quote = state.quotes.get(supplier_id)
    return tuple(LineChoice(line.line_no, supplier_id) for line in (quote.lines if quote else ()))


def check_awardable(state: RfqState, now: datetime) -> None:
    if state.phase is Phase.NEW:
        raise NotFound("no such RFQ")
    if state.phase is not Phase.OPEN:
        raise RfqClosed(f"the RFQ was {state.phase.value} already")
    waiting = [s for s in state.suppliers if s not in state.answered]
    if now < state.deadline and waiting:
        raise AwardTooEarly(
            f"{len(waiting)} invited supplier(s) may still answer until "
            f"{state.deadline.isoformat()}; award then, or once every supplier answered"
        )


def _chosen_line(
    state: RfqState, choice: LineChoice, index: int, now: datetime, catalogs: dict[UUID, Catalog]
) -> QuotedLine:
    at = f"lines[{index}]"
    if state.line(choice.line_no) is None:
        raise InvalidAward(f"{at}.line_no", f"the RFQ has no line {choice.line_no}")
    quote = state.quotes.get(choice.supplier_id)
    quoted = quote.line(choice.line_no) if quote else None
    if quote is None or quoted is None:
        detail = f"this supplier has no current quote for line {choice.line_no}"
        raise InvalidAward(f"{at}.supplier_id", detail)
    if now >= quote.valid_until:
        detail = f"this supplier's quote expired at {quote.valid_until.isoformat()}"
        raise QuoteExpired(f"{at}.supplier_id", detail)
    product = catalogs.get(choice.supplier_id, {}).get(quoted.sku)
    if product is not None and not product.active:
        raise ProductNoLongerSold(f"{at}.supplier_id", f"{quoted.sku} is no longer sold")
    return quoted


def _awarded(quoted: QuotedLine, catalog: Catalog) -> AwardedLine:
    product = catalog.get(quoted.sku)
    listed = product.list_price if product is not None else None
    same = listed is not None and listed.currency == quoted.unit_price.currency
    return AwardedLine(
        line_no=quoted.line_no,
        sku=quoted.sku,
        quantity=quoted.quantity,
        unit_price=quoted.unit_price,
        list_unit_price=listed if same else None,
        lead_time_days=quoted.lead_time_days,
    )


def award(command: AwardRfq, state: RfqState, now: datetime) -> list[RfqAwarded]:
    check_awardable(state, now)
    if not command.choices:
        raise InvalidAward("lines", "award at least one line")
    catalogs = dict(command.catalogs)
    won: dict[UUID, list[AwardedLine]] = defaultdict(list)
    seen: set[int] = set()
    for index, choice in enumerate(command.choices):
        if choice.line_no in seen:
            raise InvalidAward(f"lines[{index}].line_no", f"line {choice.line_no} twice")
        seen.add(choice.line_no)
        quoted = _chosen_line(state, choice, index, now, catalogs)
        won[choice.supplier_id].append(_awarded(quoted, catalogs.get(choice.supplier_id, {})))
    awards = tuple(_award(state, supplier_id, lines) for supplier_id, lines in won.items())
    return [
        RfqAwarded(
            rfq_id=state.rfq_id,
            buyer_id=state.buyer_id,
            title=state.title,
            delivery_region=state.delivery_region,
            delivery_address_id=state.delivery_address_id,
            awards=awards,
        )
    ]


def _award(state: RfqState, supplier_id: UUID, lines: list[AwardedLine]) -> Award:
    needed = [
        found.needed_by
        for line in lines
        if (found := state.line(line.line_no)) is not None and found.needed_by is not None
    ]
    return Award(
        supplier_id=supplier_id,
        order_id=award_order_id(state.rfq_id, supplier_id),
        revision=state.quotes[supplier_id].revision,
        lines=tuple(sorted(lines, key=lambda line: line.line_no)),
        requested_delivery_date=min(needed) if needed else None,
    )
