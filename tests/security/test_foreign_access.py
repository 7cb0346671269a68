"""Tenancy: buyer A never reads buyer B's orders, prices or invoices; supplier X never sees
supplier Y's; a warehouse acts only for itself. Foreign objects answer 404 (or 403 on filters)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from tests.helpers import eventually

Headers = Callable[[str], dict[str, str]]
A, B, X, Y = (str(uuid.uuid4()) for _ in range(4))
WAREHOUSE = str(uuid.uuid4())


async def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


async def world(client: httpx.AsyncClient, as_actor: Headers) -> str:
    """Buyers A and B, suppliers X and Y, a product of X, stock, A's special price; A's order id."""
    ops = as_actor("operations:test")
    for buyer in (A, B):
        body = {
            "buyer_id": buyer,
            "name": f"b{buyer[:4]}",
            "tier": "gold",
            "delivery_region": "north",
        }
        await ok(await client.post("/api/v1/buyers", json=body, headers=ops))
    for supplier in (X, Y):
        body = {"supplier_id": supplier, "name": f"s{supplier[:4]}", "currency": "EUR"}
        await ok(await client.post("/api/v1/suppliers", json=body, headers=ops))
    x = as_actor(f"supplier:{X}")
    product = {
        "supplier_id": X, "sku": "BOLT-1", "name": "Bolt", "category": "fasteners", "unit": "pc",
        "pack_size": 1, "min_order_qty": 1,
        "list_price": {"amount": "10.00", "currency": "EUR"},
        "cost_price": {"amount": "4.00", "currency": "EUR"},
    }  # fmt: skip
    await ok(await client.post("/api/v1/products", json=product, headers=x))
    special = {
        "supplier_id": X, "buyer_id": A, "sku": "BOLT-1",
        "unit_price": {"amount": "7.00", "currency": "EUR"},
    }  # fmt: skip
    await ok(await client.post("/api/v1/customer-prices", json=special, headers=x))
    order = {"buyer_id": A, "supplier_id": X, "lines": [{"sku": "BOLT-1", "quantity": 2}]}
    a = as_actor(f"buyer:{A}")

    async def place() -> httpx.Response:  # the order service learns the product from events
        return await client.post("/api/v1/orders", json=order, headers=a)

    placed = await eventually(place, lambda r: r.status_code == 201, what="order placed")
    return str(placed.json()["id"])


async def test_buyers_and_suppliers_see_only_their_own(
    client: httpx.AsyncClient, as_actor: Headers
) -> None:
    order_id = await world(client, as_actor)
    a, b = as_actor(f"buyer:{A}"), as_actor(f"buyer:{B}")
    x, y = as_actor(f"supplier:{X}"), as_actor(f"supplier:{Y}")

    async def listed(headers: dict[str, str], query: str = "") -> list[Any]:
        return list(await ok(await client.get(f"/api/v1/orders{query}", headers=headers)))

    await eventually(lambda: listed(a), lambda rows: len(rows) == 1, what="A's order listed")
    assert (await client.get(f"/api/v1/orders/{order_id}", headers=a)).status_code == 200
    assert (await client.get(f"/api/v1/orders/{order_id}", headers=x)).status_code == 200
    # orders: foreign parties get 404 and empty lists, even when filtering for the owner
    assert (await client.get(f"/api/v1/orders/{order_id}", headers=b)).status_code == 404
    assert (await client.get(f"/api/v1/orders/{order_id}", headers=y)).status_code == 404
    assert await listed(b, f"?buyer_id={A}") == []
    assert await listed(y, f"?supplier_id={X}") == []
    cancel = await client.post(
        f"/api/v1/orders/{order_id}/cancel", json={"reason": "mine now"}, headers=b
    )
    assert cancel.status_code == 404
    confirm = await client.post(f"/api/v1/orders/{order_id}/confirm", json={}, headers=y)
    assert confirm.status_code == 404
    # prices: A's special price is A's and X's business only; cost prices only for X
    path = f"/api/v1/customer-prices?supplier_id={X}&buyer_id={A}"
    assert (await client.get(path, headers=b)).status_code == 403
    assert (await client.get(path, headers=y)).status_code == 403
    own = await ok(await client.get(f"/api/v1/customer-prices?supplier_id={X}", headers=b))
    assert own["items"] == []
    product = await ok(await client.get(f"/api/v1/products/BOLT-1?supplier_id={X}", headers=a))
    assert "cost_price" not in product
    assert (await client.get(f"/api/v1/catalog?buyer_id={A}", headers=b)).status_code == 403
    assert (
        await client.get(f"/api/v1/catalog?buyer_id={A}&supplier_id={X}", headers=y)
    ).status_code == 403
    tier = f"/api/v1/customer-tiers/{A}?supplier_id={X}"
    assert (await client.get(tier, headers=y)).status_code == 403
    assert (await client.get(tier, headers=b)).status_code == 403
    assert (await client.get(f"/api/v1/price-lists?supplier_id={X}", headers=y)).status_code == 403
    # invoices and accounts: scoped to the actor whatever the filter says
    invoices = await ok(await client.get(f"/api/v1/invoices?buyer_id={A}", headers=b))
    assert invoices == []
    assert (await client.get(f"/api/v1/payment-terms/{X}/{A}", headers=b)).status_code == 404
    assert (await client.get(f"/api/v1/payment-terms/{X}/{A}", headers=y)).status_code == 404
    assert (await client.get(f"/api/v1/payment-terms/{X}/{A}", headers=a)).status_code == 200
    assert (await client.get(f"/api/v1/receivables?supplier_id={X}", headers=y)).status_code == 403
    assert (await client.get(f"/api/v1/buyers/{A}", headers=b)).status_code == 404


async def test_a_warehouse_acts_only_for_itself(
    client: httpx.AsyncClient, as_actor: Headers
) -> None:
    receipt = {"warehouse_id": WAREHOUSE, "sku": "BOLT-1", "quantity": 5, "reference": "r"}
    other = as_actor(f"warehouse:{uuid.uuid4()}")
    assert (
        await client.post("/api/v1/stock/receipts", json=receipt, headers=other)
    ).status_code == 403
    own = as_actor(f"warehouse:{WAREHOUSE}")
    mine = await client.post("/api/v1/stock/receipts", json=receipt, headers=own)
    assert mine.status_code == 404, mine.text  # allowed; this warehouse is not registered yet
    warehouse = {
        "supplier_id": X, "name": "W", "regions_served": ["north"], "speed_rank": 1,
        "lead_time_days": 1,
    }  # fmt: skip
    foreign = as_actor(f"supplier:{Y}")
    assert (
        await client.post("/api/v1/warehouses", json=warehouse, headers=foreign)
    ).status_code == 403
