"""The demo world, generated deterministically: two Taiwanese suppliers (industrial supplies, and
tea and foods), their warehouses, two carriers, ~110 SKUs named in English, Traditional and
Simplified Chinese with real units and pack sizes, ~20 buyers in three tiers with their terms."""

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
    names: dict[str, str]
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
    contact_email: str = ""
    language: str = "zh-Hant"


@dataclass(frozen=True)
class Buyer:
    buyer_id: uuid.UUID
    name: str
    tier: str
    region: str
    terms: str
    contact_email: str = ""
    language: str = "zh-Hant"


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


Names = dict[str, str]
"""A product's name by BCP 47 tag: ``en``, ``zh-Hant``, ``zh-Hans``."""


@dataclass(frozen=True)
class Family:
    """Products that differ by one spec (size, weight): names with ``{spec}``, a unit and the
    pack the supplier sells them in (orders come in multiples of ``pack``)."""

    category: str
    en: str
    hant: str
    hans: str
    unit: str
    pack: int
    price: tuple[int, int]
    """List price range of one unit, in cents."""
    specs: tuple[str | tuple[str, str, str], ...] = ("",)
    """A spec the same in every language ("M8", "500 ml"), or (English, zh-Hant, zh-Hans)."""

    def names(self, spec: str | tuple[str, str, str]) -> Names:
        en, hant, hans = (spec, spec, spec) if isinstance(spec, str) else spec
        return {
            "en": self.en.format(spec=en).strip(),
            "zh-Hant": self.hant.format(spec=hant).strip(),
            "zh-Hans": self.hans.format(spec=hans).strip(),
        }


