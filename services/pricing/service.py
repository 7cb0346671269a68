"""Declares the pricing service: its streams, subscriptions, projections and routes."""

from __future__ import annotations

from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import Repository

from .domain.decide import (
    coupon_decider,
    customer_price_decider,
    customer_tier_decider,
    order_pricing_decider,
    price_list_decider,
    product_decider,
    promotion_decider,
)
from .http import routes
from .http.deps import PricingDeps
from .reactions import reactions
from .views.catalog import Catalog


def build(context: ServiceContext) -> ServiceParts:
    """Streams ``product-``, ``pricelist-``, ``customerprice-``, ``customertier-``,
    ``promotion-``, ``coupon-`` and ``orderpricing-``; the reaction prices placed orders."""
    store = context.store
    deps = PricingDeps(
        context=context,
        catalog=Catalog(),
        products=Repository(store, product_decider, "product"),
        price_lists=Repository(store, price_list_decider, "pricelist"),
        customer_prices=Repository(store, customer_price_decider, "customerprice"),
        customer_tiers=Repository(store, customer_tier_decider, "customertier"),
        promotions=Repository(store, promotion_decider, "promotion"),
        coupons=Repository(store, coupon_decider, "coupon"),
    )
    orders = Repository(store, order_pricing_decider, "orderpricing")
    return ServiceParts(
        router=routes(deps),
        policies=reactions(context, deps.catalog, orders),
        projections=[deps.catalog],
    )


definition = ServiceDefinition(name="pricing", build=build)
