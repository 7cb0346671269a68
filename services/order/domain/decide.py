"""The order decider: route each command to its rule, then complete the order when it is done."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from shared.events.base import DomainEvent
from shared.events.order import OrderCompleted
from shared.service.decider import Decider

from . import approval, negotiation, progress
from .commands import (
    AcceptAmendment,
    ApproveOrder,
    CancelOrder,
    Command,
    ConfirmOrder,
    DeclineAmendment,
    DeclineApproval,
    PlaceOrder,
    ProposeAmendment,
    RecordBackorder,
    RecordCreditRefused,
    RecordCreditReserved,
    RecordGoodsResolution,
    RecordInvoice,
    RecordPricing,
    RecordPricingFailure,
    RecordReturn,
    RecordShipment,
    RecordStockReserved,
    RecordStockShortage,
    RejectOrder,
    ReleaseOrder,
)
from .completion import is_complete
from .evolve import evolve
from .placement import place
from .state import OrderState

_RULES: dict[type[Any], Callable[[Any, OrderState], list[Any]]] = {
    PlaceOrder: place,
    ConfirmOrder: negotiation.confirm,
    RejectOrder: negotiation.reject,
    ProposeAmendment: negotiation.propose,
    AcceptAmendment: negotiation.accept_amendment,
    DeclineAmendment: negotiation.decline_amendment,
    CancelOrder: negotiation.cancel,
    RecordPricing: progress.record_pricing,
    RecordPricingFailure: progress.record_pricing_failure,
    RecordStockReserved: progress.record_stock_reserved,
    RecordStockShortage: progress.record_shortage,
    RecordBackorder: progress.record_backorder,
    RecordShipment: progress.record_shipment,
    RecordGoodsResolution: progress.record_goods,
    RecordInvoice: progress.record_invoice,
    RecordReturn: progress.record_return,
    RecordCreditReserved: progress.record_credit_reserved,
    RecordCreditRefused: progress.record_credit_refused,
    ReleaseOrder: progress.release,
    ApproveOrder: approval.approve,
    DeclineApproval: approval.decline,
}


def decide(command: Command, state: OrderState, now: datetime) -> list[DomainEvent]:
    """The events ``command`` causes; OrderCompleted follows the fact that finishes the order."""
    events: list[DomainEvent] = _RULES[type(command)](command, state)
    if events and not isinstance(command, PlaceOrder):
        after = order_decider.fold(events, state)
        if is_complete(after):
            events.append(OrderCompleted(order_id=state.order_id))
    return events


order_decider: Decider[Command, OrderState, DomainEvent] = Decider(
    decide=decide, evolve=evolve, initial_state=OrderState
)
