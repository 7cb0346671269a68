"""Pricing's aggregates as their decisions need them, and how each event changes them.

A product (stream ``product-<supplier id>-<sku>``) holds its current facts; set-style terms
(``pricelist-``, ``customerprice-``, ``customertier-``) and created terms (``promotion-``,
``coupon-``) hold their latest event; an order's pricing (``orderpricing-<order id>``) holds
its outcome: an order is priced, or fails, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from shared.events.base import DomainEvent
from shared.events.pricing import (
    OrderPriced,
    OrderPricingFailed,
    ProductRegistered,
    ProductUpdated,
)

E = TypeVar("E", bound=DomainEvent)

ProductEvent = ProductRegistered | ProductUpdated
OrderPricingEvent = OrderPriced | OrderPricingFailed


@dataclass(frozen=True)
class Product:
    facts: ProductUpdated | None = None


def evolve_product(state: Product, event: ProductEvent) -> Product:
    match event:
        case ProductRegistered():
            return Product(ProductUpdated(**event.model_dump(), active=True))
        case ProductUpdated():
            return Product(event)


@dataclass(frozen=True)
class OrderPricing:
    outcome: OrderPricingEvent | None = None


def evolve_order_pricing(state: OrderPricing, event: OrderPricingEvent) -> OrderPricing:
    return OrderPricing(event)


def latest(state: E | None, event: E) -> E | None:
    """The state of a term: its latest facts."""
    return event


def nothing() -> None:
    """A term before its first event."""
    return None
