"""What pricing's routes work with, handed over by the service's build (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from shared.events.pricing import (
    CouponCreated,
    CustomerPriceSet,
    CustomerTierAssigned,
    PriceListSet,
    PromotionCreated,
)
from shared.service.definition import ServiceContext
from shared.service.repository import Repository

from ..domain.commands import Create, ProductCommand, Replace
from ..domain.state import Product
from ..views.catalog import Catalog


@dataclass(frozen=True)
class PricingDeps:
    context: ServiceContext
    catalog: Catalog
    products: Repository[ProductCommand, Product]
    price_lists: Repository[Replace[PriceListSet], PriceListSet | None]
    customer_prices: Repository[Replace[CustomerPriceSet], CustomerPriceSet | None]
    customer_tiers: Repository[Replace[CustomerTierAssigned], CustomerTierAssigned | None]
    promotions: Repository[Create[PromotionCreated], PromotionCreated | None]
    coupons: Repository[Create[CouponCreated], CouponCreated | None]
