"""What the order routes work with, handed over by the service's build (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.service.definition import ServiceContext
from shared.service.repository import Repository

from ..domain.commands import Command
from ..domain.parties import PartyCommand, PartyState
from ..domain.state import OrderState
from ..views.details import OrderDetails
from ..views.parties import PartyDirectory
from ..views.products import OrderableProducts
from ..views.summaries import OrderSummaries


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
