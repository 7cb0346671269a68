"""The catalog projection: pricing's master data, buyers' tiers (order) and live stock (inventory).

Pricing's policy reads its terms from here, and the catalog and quote queries read it too.
"""

from __future__ import annotations

import json
from uuid import UUID

from sqlalchemy import MetaData, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from services.pricing.domain.book import coupon_key
from shared.events import inventory, order, pricing
from shared.events.envelope import Envelope
from shared.service.projection import Projection
from shared.service.sql import upsert

from .tables import CatalogTables, define


def _money(value: object) -> str | None:
    amount = getattr(value, "amount", None)
    return None if amount is None else format(amount, "f")


class Catalog(Projection):
    """Products with their terms and the stock of the supplier's warehouses."""

    name = "pricing_catalog"
    version = 1
    sources = ("pricing", "order", "inventory")
    event_types = frozenset(
        {
            "ProductRegistered",
            "ProductUpdated",
            "PriceListSet",
            "CustomerPriceSet",
            "CustomerTierAssigned",
            "PromotionCreated",
            "CouponCreated",
            "OrderPriced",
            "BuyerRegistered",
            "SupplierRegistered",
            "WarehouseRegistered",
            "StockReceived",
            "StockAdjusted",
            "StockReserved",
            "StockReleased",
            "StockCommitted",
        }
    )

    def define_tables(self, metadata: MetaData) -> None:
        self.t: CatalogTables = define(metadata, "{}" + self.suffix)

    async def apply(self, conn: AsyncConnection, envelope: Envelope) -> None:
        event = envelope.event
        if isinstance(event, pricing.ProductRegistered | pricing.ProductUpdated):
            await self._product(conn, event, envelope.stream_version)
        elif isinstance(event, pricing.PriceListSet):
            await self._price_list(conn, event)
        elif isinstance(event, pricing.CustomerPriceSet):
            key = {"supplier_id": str(event.supplier_id), "buyer_id": str(event.buyer_id)}
            await upsert(
                conn,
                self.t.customer_prices,
                {
                    **key,
                    "sku": event.sku,
                    "unit_price": _money(event.unit_price),
                    "currency": event.unit_price.currency,
                },
                ["supplier_id", "buyer_id", "sku"],
            )
        elif isinstance(event, pricing.CustomerTierAssigned):
            await upsert(
                conn,
                self.t.customer_tiers,
                {
                    "supplier_id": str(event.supplier_id),
                    "buyer_id": str(event.buyer_id),
                    "tier": event.tier,
                },
                ["supplier_id", "buyer_id"],
            )
        elif isinstance(event, pricing.PromotionCreated | pricing.CouponCreated):
            await self._offer(conn, event)
        elif isinstance(event, pricing.OrderPriced):
            await self._redeem(conn, event)
        elif isinstance(event, order.BuyerRegistered):
            await upsert(
                conn,
                self.t.buyers,
                {"buyer_id": str(event.buyer_id), "tier": event.tier},
                ["buyer_id"],
            )
        elif isinstance(event, order.SupplierRegistered):
            await upsert(
                conn,
                self.t.suppliers,
                {
                    "supplier_id": str(event.supplier_id),
                    "currency": event.currency,
                },
                ["supplier_id"],
            )
        else:
            await self._stock(conn, event)

    async def _product(
        self,
        conn: AsyncConnection,
        event: pricing.ProductRegistered | pricing.ProductUpdated,
        version: int,
    ) -> None:
        await upsert(
            conn,
            self.t.products,
            {
                "supplier_id": str(event.supplier_id),
                "sku": event.sku,
                "name": event.name,
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
            ["supplier_id", "sku"],
        )

    async def _price_list(self, conn: AsyncConnection, event: pricing.PriceListSet) -> None:
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
        self, conn: AsyncConnection, event: pricing.PromotionCreated | pricing.CouponCreated
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

    async def _redeem(self, conn: AsyncConnection, event: pricing.OrderPriced) -> None:
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

    async def _stock(self, conn: AsyncConnection, event: object) -> None:
        match event:
            case inventory.WarehouseRegistered():
                await upsert(
                    conn,
                    self.t.warehouses,
                    {
                        "warehouse_id": str(event.warehouse_id),
                        "supplier_id": str(event.supplier_id),
                    },
                    ["warehouse_id"],
                )
            case inventory.StockReceived():
                await self._move(conn, event.warehouse_id, event.sku, event.quantity, 0)
            case inventory.StockAdjusted():
                await self._move(conn, event.warehouse_id, event.sku, event.delta, 0)
            case inventory.StockReserved():
                for a in event.allocations:
                    await self._move(conn, a.warehouse_id, a.sku, 0, a.quantity)
            case inventory.StockReleased():
                for a in event.releases:
                    await self._move(conn, a.warehouse_id, a.sku, 0, -a.quantity)
            case inventory.StockCommitted():
                for ln in event.lines:
                    await self._move(conn, event.warehouse_id, ln.sku, -ln.quantity, -ln.quantity)

    async def _move(
        self, conn: AsyncConnection, warehouse_id: UUID, sku: str, on_hand: int, reserved: int
    ) -> None:
        table = self.t.stock
        key = (table.c.warehouse_id == str(warehouse_id), table.c.sku == sku)
        row = (await conn.execute(select(table.c.on_hand, table.c.reserved).where(*key))).first()
        if row is None:
            await conn.execute(
                table.insert().values(
                    warehouse_id=str(warehouse_id), sku=sku, on_hand=on_hand, reserved=reserved
                )
            )
        else:
            await conn.execute(
                update(table)
                .where(*key)
                .values(on_hand=row.on_hand + on_hand, reserved=row.reserved + reserved)
            )
