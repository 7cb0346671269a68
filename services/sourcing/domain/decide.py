"""The sourcing deciders: route each command to its rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.events.base import DomainEvent
from shared.service.decider import Decider

from . import award, offer, rfq
from .commands import (
    AcceptQuote,
    AwardRfq,
    CancelRfq,
    DeclineQuote,
    DeclineRfq,
    IssueRfq,
    OfferCommand,
    OfferQuote,
    RfqCommand,
    SubmitQuote,
)
from .state import OfferState, RfqState, evolve_offer, evolve_rfq

_RFQ_RULES: dict[type[Any], Callable[[Any, RfqState, datetime], list[Any]]] = {
    IssueRfq: rfq.issue,
    SubmitQuote: rfq.answer,
    DeclineRfq: rfq.decline,
    CancelRfq: rfq.cancel,
    AwardRfq: award.award,
}
_OFFER_RULES: dict[type[Any], Callable[[Any, OfferState, datetime], list[Any]]] = {
    OfferQuote: offer.offer,
    AcceptQuote: offer.accept,
    DeclineQuote: offer.decline,
}


def decide_rfq(command: RfqCommand, state: RfqState, now: datetime) -> list[DomainEvent]:
    return _RFQ_RULES[type(command)](command, state, now)


def decide_offer(command: OfferCommand, state: OfferState, now: datetime) -> list[DomainEvent]:
    return _OFFER_RULES[type(command)](command, state, now)


rfq_decider: Decider[RfqCommand, RfqState, DomainEvent] = Decider(
    decide=decide_rfq, evolve=evolve_rfq, initial_state=RfqState
)
offer_decider: Decider[OfferCommand, OfferState, DomainEvent] = Decider(
    decide=decide_offer, evolve=evolve_offer, initial_state=OfferState
)
