"""Declares the logistics service: its streams, subscriptions, projections and routes."""

from __future__ import annotations

from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import Repository

from .domain.decide import fulfilment_decider
from .domain.master_data import address_decider, carrier_decider
from .http import routes
from .http.deps import LogisticsDeps
from .reactions import reactions
from .views.addresses import DeliveryAddressBook
from .views.carriers import CarrierDirectory
from .views.payment_terms import PaymentTermsCopy
from .views.returns import ReturnLog
from .views.shipments import ShipmentTracking


def build(context: ServiceContext) -> ServiceParts:
    """Streams: ``fulfilment-<order id>``, ``carrier-<id>``, ``delivery-address-<id>``."""
    deps = LogisticsDeps(
        context=context,
        fulfilments=Repository(context.store, fulfilment_decider, "fulfilment"),
        carriers=Repository(context.store, carrier_decider, "carrier"),
        addresses=Repository(context.store, address_decider, "delivery-address"),
        carrier_directory=CarrierDirectory(),
        address_book=DeliveryAddressBook(),
        tracking=ShipmentTracking(),
        returns=ReturnLog(),
    )
    terms = PaymentTermsCopy()
    return ServiceParts(
        router=routes(deps),
        policies=reactions(deps.fulfilments, terms, context.engine),
        projections=[deps.carrier_directory, deps.address_book, deps.tracking, deps.returns, terms],
    )


definition = ServiceDefinition(name="logistics", build=build)
