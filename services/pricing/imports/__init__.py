"""Pricing's bulk imports: products, tier prices, quantity breaks, customer prices."""

from services.pricing.projections.catalog import Catalog
from services.pricing.repositories import Repositories
from shared.service.definition import ServiceContext
from shared.service.imports import Imports

from .common import CatalogReads
from .prices import price_kinds
from .products import products_kind


def pricing_imports(context: ServiceContext, repos: Repositories, catalog: Catalog) -> Imports:
    reads = CatalogReads(context, catalog)
    return Imports(context.engine, [products_kind(repos), *price_kinds(repos, reads)])
