"""What the sourcing routes work with, handed over by the service's build (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.service.definition import ServiceContext
from shared.service.repository import Repository

from ..domain.commands import OfferCommand, RfqCommand
from ..domain.state import OfferState, RfqState
from ..views.figures import SupplierFigures
from ..views.offers import OfferBoard
from ..views.parties import SourcingParties
from ..views.products import SourcingProducts
from ..views.rfqs import RfqBoard


@dataclass(frozen=True)
class SourcingDeps:
    context: ServiceContext
    rfqs: Repository[RfqCommand, RfqState]
    offers: Repository[OfferCommand, OfferState]
    parties: SourcingParties
    products: SourcingProducts
    board: RfqBoard
    offer_board: OfferBoard
    figures: SupplierFigures
