"""Who may see an RFQ or an offered quote: its buyer, the suppliers it names, operations and
analysts; anyone else gets 404, as for an RFQ that does not exist."""

from __future__ import annotations

from uuid import UUID

from shared.service.auth.access import BUYER, SUPPLIER
from shared.service.auth.actor import Actor
from shared.service.errors import Problem

from ..domain.state import OfferState, Phase, RfqState


def rfq_not_found(rfq_id: object) -> Problem:
    return Problem(404, "RFQ not found", f"no RFQ {rfq_id}", field="rfq_id")


def quote_not_found(quote_id: object) -> Problem:
    return Problem(404, "Quote not found", f"no quote {quote_id}", field="quote_id")


def check_sees_rfq(actor: Actor, state: RfqState, rfq_id: UUID) -> None:
    hidden = (actor.role == BUYER and actor.party != str(state.buyer_id)) or (
        actor.role == SUPPLIER and actor.party not in {str(s) for s in state.suppliers}
    )
    if state.phase is Phase.NEW or hidden:
        raise rfq_not_found(rfq_id)


def check_acts_for(actor: Actor, supplier_id: UUID, rfq_id: UUID) -> None:
    """A supplier answers for itself only (another supplier's answer is not found)."""
    if actor.role == SUPPLIER and actor.party != str(supplier_id):
        raise rfq_not_found(rfq_id)


def check_sees_offer(actor: Actor, state: OfferState, quote_id: UUID) -> None:
    own = {BUYER: state.buyer_id, SUPPLIER: state.supplier_id}.get(actor.role)
    if state.phase is Phase.NEW or (own is not None and actor.party != str(own)):
        raise quote_not_found(quote_id)


def check_own_company(actor: Actor, role: str, party_id: UUID, field: str) -> None:
    """A buyer (or supplier) acts for its own company only."""
    if actor.role == role and actor.party != str(party_id):
        raise Problem(422, "Not your company", f"a {role} acts for itself", field=field)