# fmt: off
_INDUSTRIAL = (
    Family("fasteners", "Hex bolt {spec}, zinc-plated", "鍍鋅六角螺栓 {spec}", "镀锌六角螺栓 {spec}",
           "box", 1, (450, 1800), (("M6×20 (100 pcs)", "M6×20（100 入）", "M6×20（100 个）"),
                                   ("M8×30 (100 pcs)", "M8×30（100 入）", "M8×30（100 个）"),
                                   ("M10×40 (50 pcs)", "M10×40（50 入）", "M10×40（50 个）"),
                                   ("M12×50 (50 pcs)", "M12×50（50 入）", "M12×50（50 个）"))),
    Family("fasteners", "Hex bolt {spec}, stainless 304", "不鏽鋼 304 六角螺栓 {spec}",
           "不锈钢 304 六角螺栓 {spec}", "box", 1, (900, 3200),
           (("M8×30 (100 pcs)", "M8×30（100 入）", "M8×30（100 个）"),
            ("M10×40 (50 pcs)", "M10×40（50 入）", "M10×40（50 个）"))),
    Family("fasteners", "Hex nut {spec} (200 pcs)", "六角螺帽 {spec}（200 入）", "六角螺母 {spec}（200 个）",
           "box", 1, (300, 1100), ("M6", "M8", "M10", "M12")),
    Family("fasteners", "Flat washer {spec} (500 pcs)", "平華司 {spec}（500 入）", "平垫圈 {spec}（500 个）",
           "bag", 1, (250, 900), ("M6", "M8", "M10")),
    Family("fasteners", "Wood screw {spec} (200 pcs)", "木螺絲 {spec}（200 入）", "木螺丝 {spec}（200 个）",
           "box", 1, (350, 900), ("3.5×30", "4×40", "5×50")),
    Family("fasteners", "Self-drilling screw {spec} (500 pcs)", "鑽尾螺絲 {spec}（500 入）",
           "自钻螺丝 {spec}（500 个）", "box", 1, (600, 1400), ("4.2×19", "4.8×25")),
    Family("fasteners", "Wedge anchor {spec} (50 pcs)", "壁虎膨脹螺栓 {spec}（50 入）",
           "膨胀螺栓 {spec}（50 个）", "box", 1, (800, 2200), ("M8×80", "M10×100", "M12×120")),
    Family("hand_tools", "Combination pliers {spec}", "鋼絲鉗 {spec}", "钢丝钳 {spec}",
           "each", 6, (650, 1600), ('7" (180 mm)', '8" (200 mm)')),
    Family("hand_tools", "Long-nose pliers {spec}", "尖嘴鉗 {spec}", "尖嘴钳 {spec}",
           "each", 6, (550, 1300), ('6" (150 mm)', '8" (200 mm)')),
    Family("hand_tools", "Adjustable wrench {spec}", "活動扳手 {spec}", "活动扳手 {spec}",
           "each", 6, (700, 2200), ('8" (200 mm)', '10" (250 mm)', '12" (300 mm)')),
    Family("hand_tools", 'Torque wrench 1/2", {spec}', "1/2 吋扭力扳手 {spec}", "1/2 英寸扭力扳手 {spec}",
           "each", 1, (6500, 14500), ("40–200 N·m", "60–340 N·m")),
    Family("hand_tools", 'Socket set 1/2", {spec}', "1/2 吋套筒組 {spec}", "1/2 英寸套筒组 {spec}",
           "set", 1, (3800, 9800), (("24 pcs", "24 件", "24 件"), ("40 pcs", "40 件", "40 件"))),
    Family("hand_tools", "Screwdriver set, {spec}", "螺絲起子組 {spec}", "螺丝刀套装 {spec}",
           "set", 4, (1200, 3500), (("6 pcs", "6 支", "6 支"), ("12 pcs", "12 支", "12 支"))),
    Family("hand_tools", "Utility knife 18 mm", "18 mm 美工刀", "18 mm 美工刀", "each", 12, (180, 450)),
    Family("hand_tools", "Tape measure {spec}", "鋼捲尺 {spec}", "钢卷尺 {spec}", "each", 10, (250, 900),
           ("3.5 m", "5.5 m", "7.5 m")),
    Family("hand_tools", "Claw hammer 16 oz", "16 盎司羊角鎚", "16 盎司羊角锤", "each", 6, (900, 2200)),
    Family("power_tools", "Cordless drill driver 18 V, {spec}", "18V 充電式起子電鑽（{spec}）",
           "18V 充电式电钻（{spec}）", "each", 1, (8900, 18900),
           (("body only", "單主機", "裸机"), ("2 × 2.0 Ah kit", "雙電池 2.0Ah 套裝", "双电池 2.0Ah 套装"))),
    Family("power_tools", "Angle grinder {spec}", "手提砂輪機 {spec}", "角磨机 {spec}",
           "each", 1, (3900, 8900), ("100 mm, 720 W", "125 mm, 1,100 W")),
    Family("power_tools", "Impact driver 18 V, body only", "18V 充電式衝擊起子機（單主機）",
           "18V 充电式冲击起子机（裸机）", "each", 1, (7900, 15900)),
    Family("power_tools", "Cutting disc {spec} (50 pcs)", "切斷砂輪片 {spec}（50 片）", "切割片 {spec}（50 片）",
           "box", 1, (1500, 3600), ("105×1.0 mm", "125×1.2 mm")),
    Family("power_tools", "HSS drill bit set, {spec}", "高速鋼鑽頭組 {spec}", "高速钢钻头套装 {spec}",
           "set", 2, (1200, 4200), (("13 pcs", "13 支", "13 支"), ("25 pcs", "25 支", "25 支"))),
    Family("safety", "Nitrile gloves, size {spec} (100 pcs)", "丁腈手套 {spec} 號（100 入）",
           "丁腈手套 {spec} 码（100 只）", "box", 10, (450, 950), ("M", "L", "XL")),
    Family("safety", "Cut-resistant gloves, size {spec}", "防割手套 {spec} 號", "防割手套 {spec} 码",
           "pair", 12, (350, 900), ("M", "L")),
    Family("safety", "Safety helmet, {spec}", "{spec}工程安全帽", "{spec}工程安全帽",
           "each", 10, (450, 1200), (("white", "白色", "白色"), ("yellow", "黃色", "黄色"))),
    Family("safety", "Safety glasses, clear", "透明護目鏡", "透明护目镜", "each", 12, (250, 700)),
    Family("safety", "Ear muffs, SNR 30 dB", "防噪耳罩 SNR 30 dB", "防噪音耳罩 SNR 30 dB",
           "each", 10, (650, 1500)),
    Family("safety", "Hi-vis vest, size {spec}", "反光背心 {spec} 號", "反光背心 {spec} 码",
           "each", 10, (220, 600), ("L", "XL")),
    Family("safety", "N95 respirator (20 pcs)", "N95 口罩（20 入）", "N95 口罩（20 只）",
           "box", 10, (900, 1900)),
    Family("electrical", "Cable tie {spec} (100 pcs)", "束線帶 {spec}（100 條）", "尼龙扎带 {spec}（100 根）",
           "bag", 10, (120, 480), ("150 mm", "200 mm", "300 mm")),
    Family("electrical", "PVC insulating tape 19 mm × 20 m", "PVC 絕緣膠帶 19 mm × 20 m",
           "PVC 电工胶带 19 mm × 20 m", "roll", 10, (60, 180)),
    Family("electrical", "LED panel light 60 × 60 cm, 40 W, {spec}", "LED 平板燈 60 × 60 cm 40W（{spec}）",
           "LED 平板灯 60 × 60 cm 40W（{spec}）", "each", 4, (1600, 3800),
           (("daylight", "晝光色", "白光"), ("warm white", "黃光", "暖白光"))),
    Family("electrical", "Extension cord reel {spec}", "延長線輪 {spec}", "电缆卷盘 {spec}",
           "each", 1, (2400, 6800), ("15 m", "30 m")),
    Family("electrical", "Miniature circuit breaker 2P {spec}", "無熔絲開關 2P {spec}", "空气开关 2P {spec}",
           "each", 10, (450, 1300), ("20 A", "30 A")),
    Family("electrical", "Copper wire 2.0 mm², 100 m", "2.0 mm² 單芯電線 100 m", "2.0 mm² 单芯电线 100 m",
           "roll", 1, (3200, 6500)),
    Family("packaging", "Stretch film 500 mm × 300 m", "棧板膠膜 500 mm × 300 m", "缠绕膜 500 mm × 300 m",
           "roll", 6, (650, 1300)),
    Family("packaging", "Corrugated carton {spec}", "五層瓦楞紙箱 {spec}", "五层瓦楞纸箱 {spec}",
           "each", 25, (60, 220), ("40 × 30 × 30 cm", "60 × 40 × 40 cm")),
    Family("packaging", "Packing tape 48 mm, {spec}", "48 mm {spec}封箱膠帶", "48 mm {spec}封箱胶带",
           "roll", 6, (90, 260), (("clear", "透明", "透明"), ("brown", "咖啡色", "棕色"))),
    Family("packaging", "Bubble wrap 50 cm × 50 m", "氣泡布 50 cm × 50 m", "气泡膜 50 cm × 50 m",
           "roll", 1, (1200, 2600)),
)
_FOODS = (
    Family("tea", "Alishan high-mountain oolong, {spec}", "阿里山高山烏龍茶 {spec}",
           "阿里山高山乌龙茶 {spec}", "tin", 12, (1500, 4500), ("150 g", "300 g")),
    Family("tea", "Dong Ding oolong, {spec}", "凍頂烏龍茶 {spec}", "冻顶乌龙茶 {spec}",
           "tin", 12, (1200, 3600), ("150 g", "300 g")),
    Family("tea", "Oriental Beauty tea 75 g", "東方美人茶 75 g", "东方美人茶 75 g",
           "tin", 12, (1800, 4200)),
    Family("tea", "Sun Moon Lake black tea 100 g", "日月潭紅茶 100 g", "日月潭红茶 100 g",
           "box", 12, (900, 2400)),
    Family("beverages", "Unsweetened oolong tea 600 ml", "無糖烏龍茶 600 ml", "无糖乌龙茶 600 ml",
           "bottle", 24, (55, 95)),
    Family("beverages", "Roasted barley tea 600 ml", "麥仔茶 600 ml", "大麦茶 600 ml",
           "bottle", 24, (45, 85)),
    Family("beverages", "Sparkling water {spec}", "氣泡水 {spec}", "气泡水 {spec}",
           "bottle", 24, (40, 90), ("500 ml", "1 L")),
    Family("beverages", "Cold brew coffee 250 ml", "冷萃咖啡 250 ml", "冷萃咖啡 250 ml",
           "bottle", 24, (120, 220)),
    Family("beverages", "Soy milk, no sugar added, 400 ml", "無加糖豆漿 400 ml", "无糖豆浆 400 ml",
           "bottle", 24, (50, 90)),
    Family("snacks", "Pineapple cakes, box of {spec}", "土鳳梨酥禮盒 {spec} 入", "凤梨酥礼盒 {spec} 个",
           "box", 10, (900, 2200), ("6", "12")),
    Family("snacks", "Dried mango 200 g", "愛文芒果乾 200 g", "芒果干 200 g",
           "bag", 20, (250, 520)),
    Family("snacks", "Brown rice crackers 150 g", "糙米米果 150 g", "糙米饼 150 g",
           "bag", 24, (120, 260)),
    Family("snacks", "Roasted seaweed snack 32 g", "海苔脆片 32 g", "海苔脆片 32 g",
           "bag", 36, (80, 160)),
    Family("snacks", "Peanut nougat 300 g", "花生牛軋糖 300 g", "花生牛轧糖 300 g",
           "bag", 20, (300, 650)),
    Family("pantry", "Soy sauce {spec}", "純釀醬油 {spec}", "酿造酱油 {spec}",
           "bottle", 12, (180, 520), ("500 ml", "1 L")),
    Family("pantry", "Black sesame oil 500 ml", "純黑麻油 500 ml", "纯黑芝麻油 500 ml",
           "bottle", 12, (350, 780)),
    Family("pantry", "Jasmine rice 5 kg", "香米 5 公斤", "香米 5 公斤", "bag", 4, (950, 1600)),
    Family("pantry", "Rice vinegar 600 ml", "糯米醋 600 ml", "糯米醋 600 ml",
           "bottle", 12, (120, 260)),
    Family("pantry", "Hsinchu rice noodles 400 g", "新竹米粉 400 g", "新竹米粉 400 g",
           "bag", 30, (90, 200)),
)
# fmt: on


