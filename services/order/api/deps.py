"""What the order routes work with, handed over by the service's build (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.service.definition import ServiceContext
from shared.service.repository import Repository

from ..domain.commands import Command
from ..domain.parties import PartyCommand, PartyState
from ..domain.state import OrderState
from ..projections.details import OrderDetails
from ..projections.parties import PartyDirectory
from ..projections.products import OrderableProducts
from ..projections.summaries import OrderSummaries


@dataclass(frozen=True)
class OrderDeps:
    context: ServiceContext
    orders: Repository[Command, OrderState]
    buyers: Repository[PartyCommand, PartyState]
    suppliers: Repository[PartyCommand, PartyState]
    products: OrderableProducts
    parties: PartyDirectory
    summaries: OrderSummaries
    details: OrderDetails
