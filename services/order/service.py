"""Declares the order service: its streams, subscriptions, projections and routes."""

from __future__ import annotations

from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import Repository

from .domain.decide import order_decider
from .domain.parties import party_decider
from .http import routes
from .http.deps import OrderDeps
from .reactions import reactions
from .views.analytics import OrderFacts
from .views.details import OrderDetails
from .views.parties import PartyDirectory
from .views.products import OrderableProducts
from .views.summaries import OrderSummaries


def build(context: ServiceContext) -> ServiceParts:
    """Streams ``order-``, ``buyer-``, ``supplier-``; policies follow the four other services."""
    deps = OrderDeps(
        context=context,
        orders=Repository(context.store, order_decider, "order"),
        buyers=Repository(context.store, party_decider, "buyer"),
        suppliers=Repository(context.store, party_decider, "supplier"),
        products=OrderableProducts(),
        parties=PartyDirectory(),
        summaries=OrderSummaries(),
        details=OrderDetails(),
    )
    return ServiceParts(
        router=routes(deps),
        policies=reactions(
            deps.orders, (deps.buyers, deps.suppliers), deps.products, context.engine
        ),
        projections=[deps.products, deps.parties, deps.summaries, deps.details, OrderFacts()],
    )


definition = ServiceDefinition(name="order", build=build)
