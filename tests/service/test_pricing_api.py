"""Pricing through the embedded runtime: master data, catalog, quotes and order pricing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import httpx

from runtime.embedded import EmbeddedSystem
from shared.events.base import DomainEvent
from shared.events.ids import new_event_id
from shared.events.inventory import StockReceived, WarehouseRegistered
from shared.events.order import BuyerRegistered, OrderPlaced, SupplierRegistered
from shared.events.values import OrderLine, OrderType
from shared.eventstore.port import StreamState
from shared.service.codec import to_new_event
from tests.helpers import eventually

NOW = datetime.now(UTC)


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any], **headers: str) -> Any:
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def append(
    system: EmbeddedSystem,
    service: str,
    stream: str,
    *events: DomainEvent,
    correlation_id: UUID | None = None,
) -> None:
    new = [
        to_new_event(
            e,
            event_id=new_event_id(),
            occurred_at=datetime.now(UTC),
            correlation_id=correlation_id,
            causation_id=None,
            actor="test",
        )
        for e in events
    ]
    await system.services[service].context.store.append(stream, new, StreamState.ANY)


async def supplier_with_product(
    client: httpx.AsyncClient, system: EmbeddedSystem, buyer_tier: str = "gold"
) -> tuple[UUID, UUID]:
    supplier, buyer = uuid4(), uuid4()
    await append(
        system,
        "order",
        f"party-{supplier}",
        SupplierRegistered(supplier_id=supplier, name="Acme", currency="EUR"),
    )
    await append(
        system,
        "order",
        f"party-{buyer}",
        BuyerRegistered(buyer_id=buyer, name="Shop", tier=buyer_tier, delivery_region="north"),
    )
    await post(
        client,
        "/api/v1/products",
        {
            "supplier_id": str(supplier),
            "sku": "BOLT-10",
            "name": "Bolt M10",
            "category": "fasteners",
            "unit": "piece",
            "pack_size": 10,
            "min_order_qty": 20,
            "list_price": eur("2.00"),
            "cost_price": eur("1.10"),
        },
    )
    await post(
        client,
        "/api/v1/price-lists",
        {
            "supplier_id": str(supplier),
            "tier": "gold",
            "currency": "EUR",
            "prices": [
                {
                    "sku": "BOLT-10",
                    "percent_off": "10",
                    "breaks": [{"min_quantity": 100, "unit_price": eur("1.50")}],
                }
            ],
        },
    )
    return supplier, buyer


async def test_places_priced_order_with_tier_break_promotion_and_coupon(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    supplier, buyer = await supplier_with_product(client, system)
    await post(
        client,
        "/api/v1/promotions",
        {
            "supplier_id": str(supplier),
            "name": "Spring",
            "category": "fasteners",
            "percent_off": "10",
            "starts_at": (NOW - timedelta(days=1)).isoformat(),
            "ends_at": (NOW + timedelta(days=1)).isoformat(),
        },
    )
    await post(
        client,
        "/api/v1/coupons",
        {
            "supplier_id": str(supplier),
            "code": "save5",
            "amount_off": eur("5.00"),
            "valid_from": (NOW - timedelta(days=1)).isoformat(),
            "valid_until": (NOW + timedelta(days=1)).isoformat(),
            "max_redemptions": 1,
        },
    )
    order_id = uuid4()
    placed = OrderPlaced(
        order_id=order_id,
        buyer_id=buyer,
        supplier_id=supplier,
        order_type=OrderType.REGULAR,
        lines=(OrderLine(line_no=1, sku="BOLT-10", quantity=100),),
        delivery_region="north",
        coupon_code="SAVE5",
    )
    await append(system, "order", f"order-{order_id}", placed, correlation_id=order_id)
    store = system.services["pricing"].context.store

    async def pricing_events() -> list[Any]:
        return await store.read_stream(f"orderpricing-{order_id}")

    [record] = await eventually(pricing_events, what="OrderPriced")
    assert record.event_type == "OrderPriced"
    line = record.data["lines"][0]
    assert [d["kind"] for d in line["discounts"]] == ["tier_price", "quantity_break", "promotion"]
    assert line["net_unit_price"] == eur("1.35")
    assert record.data["lines_total"] == eur("135.00")
    assert record.data["total"] == eur("130.00")
    assert record.data["tier"] == "gold"

    async def redemptions() -> int:
        response = await client.get(f"/api/v1/coupons/SAVE5?supplier_id={supplier}")
        return int(response.json()["redemptions"])

    await eventually(redemptions, lambda n: n == 1, what="coupon redeemed")
    second = placed.model_copy(update={"order_id": uuid4()})
    await append(system, "order", f"order-{second.order_id}", second)

    async def second_outcome() -> list[Any]:
        return await store.read_stream(f"orderpricing-{second.order_id}")

    [failed] = await eventually(second_outcome, what="second order handled")
    assert failed.event_type == "OrderPricingFailed"
    assert failed.data["problems"][0]["code"] == "invalid_coupon"


async def test_a_redelivered_order_placed_is_priced_once(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    supplier, buyer = await supplier_with_product(client, system)
    order_id = uuid4()
    placed = OrderPlaced(
        order_id=order_id,
        buyer_id=buyer,
        supplier_id=supplier,
        order_type=OrderType.URGENT,
        lines=(
            OrderLine(line_no=1, sku="BOLT-10", quantity=15),
            OrderLine(line_no=2, sku="NOPE", quantity=10),
        ),
        delivery_region="north",
    )
    await append(system, "order", f"order-{order_id}", placed, placed)
    store = system.services["pricing"].context.store
    position = await system.services["order"].context.store.head_position()

    async def checkpoint() -> int:
        return system.dispatcher("pricing", "order").position

    async def outcome() -> list[Any]:
        return await store.read_stream(f"orderpricing-{order_id}")

    [failed] = await eventually(outcome, what="pricing failed")
    await eventually(checkpoint, lambda p: p >= position, timeout=5, what="both delivered")
    assert len(await store.read_stream(f"orderpricing-{order_id}")) == 1
    codes = [(p["code"], p["line_no"]) for p in failed.data["problems"]]
    assert codes == [("below_min_order_qty", 1), ("not_pack_multiple", 1), ("unknown_sku", 2)]


async def test_catalog_shows_the_buyers_own_price_and_live_stock(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    supplier, buyer = await supplier_with_product(client, system)
    warehouse = uuid4()
    await append(
        system,
        "inventory",
        f"warehouse-{warehouse}",
        WarehouseRegistered(
            warehouse_id=warehouse,
            supplier_id=supplier,
            name="Main",
            regions_served=("north",),
            speed_rank=1,
            lead_time_days=1,
        ),
    )
    await append(
        system,
        "inventory",
        f"stock-{warehouse}-BOLT-10",
        StockReceived(warehouse_id=warehouse, sku="BOLT-10", quantity=500),
    )
    other = uuid4()
    await append(
        system,
        "order",
        f"party-{other}",
        BuyerRegistered(buyer_id=other, name="Other", tier="bronze", delivery_region="north"),
    )

    async def item(buyer_id: UUID) -> dict[str, Any]:
        response = await client.get(
            "/api/v1/catalog",
            params={"supplier_id": str(supplier), "in_stock": "true"},
            headers={"X-Actor": f"buyer:{buyer_id}"},
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return items[0] if items else {}

    gold = await eventually(lambda: item(buyer), lambda i: i.get("available") == 500)
    assert gold["price"]["net_unit_price"] == eur("1.80")
    assert gold["quantity_breaks"] == [{"min_quantity": 100, "net_unit_price": eur("1.50")}]
    assert "cost_price" not in gold
    bronze = await item(other)
    assert (bronze["tier"], bronze["price"]["net_unit_price"]) == ("bronze", eur("2.00"))
    assert bronze["quantity_breaks"] == []
    forbidden = await client.get(
        f"/api/v1/catalog?buyer_id={buyer}", headers={"X-Actor": f"buyer:{other}"}
    )
    assert forbidden.status_code == 403


async def test_quote_prices_a_cart_and_names_each_broken_line(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    supplier, buyer = await supplier_with_product(client, system)
    await post(
        client,
        "/api/v1/customer-prices",
        {
            "supplier_id": str(supplier),
            "buyer_id": str(buyer),
            "sku": "BOLT-10",
            "unit_price": eur("1.70"),
        },
    )
    body = {
        "buyer_id": str(buyer),
        "supplier_id": str(supplier),
        "lines": [{"sku": "BOLT-10", "quantity": 100}],
    }

    async def quoted() -> dict[str, Any]:
        return dict((await client.post("/api/v1/quotes", json=body)).json())

    quote = await eventually(quoted, lambda q: q.get("total") == eur("170.00"))
    assert [d["kind"] for d in quote["lines"][0]["discounts"]] == ["customer_price"]
    bad = await client.post(
        "/api/v1/quotes",
        json={
            **body,
            "lines": [{"sku": "BOLT-10", "quantity": 100}, {"sku": "BOLT-10", "quantity": 25}],
        },
    )
    assert bad.status_code == 422
    assert bad.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in bad.json()["errors"]] == ["lines[1].quantity"]
    # A body the schema refuses names its field in the same format as a broken pricing rule.
    typed = await client.post(
        "/api/v1/quotes", json={**body, "lines": [{"sku": "BOLT-10", "quantity": "100"}]}
    )
    assert (typed.status_code, typed.json()["field"]) == (422, "lines[0].quantity")


async def test_product_updates_use_if_match_and_hide_cost_from_buyers(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    supplier, buyer = await supplier_with_product(client, system)
    path = "/api/v1/products/BOLT-10"
    patch = {"supplier_id": str(supplier), "pack_size": 5}
    stale = await client.patch(path, json=patch, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    changed = await client.patch(path, json=patch, headers={"If-Match": '"1"'})
    assert changed.status_code == 200, changed.text
    assert changed.headers["ETag"] == '"2"'
    position = changed.json()["position"]
    as_buyer = await client.get(
        f"{path}?min_position={position}", headers={"X-Actor": f"buyer:{buyer}"}
    )
    assert as_buyer.json()["pack_size"] == 5
    assert "cost_price" not in as_buyer.json()
    as_supplier = await client.get(path, headers={"X-Actor": f"supplier:{supplier}"})
    assert as_supplier.json()["cost_price"] == eur("1.10")
    assert as_supplier.headers["ETag"] == '"2"'


async def test_bad_master_data_is_a_problem_naming_the_field(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    supplier, _ = await supplier_with_product(client, system)
    cases = [
        (
            "/api/v1/products",
            {
                "supplier_id": str(supplier),
                "sku": "X",
                "name": "x",
                "category": "c",
                "unit": "u",
                "pack_size": 0,
                "min_order_qty": 1,
                "list_price": eur("1"),
            },
            "pack_size",
        ),
        (
            "/api/v1/promotions",
            {
                "supplier_id": str(supplier),
                "name": "p",
                "category": "c",
                "percent_off": "10",
                "starts_at": NOW.isoformat(),
                "ends_at": NOW.isoformat(),
            },
            "ends_at",
        ),
        (
            "/api/v1/coupons",
            {
                "supplier_id": str(supplier),
                "code": "C",
                "percent_off": "5",
                "amount_off": eur("1"),
                "valid_from": NOW.isoformat(),
                "valid_until": (NOW + timedelta(days=1)).isoformat(),
            },
            "amount_off",
        ),
        (
            "/api/v1/price-lists",
            {
                "supplier_id": str(supplier),
                "tier": "gold",
                "currency": "EUR",
                "prices": [{"sku": "NOPE", "unit_price": eur("1")}],
            },
            "prices[0].sku",
        ),
    ]
    for path, body, field in cases:
        response = await client.post(path, json=body)
        assert response.status_code == 422, (path, response.text)
        problem = response.json()
        named = problem.get("field") or problem["errors"][0]["field"]
        assert named == field, (path, problem)
    again = await client.post(
        "/api/v1/products",
        json={
            "supplier_id": str(supplier),
            "sku": "BOLT-10",
            "name": "Bolt",
            "category": "c",
            "unit": "u",
            "pack_size": 1,
            "min_order_qty": 1,
            "list_price": eur("1"),
        },
    )
    assert again.status_code == 409
    intruder = await client.post(
        "/api/v1/customer-tiers",
        json={"supplier_id": str(supplier), "buyer_id": str(uuid4()), "tier": "gold"},
        headers={"X-Actor": f"supplier:{uuid4()}"},
    )
    assert intruder.status_code == 403


async def test_same_idempotency_key_same_answer_other_body_422(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    supplier, buyer = await supplier_with_product(client, system)
    body = {"supplier_id": str(supplier), "buyer_id": str(buyer), "tier": "silver"}
    first = await client.post(
        "/api/v1/customer-tiers", json=body, headers={"Idempotency-Key": "k1"}
    )
    again = await client.post(
        "/api/v1/customer-tiers", json=body, headers={"Idempotency-Key": "k1"}
    )
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    other = await client.post(
        "/api/v1/customer-tiers", json={**body, "tier": "bronze"}, headers={"Idempotency-Key": "k1"}
    )
    assert other.status_code == 422
    tier = await client.get(
        f"/api/v1/customer-tiers/{buyer}?supplier_id={supplier}"
        f"&min_position={first.json()['position']}"
    )
    assert tier.json()["tier"] == "silver"
