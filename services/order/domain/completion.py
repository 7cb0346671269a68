"""When an order is done: every shipment delivered and resolved, invoiced, settled, returned."""

from __future__ import annotations

from .state import OrderState, Phase


def is_complete(state: OrderState) -> bool:
    """True when nothing about a confirmed order is left open."""
    fulfilment = state.fulfilment
    if state.phase is not Phase.CONFIRMED or not fulfilment.shipments:
        return False
    every_line_planned = all(
        fulfilment.planned_by_line.get(line.line_no, 0) >= line.quantity for line in state.lines
    )
    prepaid = fulfilment.prepayment is not None
    shipments_done = all(
        track.delivered
        and track.accepted + track.rejected >= track.planned
        and (prepaid or track.invoiced >= track.accepted)
        and track.return_authorized >= track.awaiting_return
        for track in fulfilment.shipments.values()
    )
    return (
        every_line_planned
        and shipments_done
        and fulfilment.invoices <= fulfilment.settled
        and fulfilment.returns <= fulfilment.returns_received
    )
