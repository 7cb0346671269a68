"""Tenancy: buyer A never reads buyer B's orders, prices, invoices or payments; supplier X never
sees supplier Y's (nor its warehouses and stock alerts); a warehouse acts and reads only for
itself. Foreign objects answer 404 (or 403 on filters, empty lists on payment queries)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from runtime.embedded import EmbeddedSystem
from tests.helpers import eventually
from tests.service.test_payment_support import accept, agreed_order

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


async def test_suppliers_and_warehouses_see_only_their_own_stock(
    client: httpx.AsyncClient, as_actor: Headers
) -> None:
    x, y = as_actor(f"supplier:{X}"), as_actor(f"supplier:{Y}")
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    for supplier, warehouse, headers in ((X, mine, x), (Y, theirs, y)):
        body = {
            "warehouse_id": warehouse, "supplier_id": supplier, "name": f"w{warehouse[:4]}",
            "regions_served": ["north"], "speed_rank": 1, "lead_time_days": 1,
        }  # fmt: skip
        await ok(await client.post("/api/v1/warehouses", json=body, headers=headers))
    wx = as_actor(f"warehouse:{mine}")
    threshold = {"warehouse_id": mine, "sku": "NUT-1", "threshold": 10, "reorder_quantity": 20}
    receipt = {"warehouse_id": mine, "sku": "NUT-1", "quantity": 3}

    async def low_stock() -> httpx.Response:  # inventory learns the warehouse from events
        return await client.post("/api/v1/stock/receipts", json=receipt, headers=wx)

    await eventually(low_stock, lambda r: r.status_code == 200, what="receipt recorded")
    await ok(await client.put("/api/v1/stock/thresholds", json=threshold, headers=wx))

    async def alerts(headers: dict[str, str]) -> list[Any]:
        return list((await ok(await client.get("/api/v1/stock/alerts", headers=headers)))["alerts"])

    await eventually(lambda: alerts(x), lambda rows: len(rows) == 1, what="X's low-stock alert")
    assert await alerts(wx) != []
    assert await alerts(y) == []
    assert await alerts(as_actor(f"warehouse:{theirs}")) == []
    # warehouses: a supplier lists only its own, and may not filter for another's
    listed = await ok(await client.get("/api/v1/warehouses", headers=y))
    assert [w["warehouse_id"] for w in listed["items"]] == [theirs]
    assert (await client.get(f"/api/v1/warehouses?supplier_id={X}", headers=y)).status_code == 403
    # stock levels: a warehouse sees its own only
    wy = as_actor(f"warehouse:{theirs}")
    assert (await ok(await client.get("/api/v1/stock", headers=wy)))["items"] == []
    assert (await client.get(f"/api/v1/stock?warehouse_id={mine}", headers=wy)).status_code == 403
    assert (await client.get("/api/v1/stock/NUT-1", headers=wy)).status_code == 404
    own = await ok(await client.get("/api/v1/stock/NUT-1", headers=wx))
    assert [w["warehouse_id"] for w in own["warehouses"]] == [mine]


async def test_payments_and_refunds_are_shown_to_their_invoice_parties_only(
    system: EmbeddedSystem, client: httpx.AsyncClient, as_actor: Headers
) -> None:
    order = await agreed_order(system, uuid.UUID(X), uuid.UUID(A))
    await accept(system, order)
    ops = as_actor("operations:test")

    async def invoices() -> list[Any]:
        found = await client.get(f"/api/v1/invoices?order_id={order}", headers=ops)
        return list(found.json())

    [invoice] = await eventually(invoices, lambda rows: len(rows) == 1, what="invoice issued")
    invoice_id, money = invoice["invoice_id"], invoice["total"]
    paid = {"method": "bank_transfer", "reference": "BANK-1", "amount": money}
    bank = as_actor("bank:test")
    await ok(await client.post(f"/api/v1/invoices/{invoice_id}/payments", json=paid, headers=bank))
    refund = {"invoice_id": invoice_id, "amount": money, "reason": "goodwill"}
    await ok(await client.post("/api/v1/refunds", json=refund, headers=as_actor(f"supplier:{X}")))
    queries = [f"/api/v1/{kind}?{filter_}" for kind in ("payments", "refunds")
               for filter_ in (f"invoice_id={invoice_id}", f"order_id={order}")]  # fmt: skip

    async def shown(headers: dict[str, str]) -> list[int]:
        return [len(await ok(await client.get(path, headers=headers))) for path in queries]

    await eventually(lambda: shown(ops), lambda counts: counts == [1, 1, 1, 1], what="recorded")
    for party in (f"buyer:{A}", f"supplier:{X}", "bank:test", "analyst:test"):
        assert await shown(as_actor(party)) == [1, 1, 1, 1], party
    for stranger in (f"buyer:{B}", f"supplier:{Y}"):
        assert await shown(as_actor(stranger)) == [0, 0, 0, 0], stranger
