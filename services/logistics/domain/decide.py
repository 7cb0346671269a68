"""The fulfilment aggregate (stream ``fulfilment-<order id>``): all of one order's shipments and
returns, so cancellation and shipping of the same order are decided one after the other."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared.events.base import DomainEvent
from shared.service.decider import Decider

from .commands import (
    FulfilmentCommand,
    InspectGoods,
    NoteCancellation,
    NoteConfirmation,
    NoteDeliveryDetails,
    NotePrepayment,
    NoteRelease,
    NoteReservation,
    ReceiveReturn,
)
from .inspection import decide_inspection, decide_return
from .planning import decide_planning
from .shipping import decide_shipping
from .state import Fulfilment, evolve

_PLANNING = (
    NoteDeliveryDetails,
    NoteReservation,
    NoteRelease,
    NoteConfirmation,
    NoteCancellation,
    NotePrepayment,
)


def decide(command: FulfilmentCommand, state: Fulfilment, now: datetime) -> Sequence[DomainEvent]:
    if isinstance(command, _PLANNING):
        return decide_planning(command, state)
    if isinstance(command, InspectGoods):
        return decide_inspection(command, state)
    if isinstance(command, ReceiveReturn):
        return decide_return(command, state, now)
    return decide_shipping(command, state, now)


fulfilment_decider: Decider[FulfilmentCommand, Fulfilment, DomainEvent] = Decider(
    decide, evolve, Fulfilment
)