def _products(prefix: str, families: tuple[Family, ...], rng: random.Random) -> list[Product]:
    """Every family's products, SKUs numbered in catalog order."""
    products: list[Product] = []
    for family in families:
        for spec in family.specs:
            names = family.names(spec)
            list_price = Decimal(rng.randrange(*family.price)) / 100
            products.append(
                Product(
                    sku=f"{prefix}-{len(products) + 1:04d}",
                    name=names["en"],
                    names=names,
                    category=family.category,
                    unit=family.unit,
                    pack_size=family.pack,
                    min_order_qty=family.pack * rng.choice((1, 1, 2)),
                    list_price=list_price,
                    cost_price=(list_price * Decimal("0.62")).quantize(Decimal("0.01")),
                )
            )
    return products


def _sample(products: list[Product], scale: float) -> tuple[Product, ...]:
    """All products, or for ``scale`` < 1 a few of each category in turn (tests seed fast)."""
    if scale >= 1:
        return tuple(products)
    count = max(5, round(len(products) * scale))
    by_category: dict[str, list[Product]] = {}
    for product in products:
        by_category.setdefault(product.category, []).append(product)
    queues = list(by_category.values())
    chosen: list[Product] = []
    while len(chosen) < count:
        for queue in queues:
            if queue and len(chosen) < count:
                chosen.append(queue.pop(0))
    return tuple(sorted(chosen, key=lambda p: p.sku))


