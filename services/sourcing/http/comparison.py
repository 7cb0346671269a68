"""The comparison of an RFQ's quotes as the API answers it (see domain/comparison.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.service.shapes import money

from ..domain.comparison import Offer, QuoteTotals, offers_for, totals
from ..domain.state import Phase, RfqState


def _offer(offer: Offer, currency: str) -> dict[str, Any]:
    line = offer.line
    return {
        "supplier_id": str(offer.supplier_id),
        "sku": line.sku,
        "quantity": line.quantity,
        "unit_price": line.unit_price.model_dump(mode="json"),
        "line_total": money(offer.line_total, currency),
        "landed_cost": money(offer.landed_cost, currency),
        "landed_unit_cost": money(offer.landed_unit_cost, currency),
        "lead_time_days": line.lead_time_days,
        "expired": offer.expired,
        "best": list(offer.best),
    }


def _quote(found: QuoteTotals, state: RfqState, currency: str) -> dict[str, Any]:
    return {
        "supplier_id": str(found.supplier_id),
        "revision": found.revision,
        "goods_total": money(found.goods, currency),
        "delivery_charge": money(found.delivery_charge, currency),
        "landed_total": money(found.landed, currency),
        "line_count": found.lines,
        "longest_lead_time_days": found.longest_lead_time_days,
        "valid_until": state.quotes[found.supplier_id].valid_until.isoformat(),
        "expired": found.expired,
        "best": list(found.best),
    }


def comparison(state: RfqState, now: datetime) -> dict[str, Any]:
    currency = state.currency
    answered = now >= state.deadline or set(state.suppliers) <= state.answered
    status = state.phase.value
    if state.phase is Phase.OPEN and now >= state.deadline:
        status = "awaiting_award"
    lines = [
        {
            **line.model_dump(mode="json"),
            "offers": [_offer(o, currency) for o in offers_for(state, line.line_no, now)],
        }
        for line in state.lines
    ]
    return {
        "rfq_id": str(state.rfq_id),
        "currency": currency,
        "status": status,
        "awardable": state.phase is Phase.OPEN and answered,
        "quotes": [_quote(t, state, currency) for t in totals(state, now)],
        "lines": lines,
    }
