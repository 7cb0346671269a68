"""Pricing's aggregates in its store, one repository per stream prefix."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.pricing.domain import terms
from services.pricing.domain.catalog import Product, ProductCommand, product_decider
from services.pricing.domain.order_pricing import OrderPricing, PriceOrder, order_pricing_decider
from shared.eventstore.port import EventStore
from shared.service.repository import Repository


@dataclass(frozen=True)
class Repositories:
    products: Repository[ProductCommand, Product]
    price_lists: Repository[Any, Any]
    customer_prices: Repository[Any, Any]
    customer_tiers: Repository[Any, Any]
    promotions: Repository[Any, Any]
    coupons: Repository[Any, Any]
    order_pricing: Repository[PriceOrder, OrderPricing]

    @classmethod
    def on(cls, store: EventStore) -> Repositories:
        return cls(
            products=Repository(store, product_decider, "product"),
            price_lists=Repository(store, terms.price_list_decider, "pricelist"),
            customer_prices=Repository(store, terms.customer_price_decider, "customerprice"),
            customer_tiers=Repository(store, terms.customer_tier_decider, "customertier"),
            promotions=Repository(store, terms.promotion_decider, "promotion"),
            coupons=Repository(store, terms.coupon_decider, "coupon"),
            order_pricing=Repository(store, order_pricing_decider, "orderpricing"),
        )


def product_key(supplier_id: object, sku: str) -> str:
    """A product's id within pricing: SKUs are unique per supplier only."""
    return f"{supplier_id}-{sku}"