MAIL_LANGUAGES = ("zh-Hant", "en", "zh-Hans")
"""The languages of the demo parties' mail, in turn (Lotus Hardware reads Traditional Chinese)."""


def _mailbox(company: str) -> str:
    """``Harbor Café Group`` → ``harbor-cafe-group``."""
    plain = company.lower().replace("é", "e")
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


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
        products=_sample(_products("HIS", _INDUSTRIAL, rng), scale),
        auto_confirm=False,
        contact_email="orders@harbor-industrial.example",
        language="zh-Hant",
    )
    foods = Supplier(
        supplier_id=demo_id("supplier", "jade"),
        name="Jade Mountain Foods",
        warehouses=(Warehouse(demo_id("warehouse", "taichung"), "Taichung Hub", REGIONS, 1, 1),),
        products=_sample(_products("JMF", _FOODS, rng), scale),
        auto_confirm=True,
        contact_email="sales@jade-mountain.example",
        language="en",
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
            contact_email=f"purchasing@{_mailbox(name)}.example",
            language=MAIL_LANGUAGES[index % len(MAIL_LANGUAGES)],
        )
        for index, (name, tier) in enumerate(zip(companies, tiers, strict=True))
    )
    # In the order GET /api/v1/carriers lists them (by code): demo-carrier-01 is the first.
    carriers = (
        Carrier(
            demo_id("carrier", "blueline"), "BLUELINE", "BlueLine Logistics", ("north", "central")
        ),
        Carrier(demo_id("carrier", "swift"), "SWIFT", "Swift Freight", REGIONS),
    )
    stock: dict[tuple[uuid.UUID, str], int] = {}
    for supplier in (industrial, foods):
        for product in supplier.products:
            for warehouse in supplier.warehouses:
                stock[(warehouse.warehouse_id, product.sku)] = product.pack_size * rng.randrange(
                    40, 400
                )
    return DemoWorld(suppliers=(industrial, foods), buyers=buyers, carriers=carriers, stock=stock)
