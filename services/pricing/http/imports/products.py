"""Importing a catalog sheet: each row registers a product, or replaces the facts of one the
supplier already has (a row that changes nothing appends nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from shared.events.base import Money, PositiveQuantity
from shared.events.values import Code, CurrencyCode, Sku, Text
from shared.service.auth.access import OPS, SUPPLIER
from shared.service.auth.actor import Actor
from shared.service.context import CommandContext
from shared.service.imports import ImportKind, Parsed, RowError, RowModel, acting_for

from ...domain.commands import ChangeProduct, RegisterProduct, product_key
from ..deps import PricingDeps
from .common import Price


class ProductRow(RowModel):
    supplier_id: UUID | None = None
    sku: Sku
    name: Text
    category: Code
    unit: Code
    pack_size: PositiveQuantity
    min_order_qty: PositiveQuantity
    list_price: Price
    currency: CurrencyCode
    cost_price: Price | None = None
    active: bool = True
    name_zh_hant: Text | None = None
    name_zh_hans: Text | None = None
    name_en: Text | None = None

    def names(self) -> dict[str, str]:
        found = {"zh-Hant": self.name_zh_hant, "zh-Hans": self.name_zh_hans, "en": self.name_en}
        return {tag: name for tag, name in found.items() if name}


class ProductImporter:
    def __init__(self, deps: PricingDeps, actor: Actor) -> None:
        self.deps = deps
        self.actor = actor
        self.context = CommandContext(actor=str(actor))
        self.seen: set[tuple[str, str]] = set()
        self.suppliers: dict[int, str] = {}

    async def check(self, rows: Sequence[Parsed]) -> list[RowError]:
        errors = []
        for number, row in rows:
            supplier, why = acting_for(self.actor, "supplier", row.supplier_id)
            if supplier is None:
                errors.append(RowError(number, "supplier_id", why or ""))
                continue
            key = (supplier, row.sku)
            if key in self.seen:
                errors.append(RowError(number, "sku", "this SKU appears earlier in the file"))
            self.seen.add(key)
        return errors

    async def apply(self, rows: Sequence[Parsed]) -> int:
        for _number, row in rows:
            supplier, _ = acting_for(self.actor, "supplier", row.supplier_id)
            assert supplier is not None  # checked
            await self._upsert(UUID(supplier), row)
        return len(rows)

    async def _upsert(self, supplier_id: UUID, row: ProductRow) -> None:
        key = product_key(supplier_id, row.sku)
        known = (await self.deps.products.load(key)).state.facts is not None
        list_price = Money(amount=row.list_price, currency=row.currency)
        cost = (
            None if row.cost_price is None else Money(amount=row.cost_price, currency=row.currency)
        )
        facts: dict[str, Any] = dict(
            supplier_id=supplier_id,
            sku=row.sku,
            name=row.name,
            category=row.category,
            unit=row.unit,
            pack_size=row.pack_size,
            min_order_qty=row.min_order_qty,
            list_price=list_price,
            cost_price=cost,
            names=row.names(),
        )
        command: RegisterProduct | ChangeProduct
        if known:
            command = ChangeProduct(**facts, clear_cost_price=cost is None, active=row.active)
        else:
            command = RegisterProduct(**facts)
        await self.deps.products.handle(key, command, self.context)
        if not known and not row.active:
            await self.deps.products.handle(
                key, ChangeProduct(supplier_id, row.sku, active=False), self.context
            )

    async def finish(self) -> int:
        return 0


def products_kind(deps: PricingDeps) -> ImportKind:
    return ImportKind(
        roles=(SUPPLIER, OPS),
        name="products",
        summary="Register new products and replace the facts of known ones (by SKU).",
        row_model=ProductRow,
        start=lambda actor, _job: ProductImporter(deps, actor),
    )
