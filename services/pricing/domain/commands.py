"""Commands pricing decides on: a product's facts, terms that are set or created, an order to
price (from the reaction to OrderPlaced)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar
from uuid import UUID

from shared.events.base import DomainEvent, Money

from .book import PricingBook
from .pricing import QuoteLine

E = TypeVar("E", bound=DomainEvent)


def product_key(supplier_id: object, sku: str) -> str:
    """A product's id within pricing (stream ``product-<key>``): SKUs are unique per supplier."""
    return f"{supplier_id}-{sku}"


@dataclass(frozen=True)
class RegisterProduct:
    supplier_id: UUID
    sku: str
    name: str
    category: str
    unit: str
    pack_size: int
    min_order_qty: int
    list_price: Money
    cost_price: Money | None = None
    names: dict[str, str] = field(default_factory=dict)
    """The name in other languages, by BCP 47 tag (``zh-Hant``, ``en``)."""


@dataclass(frozen=True)
class ChangeProduct:
    """Change some facts; ``None`` keeps a fact as it is (``clear_cost_price`` removes it)."""

    supplier_id: UUID
    sku: str
    name: str | None = None
    category: str | None = None
    unit: str | None = None
    pack_size: int | None = None
    min_order_qty: int | None = None
    list_price: Money | None = None
    cost_price: Money | None = None
    clear_cost_price: bool = False
    active: bool | None = None
    names: dict[str, str] | None = None


ProductCommand = RegisterProduct | ChangeProduct


@dataclass(frozen=True)
class Replace(Generic[E]):
    """Make ``facts`` the current ones; repeating the same facts changes nothing."""

    facts: E


@dataclass(frozen=True)
class Create(Generic[E]):
    """Create ``facts`` once; a second creation is refused."""

    facts: E


@dataclass(frozen=True)
class PriceOrder:
    """Price a placed order with the terms in ``book`` as they were at ``placed_at``."""

    order_id: UUID
    book: PricingBook
    lines: Sequence[QuoteLine]
    coupon_code: str | None
    placed_at: datetime
    agreed: Mapping[int, Money] = field(default_factory=dict)
    """Unit prices agreed before the order, by line number (they beat the price lists)."""
    source_id: UUID | None = None
