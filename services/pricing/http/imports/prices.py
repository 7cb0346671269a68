"""Importing prices: tier prices (merged into each tier's price list), quantity breaks (replace
the named SKUs' breaks in a tier) and customer prices (one per buyer and SKU)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Self
from uuid import UUID

from pydantic import model_validator

from shared.events.base import Money, PositiveQuantity
from shared.events.pricing import CustomerPriceSet, PriceListSet, QuantityBreak, TierPrice
from shared.events.values import Code, CurrencyCode, Percentage, Sku
from shared.service.auth.access import OPS, SUPPLIER
from shared.service.auth.actor import Actor
from shared.service.context import CommandContext
from shared.service.imports import ImportKind, Parsed, RowError, RowModel, acting_for

from ...domain.commands import Replace
from ..deps import PricingDeps
from ..models import percent_of
from .common import CatalogReads, Price


class _PriceOrPercent(RowModel):
    unit_price: Price | None = None
    percent_off: Percentage | None = None

    @model_validator(mode="after")
    def _one(self) -> Self:
        if (self.unit_price is None) == (self.percent_off is None):
            raise ValueError("give either unit_price or percent_off")
        return self

    def price(self, list_price: Decimal) -> Decimal:
        if self.unit_price is not None:
            return self.unit_price
        assert self.percent_off is not None
        return percent_of(list_price, self.percent_off)


class TierPriceRow(_PriceOrPercent):
    supplier_id: UUID | None = None
    tier: Code
    sku: Sku


class BreakRow(_PriceOrPercent):
    supplier_id: UUID | None = None
    tier: Code
    sku: Sku
    min_quantity: PositiveQuantity


class CustomerPriceRow(RowModel):
    supplier_id: UUID | None = None
    buyer_id: UUID
    sku: Sku
    unit_price: Price
    currency: CurrencyCode | None = None


class _PriceImporter:
    """Checks rows against the catalog (the product exists, its currency), once per chunk."""

    columns: tuple[str, ...] = ("sku",)

    def __init__(self, deps: PricingDeps, reads: CatalogReads, actor: Actor) -> None:
        self.deps = deps
        self.reads = reads
        self.actor = actor
        self.context = CommandContext(actor=str(actor))
        self.seen: set[tuple[Any, ...]] = set()
        self.products: dict[tuple[str, str], Any] = {}
        self.waited = False

    def key(self, supplier: str, row: Any) -> tuple[Any, ...]:
        raise NotImplementedError

    async def check(self, rows: Sequence[Parsed]) -> list[RowError]:
        if not self.waited:
            await self.reads.caught_up()  # products imported just before are known
            self.waited = True
        errors: list[RowError] = []
        mine: list[tuple[int, str, Any]] = []
        for number, row in rows:
            supplier, why = acting_for(self.actor, "supplier", row.supplier_id)
            if supplier is None:
                errors.append(RowError(number, "supplier_id", why or ""))
                continue
            key = self.key(supplier, row)
            if key in self.seen:
                errors.append(RowError(number, self.columns[-1], "this row repeats an earlier one"))
                continue
            self.seen.add(key)
            mine.append((number, supplier, row))
        found = await self.reads.products({(s, row.sku) for _, s, row in mine})
        self.products.update(found)
        for number, supplier, row in mine:
            product = found.get((supplier, row.sku))
            if product is None:
                errors.append(RowError(number, "sku", f"no product {row.sku} for this supplier"))
                continue
            errors.extend(await self.check_row(number, supplier, row, product))
        return errors

    async def check_row(self, number: int, supplier: str, row: Any, product: Any) -> list[RowError]:
        return []

    def list_price(self, supplier: str, sku: str) -> Decimal:
        return Decimal(self.products[(supplier, sku)]["list_price"])

    def currency(self, supplier: str, sku: str) -> str:
        return str(self.products[(supplier, sku)]["currency"])

    async def apply(self, rows: Sequence[Parsed]) -> int:
        return 0

    async def finish(self) -> int:
        return 0


class _PriceListMerge(_PriceImporter):
    """Gathers rows per (supplier, tier) and appends one PriceListSet per tier at the end."""

    def __init__(self, deps: PricingDeps, reads: CatalogReads, actor: Actor) -> None:
        super().__init__(deps, reads, actor)
        self.currencies: dict[tuple[str, str], str] = {}
        self.gathered: dict[tuple[str, str], list[Any]] = defaultdict(list)

    async def check_row(self, number: int, supplier: str, row: Any, product: Any) -> list[RowError]:
        tier = (supplier, row.tier)
        currency = self.currencies.setdefault(tier, product["currency"])
        if product["currency"] != currency:
            reason = f"{row.sku} is priced in {product['currency']}, this tier in {currency}"
            return [RowError(number, "sku", reason)]
        return []

    async def apply(self, rows: Sequence[Parsed]) -> int:
        for _number, row in rows:
            supplier, _ = acting_for(self.actor, "supplier", row.supplier_id)
            assert supplier is not None
            self.gathered[(supplier, row.tier)].append(row)
        return 0

    async def finish(self) -> int:
        applied = 0
        for (supplier, tier), rows in self.gathered.items():
            stream = f"{supplier}-{tier}"
            current = (await self.deps.price_lists.load(stream)).state
            prices = {p.sku: p for p in current.prices} if current is not None else {}
            currency = (
                current.currency if current is not None else self.currency(supplier, rows[0].sku)
            )
            self.merge(prices, supplier, currency, rows)
            event = PriceListSet(
                supplier_id=UUID(supplier),
                tier=tier,
                currency=currency,
                prices=tuple(prices[sku] for sku in sorted(prices)),
            )
            await self.deps.price_lists.handle(stream, Replace(event), self.context)
            applied += len(rows)
        return applied

    def merge(
        self, prices: dict[str, TierPrice], supplier: str, currency: str, rows: list[Any]
    ) -> None:
        raise NotImplementedError


class TierPriceImporter(_PriceListMerge):
    columns = ("tier", "sku")

    def key(self, supplier: str, row: Any) -> tuple[Any, ...]:
        return (supplier, row.tier, row.sku)

    def merge(
        self, prices: dict[str, TierPrice], supplier: str, currency: str, rows: list[Any]
    ) -> None:
        for row in rows:
            unit = Money(amount=row.price(self.list_price(supplier, row.sku)), currency=currency)
            known = prices.get(row.sku)
            prices[row.sku] = TierPrice(
                sku=row.sku, unit_price=unit, breaks=known.breaks if known else ()
            )


class BreakImporter(_PriceListMerge):
    columns = ("tier", "sku", "min_quantity")

    def key(self, supplier: str, row: Any) -> tuple[Any, ...]:
        return (supplier, row.tier, row.sku, row.min_quantity)

    async def check(self, rows: Sequence[Parsed]) -> list[RowError]:
        errors = await super().check(rows)
        refused = {e.row for e in errors}
        wanted = {}
        for number, row in rows:
            supplier, _ = acting_for(self.actor, "supplier", row.supplier_id)
            if number not in refused and supplier is not None:
                wanted[number] = (supplier, row.tier, row.sku)
        priced = await self.reads.tier_prices(set(wanted.values()))
        for number, key in wanted.items():
            if key not in priced:
                reason = f"{key[2]} has no price in tier {key[1]}: import its tier price first"
                errors.append(RowError(number, "sku", reason))
        return errors

    def merge(
        self, prices: dict[str, TierPrice], supplier: str, currency: str, rows: list[Any]
    ) -> None:
        by_sku: dict[str, list[Any]] = defaultdict(list)
        for row in rows:
            by_sku[row.sku].append(row)
        for sku, breaks in by_sku.items():
            known = prices.get(sku)
            if known is None:
                continue  # the tier price went away since the check: nothing to break
            list_price = self.list_price(supplier, sku)
            prices[sku] = TierPrice(
                sku=sku,
                unit_price=known.unit_price,
                breaks=tuple(
                    QuantityBreak(
                        min_quantity=b.min_quantity,
                        unit_price=Money(amount=b.price(list_price), currency=currency),
                    )
                    for b in sorted(breaks, key=lambda b: b.min_quantity)
                ),
            )


class CustomerPriceImporter(_PriceImporter):
    columns = ("buyer_id", "sku")

    def key(self, supplier: str, row: Any) -> tuple[Any, ...]:
        return (supplier, row.buyer_id, row.sku)

    async def check_row(self, number: int, supplier: str, row: Any, product: Any) -> list[RowError]:
        if row.currency is not None and row.currency != product["currency"]:
            reason = f"{row.sku} is priced in {product['currency']}"
            return [RowError(number, "currency", reason)]
        return []

    async def apply(self, rows: Sequence[Parsed]) -> int:
        for _number, row in rows:
            supplier, _ = acting_for(self.actor, "supplier", row.supplier_id)
            assert supplier is not None
            currency = row.currency or await self._currency(supplier, row.sku)
            event = CustomerPriceSet(
                supplier_id=UUID(supplier),
                buyer_id=row.buyer_id,
                sku=row.sku,
                unit_price=Money(amount=row.unit_price, currency=currency),
            )
            stream = f"{supplier}-{row.buyer_id}-{row.sku}"
            await self.deps.customer_prices.handle(stream, Replace(event), self.context)
        return len(rows)

    async def _currency(self, supplier: str, sku: str) -> str:
        if (supplier, sku) not in self.products:
            self.products.update(await self.reads.products({(supplier, sku)}))
        return self.currency(supplier, sku)


def price_kinds(deps: PricingDeps, reads: CatalogReads) -> list[ImportKind]:
    return [
        ImportKind(
            roles=(SUPPLIER, OPS),
            name="price-lists",
            summary="Set tier prices (a unit price or a percentage off the list price); each "
            "tier's price list keeps the SKUs the file does not name, and their breaks.",
            row_model=TierPriceRow,
            start=lambda actor, _job: TierPriceImporter(deps, reads, actor),
        ),
        ImportKind(
            roles=(SUPPLIER, OPS),
            name="quantity-breaks",
            summary="Replace the quantity breaks of the named SKUs in a tier (one row per "
            "break: from min_quantity units, a unit price or a percentage off the list price).",
            row_model=BreakRow,
            start=lambda actor, _job: BreakImporter(deps, reads, actor),
        ),
        ImportKind(
            roles=(SUPPLIER, OPS),
            name="customer-prices",
            summary="Set prices agreed with one buyer for one SKU (they beat the tier price).",
            row_model=CustomerPriceRow,
            start=lambda actor, _job: CustomerPriceImporter(deps, reads, actor),
        ),
    ]
