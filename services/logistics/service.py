"""Declares the logistics service: its streams, subscriptions, projections and routes."""

from __future__ import annotations

from services.logistics.http.commands import Repositories, make_router
from services.logistics.domain.decide import fulfilment_decider
from services.logistics.domain.master_data import address_decider, carrier_decider
from services.logistics.reactions import build_policies
from services.logistics.views.master_data import (
    CarrierDirectory,
    DeliveryAddressBook,
    PaymentTermsCopy,
)
from services.logistics.views.returns import ReturnLog
from services.logistics.views.shipments import ShipmentTracking
from services.logistics.http.queries import ReadModels
from shared.service.definition import ServiceContext, ServiceDefinition, ServiceParts
from shared.service.repository import Repository


def build(context: ServiceContext) -> ServiceParts:
    """Streams: ``fulfilment-<order id>``, ``carrier-<id>``, ``delivery-address-<id>``."""
    repos = Repositories(
        fulfilments=Repository(context.store, fulfilment_decider, "fulfilment"),
        carriers=Repository(context.store, carrier_decider, "carrier"),
        addresses=Repository(context.store, address_decider, "delivery-address"),
    )
    terms = PaymentTermsCopy()
    reads = ReadModels(
        context=context,
        carriers=CarrierDirectory(),
        addresses=DeliveryAddressBook(),
        tracking=ShipmentTracking(),
        returns=ReturnLog(),
    )
    return ServiceParts(
        router=make_router(context, repos, reads),
        policies=build_policies(repos.fulfilments, terms, context.engine),
        projections=[reads.carriers, reads.addresses, reads.tracking, reads.returns, terms],
    )


definition = ServiceDefinition(name="logistics", build=build)
