"""The catalog projection: pricing's master data, buyers' tiers (order) and live stock (inventory).

Pricing's reaction reads its terms from here (``catalog_queries``), and so do the catalog and
quote routes. Money is kept as decimal strings, times as ISO-8601 UTC strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    update,
)

from services.pricing.domain.book import coupon_key
from shared.events import inventory, order, pricing
from shared.events.envelope import Envelope
from shared.service.projection import FoldingProjection
from shared.service.rows import Key, Rows, key_of
from shared.sql import Connection


@dataclass(frozen=True)
class CatalogTables:
    products: Table
    tier_prices: Table
    customer_prices: Table
    buyers: Table
    suppliers: Table
    customer_tiers: Table
    promotions: Table
    coupons: Table
    warehouses: Table
    stock: Table


MONEY = String(40)
"""An amount as a decimal string."""

TableOf = Callable[..., Table]
"""Declares one table: its base name, then its columns."""


def _id(name: str) -> Column[Any]:
    return Column(name, String(64), primary_key=True)


def define(metadata: MetaData, name: str = "{}") -> CatalogTables:
    """Declare the tables; ``name`` formats each base name (a projection's suffix)."""

    def table(base: str, *columns: Column[Any]) -> Table:
        return Table(name.format(base), metadata, *columns)

    return CatalogTables(**_prices(table), **_parties(table), **_offers(table), **_stock(table))


def _prices(table: TableOf) -> dict[str, Table]:
    """Products and their prices: list, tier (with breaks) and agreed with a buyer."""
    return {
        "products": table(
            "pricing_products",
            _id("supplier_id"),
            _id("sku"),
            Column("name", Text, nullable=False),
            Column("names", Text, nullable=False),  # JSON: {"zh-Hant": ..., "en": ...}
            Column("category", String(64), nullable=False),
            Column("unit", String(64), nullable=False),
            Column("pack_size", Integer, nullable=False),
            Column("min_order_qty", Integer, nullable=False),
            Column("list_price", MONEY, nullable=False),
            Column("currency", String(3), nullable=False),
            Column("cost_price", MONEY),
            Column("active", Boolean, nullable=False),
            Column("version", Integer, nullable=False),
        ),
        "tier_prices": table(
            "pricing_tier_prices",
            _id("supplier_id"),
            _id("tier"),
            _id("sku"),
            Column("unit_price", MONEY, nullable=False),
            Column("currency", String(3), nullable=False),
            Column("breaks", Text, nullable=False),
        ),
        "customer_prices": table(
            "pricing_customer_prices",
            _id("supplier_id"),
            _id("buyer_id"),
            _id("sku"),
            Column("unit_price", MONEY, nullable=False),
            Column("currency", String(3), nullable=False),
        ),
    }


def _parties(table: TableOf) -> dict[str, Table]:
    """Buyers with their starting tier, suppliers with their currency, tiers assigned."""
    return {
        "buyers": table(
            "pricing_buyers", _id("buyer_id"), Column("tier", String(64), nullable=False)
        ),
        "suppliers": table(
            "pricing_suppliers", _id("supplier_id"), Column("currency", String(3), nullable=False)
        ),
        "customer_tiers": table(
            "pricing_customer_tiers",
            _id("supplier_id"),
            _id("buyer_id"),
            Column("tier", String(64), nullable=False),
        ),
    }


def _offers(table: TableOf) -> dict[str, Table]:
    """Promotions and coupons (with their redemptions so far)."""
    return {
        "promotions": table(
            "pricing_promotions",
            _id("promotion_id"),
            Column("supplier_id", String(64), nullable=False, index=True),
            Column("name", Text, nullable=False),
            Column("category", String(64), nullable=False),
            Column("percent_off", MONEY, nullable=False),
            Column("starts_at", String(40), nullable=False),
            Column("ends_at", String(40), nullable=False),
        ),
        "coupons": table(
            "pricing_coupons",
            _id("supplier_id"),
            _id("code"),
            Column("coupon_id", String(64), nullable=False, unique=True),
            Column("percent_off", MONEY),
            Column("amount_off", MONEY),
            Column("currency", String(3)),
            Column("min_order_total", MONEY),
            Column("valid_from", String(40), nullable=False),
            Column("valid_until", String(40), nullable=False),
            Column("max_redemptions", Integer),
            Column("redemptions", Integer, nullable=False),
        ),
    }


def _stock(table: TableOf) -> dict[str, Table]:
    """The supplier's warehouses and what each holds and has reserved per SKU."""
    return {
        "warehouses": table(
            "pricing_warehouses",
            _id("warehouse_id"),
            Column("supplier_id", String(64), nullable=False, index=True),
        ),
        "stock": table(
            "pricing_stock",
            _id("warehouse_id"),
            _id("sku"),
            # Sums of bounded deltas: 64 bits, or a long history overflows int32 on PostgreSQL.
            Column("on_hand", BigInteger, nullable=False),
            Column("reserved", BigInteger, nullable=False),
        ),
    }


def _money(value: object) -> str | None:
    amount = getattr(value, "amount", None)
    return None if amount is None else format(amount, "f")


class Catalog(FoldingProjection):
    """Products with their terms and the stock of the supplier's warehouses."""

    name = "pricing_catalog"
    version = 3  # stock sums widened to 64 bits
    sources = ("pricing", "order", "inventory")
    event_types = (
        pricing.ProductRegistered,
        pricing.ProductUpdated,
        pricing.PriceListSet,
        pricing.CustomerPriceSet,
        pricing.CustomerTierAssigned,
        pricing.PromotionCreated,
        pricing.CouponCreated,
        pricing.OrderPriced,
        order.BuyerRegistered,
        order.SupplierRegistered,
        inventory.WarehouseRegistered,
        inventory.StockReceived,
        inventory.StockAdjusted,
        inventory.StockReserved,
        inventory.StockReleased,
        inventory.StockCommitted,
    )

    def define_tables(self, metadata: MetaData) -> None:
        self.t: CatalogTables = define(metadata, "{}" + self.suffix)

    async def prefetch(self, rows: Rows, envelopes: Sequence[Envelope]) -> None:
        await rows.load(self.t.stock, (key for e in envelopes for key in _stock_keys(e.event)))

    async def fold(self, rows: Rows, envelope: Envelope) -> None:
        # Price lists, promotions and coupons change rows by other keys than their primary
        # key: they are written at once, straight through the batch's connection.
        conn, event = rows.conn, envelope.event
        if isinstance(event, pricing.ProductRegistered | pricing.ProductUpdated):
            self._product(rows, event, envelope.stream_version)
        elif isinstance(event, pricing.PriceListSet):
            await self._price_list(conn, event)
        elif isinstance(event, pricing.CustomerPriceSet):
            key = {"supplier_id": str(event.supplier_id), "buyer_id": str(event.buyer_id)}
            rows.put(
                self.t.customer_prices,
                {
                    **key,
                    "sku": event.sku,
                    "unit_price": _money(event.unit_price),
                    "currency": event.unit_price.currency,
                },
            )
        elif isinstance(event, pricing.CustomerTierAssigned):
            rows.put(
                self.t.customer_tiers,
                {
                    "supplier_id": str(event.supplier_id),
                    "buyer_id": str(event.buyer_id),
                    "tier": event.tier,
                },
            )
        elif isinstance(event, pricing.PromotionCreated | pricing.CouponCreated):
            await self._offer(conn, event)
        elif isinstance(event, pricing.OrderPriced):
            await self._redeem(conn, event)
        elif isinstance(event, order.BuyerRegistered):
            rows.put(self.t.buyers, {"buyer_id": str(event.buyer_id), "tier": event.tier})
        elif isinstance(event, order.SupplierRegistered):
            rows.put(
                self.t.suppliers,
                {"supplier_id": str(event.supplier_id), "currency": event.currency},
            )
        else:
            await self._stock(rows, event)

    def _product(
        self,
        rows: Rows,
        event: pricing.ProductRegistered | pricing.ProductUpdated,
        version: int,
    ) -> None:
        rows.put(
            self.t.products,
            {
                "supplier_id": str(event.supplier_id),
                "sku": event.sku,
                "name": event.name,
                # unescaped, so a search for 螺栓 finds the row with LIKE
                "names": json.dumps(event.names, ensure_ascii=False, sort_keys=True),
                "category": event.category,
                "unit": event.unit,
                "pack_size": event.pack_size,
                "min_order_qty": event.min_order_qty,
                "list_price": _money(event.list_price),
                "currency": event.list_price.currency,
                "cost_price": _money(event.cost_price),
                "active": getattr(event, "active", True),
                "version": version,
            },
        )

    async def _price_list(self, conn: Connection, event: pricing.PriceListSet) -> None:
        table, supplier = self.t.tier_prices, str(event.supplier_id)
        await conn.execute(
            delete(table).where(table.c.supplier_id == supplier, table.c.tier == event.tier)
        )
        for price in event.prices:
            breaks = [[b.min_quantity, _money(b.unit_price)] for b in price.breaks]
            await conn.execute(
                table.insert().values(
                    supplier_id=supplier,
                    tier=event.tier,
                    sku=price.sku,
                    unit_price=_money(price.unit_price),
                    currency=event.currency,
                    breaks=json.dumps(breaks),
                )
            )

    async def _offer(
        self, conn: Connection, event: pricing.PromotionCreated | pricing.CouponCreated
    ) -> None:
        if isinstance(event, pricing.PromotionCreated):
            await conn.execute(
                self.t.promotions.insert().values(
                    promotion_id=str(event.promotion_id),
                    supplier_id=str(event.supplier_id),
                    name=event.name,
                    category=event.category,
                    percent_off=format(event.percent_off, "f"),
                    starts_at=event.starts_at.isoformat(),
                    ends_at=event.ends_at.isoformat(),
                )
            )
            return
        await conn.execute(
            self.t.coupons.insert().values(
                supplier_id=str(event.supplier_id),
                code=coupon_key(event.code),
                coupon_id=str(event.coupon_id),
                percent_off=None if event.percent_off is None else format(event.percent_off, "f"),
                amount_off=_money(event.amount_off),
                currency=event.amount_off.currency if event.amount_off else None,
                min_order_total=_money(event.min_order_total),
                valid_from=event.valid_from.isoformat(),
                valid_until=event.valid_until.isoformat(),
                max_redemptions=event.max_redemptions,
                redemptions=0,
            )
        )

    async def _redeem(self, conn: Connection, event: pricing.OrderPriced) -> None:
        coupon = pricing.DiscountKind.COUPON
        used = {d.source_id for d in event.order_discounts if d.kind == coupon}
        used |= {d.source_id for ln in event.lines for d in ln.discounts if d.kind == coupon}
        for coupon_id in used - {None}:
            table = self.t.coupons
            await conn.execute(
                update(table)
                .where(table.c.coupon_id == str(coupon_id))
                .values(redemptions=table.c.redemptions + 1)
            )

    async def _stock(self, rows: Rows, event: object) -> None:
        match event:
            case inventory.WarehouseRegistered():
                rows.put(
                    self.t.warehouses,
                    {
                        "warehouse_id": str(event.warehouse_id),
                        "supplier_id": str(event.supplier_id),
                    },
                )
            case inventory.StockReceived():
                await self._move(rows, event.warehouse_id, event.sku, event.quantity, 0)
            case inventory.StockAdjusted():
                await self._move(rows, event.warehouse_id, event.sku, event.delta, 0)
            case inventory.StockReserved():
                for a in event.allocations:
                    await self._move(rows, a.warehouse_id, a.sku, 0, a.quantity)
            case inventory.StockReleased():
                for a in event.releases:
                    await self._move(rows, a.warehouse_id, a.sku, 0, -a.quantity)
            case inventory.StockCommitted():
                for ln in event.lines:
                    await self._move(rows, event.warehouse_id, ln.sku, -ln.quantity, -ln.quantity)

    async def _move(
        self, rows: Rows, warehouse_id: UUID, sku: str, on_hand: int, reserved: int
    ) -> None:
        table = self.t.stock
        row = await rows.get(table, key_of(table, {"warehouse_id": str(warehouse_id), "sku": sku}))
        if row is None:
            row = {"warehouse_id": str(warehouse_id), "sku": sku, "on_hand": 0, "reserved": 0}
        rows.put(
            table,
            {**row, "on_hand": row["on_hand"] + on_hand, "reserved": row["reserved"] + reserved},
        )


def _stock_keys(event: object) -> Iterator[Key]:
    """The (warehouse_id, sku) rows of pricing_stock a stock event moves."""
    match event:
        case inventory.StockReceived() | inventory.StockAdjusted():
            yield (str(event.warehouse_id), event.sku)
        case inventory.StockReserved():
            yield from ((str(a.warehouse_id), a.sku) for a in event.allocations)
        case inventory.StockReleased():
            yield from ((str(a.warehouse_id), a.sku) for a in event.releases)
        case inventory.StockCommitted():
            yield from ((str(event.warehouse_id), ln.sku) for ln in event.lines)
