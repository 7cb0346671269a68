"""Declares the pricing service: its streams, subscriptions, projections and routes."""

from __future__ import annotations

from services.pricing.api import make_router
from services.pricing.policies import price_placed_orders
from services.pricing.projections.catalog import Catalog
from services.pricing.repositories import Repositories
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts


def build(context: ServiceContext) -> ServiceParts:
    catalog = Catalog()
    repos = Repositories.on(context.store)
    return ServiceParts(
        router=make_router(context, repos, catalog),
        policies=price_placed_orders(context, catalog, repos.order_pricing),
        projections=[catalog],
    )


definition = ServiceDefinition(name="pricing", build=build)
