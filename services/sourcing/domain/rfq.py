"""The RFQ's rules up to the award: issue it, answer or revise before the deadline, decline,
cancel."""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.events.sourcing import (
    MAX_REVISIONS,
    RfqCancelled,
    RfqDeclined,
    RfqIssued,
    RfqQuoteRevised,
    RfqQuoteSubmitted,
)

from .commands import CancelRfq, DeclineRfq, IssueRfq, SubmitQuote
from .errors import (
    AlreadyDeclined,
    DeadlinePassed,
    InvalidQuote,
    InvalidRfq,
    NotFound,
    RfqAlreadyIssued,
    RfqClosed,
)
from .lines import check_quoted_lines
from .state import Phase, RfqState

LONGEST_OPEN = timedelta(days=366)
"""The latest deadline an RFQ may set, from when it is issued."""


def issue(command: IssueRfq, state: RfqState, now: datetime) -> list[RfqIssued]:
    if state.phase is not Phase.NEW:
        raise RfqAlreadyIssued(f"RFQ {command.rfq_id} exists already")
    if command.deadline <= now:
        raise InvalidRfq("deadline", "must be in the future")
    if command.deadline > now + LONGEST_OPEN:
        raise InvalidRfq("deadline", "must be within a year")
    for index, supplier_id in enumerate(command.suppliers):
        sells_in = command.supplier_currencies.get(supplier_id)
        if sells_in is None:
            raise InvalidRfq(f"suppliers[{index}]", f"no supplier {supplier_id}")
        if sells_in != command.currency:
            detail = f"this supplier sells in {sells_in}, the RFQ asks for {command.currency}"
            raise InvalidRfq(f"suppliers[{index}]", detail)
    return [
        RfqIssued(
            rfq_id=command.rfq_id,
            buyer_id=command.buyer_id,
            title=command.title,
            currency=command.currency,
            lines=command.lines,
            suppliers=command.suppliers,
            deadline=command.deadline,
            delivery_region=command.delivery_region,
            delivery_address_id=command.delivery_address_id,
            note=command.note,
        )
    ]


def check_answerable(state: RfqState, supplier_id: object, now: datetime) -> None:
    """An invited supplier may answer an open RFQ until its deadline, unless it declined."""
    if state.phase is Phase.NEW or supplier_id not in state.suppliers:
        raise NotFound("no such RFQ for this supplier")
    if state.phase is not Phase.OPEN:
        raise RfqClosed(f"the RFQ was {state.phase.value}; it takes no more answers")
    if now >= state.deadline:
        detail = f"answers were due by {state.deadline.isoformat()}; this one came too late"
        raise DeadlinePassed("deadline", detail)
    if supplier_id in state.declined:
        raise AlreadyDeclined("you declined this RFQ")


def answer(
    command: SubmitQuote, state: RfqState, now: datetime
) -> list[RfqQuoteSubmitted | RfqQuoteRevised]:
    check_answerable(state, command.supplier_id, now)
    if command.valid_until <= now:
        raise InvalidQuote("valid_until", "must be in the future")
    for index, line in enumerate(command.lines):
        if state.line(line.line_no) is None:
            raise InvalidQuote(f"lines[{index}].line_no", f"the RFQ has no line {line.line_no}")
    extra = command.delivery_charge.amount
    check_quoted_lines(command.lines, command.catalog, state.currency, extra)
    if command.delivery_charge.currency != state.currency:
        raise InvalidQuote("delivery_charge.currency", f"quote in {state.currency}")
    revision = state.revisions.get(command.supplier_id, 0) + 1
    if revision > MAX_REVISIONS:
        raise InvalidQuote("lines", f"a quote may be given at most {MAX_REVISIONS} times")
    kind = RfqQuoteRevised if command.supplier_id in state.quotes else RfqQuoteSubmitted
    return [
        kind(
            rfq_id=state.rfq_id,
            supplier_id=command.supplier_id,
            revision=revision,
            lines=tuple(sorted(command.lines, key=lambda line: line.line_no)),
            delivery_charge=command.delivery_charge,
            valid_until=command.valid_until,
            note=command.note,
        )
    ]


def decline(command: DeclineRfq, state: RfqState, now: datetime) -> list[RfqDeclined]:
    check_answerable(state, command.supplier_id, now)
    return [
        RfqDeclined(rfq_id=state.rfq_id, supplier_id=command.supplier_id, reason=command.reason)
    ]


def cancel(command: CancelRfq, state: RfqState, now: datetime) -> list[RfqCancelled]:
    if state.phase is Phase.NEW:
        raise NotFound("no such RFQ")
    if state.phase is not Phase.OPEN:
        raise RfqClosed(f"the RFQ was {state.phase.value} already")
    return [RfqCancelled(rfq_id=state.rfq_id, reason=command.reason)]
