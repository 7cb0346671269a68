"""Declares the sourcing service: its streams, views and routes.

Streams ``rfq-<id>`` (a request for quotation, its quotes and award) and ``offer-<id>`` (a quote
a supplier offers on its own). The order service places the orders an award or an accepted
quote makes (it reacts to RfqAwarded and QuoteAccepted)."""

from __future__ import annotations

from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import Repository

from .domain.decide import offer_decider, rfq_decider
from .http import routes
from .http.deps import SourcingDeps
from .reactions import reactions
from .views.figures import SupplierFigures
from .views.offers import OfferBoard
from .views.parties import SourcingParties
from .views.products import SourcingProducts
from .views.rfqs import RfqBoard


def build(context: ServiceContext) -> ServiceParts:
    deps = SourcingDeps(
        context=context,
        rfqs=Repository(context.store, rfq_decider, "rfq"),
        offers=Repository(context.store, offer_decider, "offer"),
        parties=SourcingParties(),
        products=SourcingProducts(),
        board=RfqBoard(),
        offer_board=OfferBoard(),
        figures=SupplierFigures(),
    )
    return ServiceParts(
        router=routes(deps),
        policies=reactions(),
        projections=[
            deps.parties,
            deps.products,
            deps.board,
            deps.offer_board,
            deps.figures,
        ],
    )


definition = ServiceDefinition(name="sourcing", build=build)
