"""Pricing's bulk imports: products, tier prices, quantity breaks, customer prices."""

from shared.service.imports import Imports

from ..deps import PricingDeps
from .common import CatalogReads
from .prices import price_kinds
from .products import products_kind


def pricing_imports(deps: PricingDeps) -> Imports:
    reads = CatalogReads(deps.context, deps.catalog)
    return Imports(deps.context.engine, [products_kind(deps), *price_kinds(deps, reads)])
