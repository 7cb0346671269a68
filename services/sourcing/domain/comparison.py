"""The buyer's comparison of an RFQ's quotes: per line each supplier's price, quantity, lead
time and landed cost (its goods plus its share of the quote's delivery charge), the best per
criterion marked among the quotes still valid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from shared.events.base import Money
from shared.events.sourcing import QuotedLine, value_of

from .state import RfqState, SupplierQuote

CENT = Decimal("0.01")
CRITERIA = ("unit_price", "landed_unit_cost", "lead_time_days")


@dataclass(frozen=True)
class Offer:
    """One supplier's answer to one line, as compared."""

    supplier_id: UUID
    line: QuotedLine
    line_total: Decimal
    landed_cost: Decimal
    expired: bool
    best: tuple[str, ...] = ()

    @property
    def landed_unit_cost(self) -> Decimal:
        return (self.landed_cost / self.line.quantity).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class QuoteTotals:
    supplier_id: UUID
    revision: int
    goods: Decimal
    delivery_charge: Decimal
    landed: Decimal
    lines: int
    longest_lead_time_days: int
    expired: bool
    best: tuple[str, ...] = ()


def _share(quote: SupplierQuote, line: QuotedLine) -> Decimal:
    """The part of the quote's delivery charge a line carries: in proportion to its value
    (evenly when the quote is worth nothing)."""
    charge = quote.delivery_charge.amount
    goods = value_of(quote.lines)
    if goods == 0:
        return charge / len(quote.lines)
    return charge * line.unit_price.amount * line.quantity / goods


def offers_for(state: RfqState, line_no: int, now: datetime) -> list[Offer]:
    found = []
    for supplier_id, quote in state.quotes.items():
        line = quote.line(line_no)
        if line is None:
            continue
        total = line.unit_price.amount * line.quantity
        landed = (total + _share(quote, line)).quantize(CENT, ROUND_HALF_UP)
        found.append(Offer(supplier_id, line, total, landed, now >= quote.valid_until))
    return _mark(found)


def _mark(offers: list[Offer]) -> list[Offer]:
    """Marks the best of the valid offers by each criterion (none when fewer than two compare)."""
    valid = [o for o in offers if not o.expired]
    if len(valid) < 2:
        return offers
    keys: dict[str, Callable[[Offer], Decimal]] = {
        "unit_price": lambda o: o.line.unit_price.amount,
        "landed_unit_cost": lambda o: o.landed_unit_cost,
        "lead_time_days": lambda o: Decimal(o.line.lead_time_days),
    }
    bests = {name: min((key(o) for o in valid), default=None) for name, key in keys.items()}
    return [
        Offer(
            o.supplier_id,
            o.line,
            o.line_total,
            o.landed_cost,
            o.expired,
            tuple(n for n in CRITERIA if not o.expired and keys[n](o) == bests[n]),
        )
        for o in offers
    ]


def totals(state: RfqState, now: datetime) -> list[QuoteTotals]:
    """Each quote as a whole: goods, delivery, landed total; the best of the valid marked."""
    found = []
    for supplier_id, quote in state.quotes.items():
        goods = value_of(quote.lines)
        found.append(
            QuoteTotals(
                supplier_id=supplier_id,
                revision=quote.revision,
                goods=goods,
                delivery_charge=quote.delivery_charge.amount,
                landed=goods + quote.delivery_charge.amount,
                lines=len(quote.lines),
                longest_lead_time_days=max(line.lead_time_days for line in quote.lines),
                expired=now >= quote.valid_until,
            )
        )
    valid = [t for t in found if not t.expired]
    # Only quotes that answer every line they could are compared as wholes.
    most = max((t.lines for t in valid), default=0)
    full = [t for t in valid if t.lines == most]
    if len(full) < 2:
        return found
    cheapest = min((t.landed for t in full), default=None)
    fastest = min((t.longest_lead_time_days for t in full), default=None)
    return [
        _with_best(
            t, t in full and t.landed == cheapest, t in full and t.longest_lead_time_days == fastest
        )
        for t in found
    ]


def _with_best(totals_: QuoteTotals, cheapest: bool, fastest: bool) -> QuoteTotals:
    best = (("landed_total",) if cheapest else ()) + (("lead_time_days",) if fastest else ())
    return QuoteTotals(**{**totals_.__dict__, "best": best})


def money(amount: Decimal, currency: str) -> Money:
    return Money(amount=amount.quantize(CENT, ROUND_HALF_UP), currency=currency)
