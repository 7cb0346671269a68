"""The demo world a newcomer meets: a believable catalogue in three languages, and demo keys
numbered the way the API lists their parties."""

from __future__ import annotations

from runtime.demo_accounts import demo_keys
from runtime.demo_data import build_world

WORLD = build_world()


def test_every_product_has_a_name_in_each_language_and_a_real_unit_and_pack() -> None:
    products = [p for s in WORLD.suppliers for p in s.products]
    assert len(products) >= 80
    assert len({p.name for p in products}) == len(products), "two products share a name"
    for product in products:
        assert set(product.names) == {"en", "zh-Hant", "zh-Hans"}
        assert product.name == product.names["en"]
        assert not any(f" v{n}" in product.name for n in range(1, 10)), product.name
        assert product.min_order_qty % product.pack_size == 0
    assert {p.unit for p in products} >= {"each", "box", "bottle", "roll", "pair", "tin"}
    bolt = next(p for p in products if p.name.startswith("Hex bolt M8"))
    assert "六角螺栓" in bolt.names["zh-Hant"]
    assert "入" in bolt.names["zh-Hant"]
    assert "个" in bolt.names["zh-Hans"]


def test_a_small_world_still_spans_every_category() -> None:
    small = build_world(scale=0.1)
    for supplier, full in zip(small.suppliers, WORLD.suppliers, strict=True):
        assert {p.category for p in supplier.products} == {p.category for p in full.products}


def test_demo_keys_are_numbered_as_the_api_lists_warehouses_and_carriers() -> None:
    keys = {key.key_id: key.actor.party for key in demo_keys(WORLD)}
    warehouses = {str(w.warehouse_id): w.name for s in WORLD.suppliers for w in s.warehouses}
    carriers = {str(c.carrier_id): c.name for c in WORLD.carriers}
    assert [warehouses[keys[f"demo-warehouse-0{n}"]] for n in (1, 2, 3)] == [
        "Taichung Hub",  # speed rank 1
        "Keelung DC",  # 2
        "Kaohsiung DC",  # 3
    ]
    assert [carriers[keys[f"demo-carrier-0{n}"]] for n in (1, 2)] == [
        "BlueLine Logistics",  # code BLUELINE
        "Swift Freight",  # code SWIFT
    ]
