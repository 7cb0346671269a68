"""The demo world, generated deterministically: suppliers, warehouses, carriers, ~200 SKUs,
~20 buyers in three tiers with different payment terms."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

NAMESPACE = uuid.UUID("5b0c1e7e-2f1a-4c55-9a57-3d0f2a6b8c11")
CURRENCY = "USD"
REGIONS = ("north", "central", "south")
TIERS = {"gold": Decimal("15"), "silver": Decimal("8"), "bronze": Decimal("3")}
TERMS_BY_TIER = {"gold": "net_60", "silver": "net_30", "bronze": "prepaid"}


def demo_id(*parts: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, "/".join(parts))


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    unit: str
    pack_size: int
    min_order_qty: int
    list_price: Decimal
    cost_price: Decimal


@dataclass(frozen=True)
class Warehouse:
    warehouse_id: uuid.UUID
    name: str
    regions: tuple[str, ...]
    speed_rank: int
    lead_time_days: int


@dataclass(frozen=True)
class Supplier:
    supplier_id: uuid.UUID
    name: str
    warehouses: tuple[Warehouse, ...]
    products: tuple[Product, ...]
    auto_confirm: bool


@dataclass(frozen=True)
class Buyer:
    buyer_id: uuid.UUID
    name: str
    tier: str
    region: str
    terms: str


@dataclass(frozen=True)
class Carrier:
    carrier_id: uuid.UUID
    code: str
    name: str
    regions: tuple[str, ...]


@dataclass(frozen=True)
class DemoWorld:
    suppliers: tuple[Supplier, ...]
    buyers: tuple[Buyer, ...]
    carriers: tuple[Carrier, ...]
    stock: dict[tuple[uuid.UUID, str], int] = field(default_factory=dict)


_INDUSTRIAL = {
    "fasteners": ["Hex bolt M8", "Hex nut M10", "Wood screw 4x40", "Washer M6", "Anchor plug 8mm"],
    "tools": ["Torque wrench", "Cordless drill", "Socket set", "Pliers", "Utility knife"],
    "safety": ["Safety gloves", "Hard hat", "Ear defenders", "Safety glasses", "Hi-vis vest"],
    "electrical": [
        "Cable tie 200mm",
        "Junction box",
        "LED panel 40W",
        "Cable reel 25m",
        "Fuse 10A",
    ],
    "packaging": [
        "Stretch film",
        "Carton 40x30",
        "Packing tape",
        "Bubble wrap roll",
        "Pallet label",
    ],
}
_FOODS = {
    "beverages": ["Oolong tea 500ml", "Sparkling water", "Barley tea", "Cold brew coffee"],
    "snacks": ["Rice crackers", "Dried mango", "Seaweed chips", "Pineapple cake"],
    "pantry": ["Soy sauce 1L", "Sesame oil", "Jasmine rice 5kg", "Rice vinegar"],
}


def _products(
    prefix: str, families: dict[str, list[str]], count: int, rng: random.Random
) -> tuple[Product, ...]:
    products = []
    names = [(category, name) for category, items in families.items() for name in items]
    for index in range(count):
        category, base = names[index % len(names)]
        variant = index // len(names) + 1
        list_price = Decimal(rng.randrange(150, 25_000)) / 100
        pack = rng.choice((1, 1, 1, 2, 5, 6, 10, 12))
        products.append(
            Product(
                sku=f"{prefix}-{index + 1:04d}",
                name=f"{base} v{variant}",
                category=category,
                unit="pack" if pack > 1 else "each",
                pack_size=pack,
                min_order_qty=pack * rng.choice((1, 1, 1, 2)),
                list_price=list_price,
                cost_price=(list_price * Decimal("0.62")).quantize(Decimal("0.01")),
            )
        )
    return tuple(products)


def build_world(seed: int = 7, *, scale: float = 1.0) -> DemoWorld:
    """The demo world; ``scale`` < 1 shrinks the catalogs (tests seed a small world quickly)."""
    rng = random.Random(seed)
    industrial = Supplier(
        supplier_id=demo_id("supplier", "harbor"),
        name="Harbor Industrial Supply",
        warehouses=(
            Warehouse(demo_id("warehouse", "keelung"), "Keelung DC", ("north",), 2, 1),
            Warehouse(
                demo_id("warehouse", "kaohsiung"), "Kaohsiung DC", ("south", "central"), 3, 2
            ),
        ),
        products=_products("HIS", _INDUSTRIAL, max(5, int(150 * scale)), rng),
        auto_confirm=False,
    )
    foods = Supplier(
        supplier_id=demo_id("supplier", "jade"),
        name="Jade Mountain Foods",
        warehouses=(Warehouse(demo_id("warehouse", "taichung"), "Taichung Hub", REGIONS, 1, 1),),
        products=_products("JMF", _FOODS, max(5, int(50 * scale)), rng),
        auto_confirm=True,
    )
    tiers = ["gold"] * 5 + ["silver"] * 7 + ["bronze"] * 8
    companies = [
        "Lotus Hardware",
        "Pearl River Builders",
        "Summit Retail",
        "Bamboo Kitchen Co",
        "Northwind Workshop",
        "Riverside Market",
        "Golden Gate Fixtures",
        "Azure Electric",
        "Maple Facilities",
        "Harbor Café Group",
        "Orchid Hotels",
        "Iron Peak Factory",
        "Silverline Stores",
        "Jade Garden Restaurants",
        "Coastal Contractors",
        "Sunrise Minimart",
        "Granite Works",
        "Cedar Schools Supply",
        "Blue Sky Logistics",
        "Evergreen Clinics",
    ]
    buyers = tuple(
        Buyer(
            buyer_id=demo_id("buyer", name),
            name=name,
            tier=tier,
            region=REGIONS[index % len(REGIONS)],
            terms=TERMS_BY_TIER[tier],
        )
        for index, (name, tier) in enumerate(zip(companies, tiers, strict=True))
    )
    carriers = (
        Carrier(demo_id("carrier", "swift"), "SWIFT", "Swift Freight", REGIONS),
        Carrier(
            demo_id("carrier", "blueline"), "BLUELINE", "BlueLine Logistics", ("north", "central")
        ),
    )
    stock: dict[tuple[uuid.UUID, str], int] = {}
    for supplier in (industrial, foods):
        for product in supplier.products:
            for warehouse in supplier.warehouses:
                stock[(warehouse.warehouse_id, product.sku)] = product.pack_size * rng.randrange(
                    40, 400
                )
    return DemoWorld(suppliers=(industrial, foods), buyers=buyers, carriers=carriers, stock=stock)
