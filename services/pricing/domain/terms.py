"""Price lists, customer prices, tiers, promotions and coupons: facts that are set or created.

Set-style terms (``pricelist-``, ``customerprice-``, ``customertier-`` streams) replace the
previous facts and change nothing when repeated; created terms (``promotion-``, ``coupon-``)
exist once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from shared.events.base import DomainEvent
from shared.events.pricing import (
    CouponCreated,
    CustomerPriceSet,
    CustomerTierAssigned,
    PriceListSet,
    PromotionCreated,
)
from shared.service.decider import Decider, DomainError

E = TypeVar("E", bound=DomainEvent)


class AlreadyExists(DomainError):
    """Something with this identity already exists (e.g. a coupon code of the supplier)."""


class CouponCodeTaken(AlreadyExists):
    field = "code"


@dataclass(frozen=True)
class Replace(Generic[E]):
    """Make ``facts`` the current ones; repeating the same facts changes nothing."""

    facts: E


@dataclass(frozen=True)
class Create(Generic[E]):
    """Create ``facts`` once; a second creation is refused."""

    facts: E


def replacing(event_type: type[E]) -> Decider[Replace[E], E | None, E]:
    def decide(command: Replace[E], state: E | None, now: datetime) -> list[E]:
        return [] if state == command.facts else [command.facts]

    return Decider(decide, _latest, _nothing)


def creating(
    event_type: type[E], error: type[AlreadyExists], what: str
) -> Decider[Create[E], E | None, E]:
    def decide(command: Create[E], state: E | None, now: datetime) -> list[E]:
        if state is not None:
            raise error(f"this {what} already exists")
        return [command.facts]

    return Decider(decide, _latest, _nothing)


def _latest(state: E | None, event: E) -> E | None:
    return event


def _nothing() -> None:
    return None


price_list_decider = replacing(PriceListSet)
customer_price_decider = replacing(CustomerPriceSet)
customer_tier_decider = replacing(CustomerTierAssigned)
promotion_decider = creating(PromotionCreated, AlreadyExists, "promotion")
coupon_decider = creating(CouponCreated, CouponCodeTaken, "coupon code")
