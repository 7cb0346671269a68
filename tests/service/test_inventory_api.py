"""Inventory through the embedded runtime: master data, movements, reservations, alerts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from runtime.embedded import EmbeddedSystem
from services.inventory.service import definition as inventory
from shared.events.base import DomainEvent
from shared.events.logistics import Shipped
from shared.events.order import OrderCancelled, OrderPlaced
from shared.events.values import OrderLine, OrderType, Party
from shared.service.codec import to_new_event
from shared.service.definition import ServiceDefinition, ServiceParts
from tests.actor_client import actor_client
from tests.helpers import eventually

SUPPLIER = str(uuid4())
# Upstream services stand in as bare stores: their events are appended by the tests.
UPSTREAM = tuple(
    ServiceDefinition(name=name, build=lambda _context: ServiceParts())
    for name in ("order", "logistics")
)


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[EmbeddedSystem]:
    running = EmbeddedSystem(tmp_path / "data", (*UPSTREAM, inventory))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def client(system: EmbeddedSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with actor_client(system) as http:
        yield http


WAREHOUSE = {
    "supplier_id": SUPPLIER,
    "name": "Rotterdam",
    "regions_served": ["EU"],
    "speed_rank": 2,
    "lead_time_days": 2,
}


async def post(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], **headers: str
) -> httpx.Response:
    return await client.post(path, json=body, headers={"X-Actor": "operations:test", **headers})


async def setup_stock(client: httpx.AsyncClient, sku: str, quantity: int) -> str:
    warehouse_id = str(uuid4())
    assert (
        await post(client, "/api/v1/warehouses", {**WAREHOUSE, "warehouse_id": warehouse_id})
    ).status_code == 200
    body = {"warehouse_id": warehouse_id, "sku": sku, "quantity": quantity, "reference": "PO-1"}
    assert (await post(client, "/api/v1/stock/receipts", body)).status_code == 200
    return warehouse_id


async def append(
    system: EmbeddedSystem, service: str, stream: str, event: DomainEvent, order_id: UUID
) -> None:
    new = to_new_event(
        event,
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        correlation_id=order_id,
        causation_id=None,
        actor="system:test",
    )
    await system.services[service].context.store.append(stream, [new])


async def reservation(client: httpx.AsyncClient, order_id: UUID, status: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any]:
        response = await client.get(f"/api/v1/reservations/{order_id}")
        return response.json() if response.status_code == 200 else {}

    return await eventually(
        probe, lambda doc: doc.get("status") == status, what=f"reservation {status}"
    )


async def test_receipts_show_in_stock_levels(client: httpx.AsyncClient) -> None:
    warehouse_id = await setup_stock(client, "SKU-R", 7)
    response = await client.get("/api/v1/stock", params={"sku": "SKU-R", "min_position": 10_000})
    items = response.json()["items"]
    assert [(i["warehouse_id"], i["on_hand"], i["available"]) for i in items] == [
        (warehouse_id, 7, 7)
    ]
    one = (await client.get("/api/v1/stock/SKU-R")).json()
    assert one["available"] == 7
    warehouses = (await client.get("/api/v1/warehouses", params={"supplier_id": SUPPLIER})).json()
    assert warehouse_id in [w["warehouse_id"] for w in warehouses["items"]]


async def test_adjustments_never_go_below_zero(client: httpx.AsyncClient) -> None:
    warehouse_id = await setup_stock(client, "SKU-A", 3)
    body = {"warehouse_id": warehouse_id, "sku": "SKU-A", "delta": -4, "reason": "lost"}
    response = await post(client, "/api/v1/stock/adjustments", body)
    assert response.status_code == 409
    assert response.json()["title"] == "StockWouldGoNegative"
    assert response.json()["field"] == "delta"
    ok = await post(
        client, "/api/v1/stock/adjustments", {**body, "delta": -1}, **{"If-Match": '"1"'}
    )
    assert ok.status_code == 200, ok.text
    stale = await post(
        client, "/api/v1/stock/adjustments", {**body, "delta": -1}, **{"If-Match": '"1"'}
    )
    assert stale.status_code == 412


async def test_bad_input_is_a_problem_naming_the_field(client: httpx.AsyncClient) -> None:
    response = await post(
        client, "/api/v1/stock/receipts", {"warehouse_id": str(uuid4()), "sku": "X", "quantity": 0}
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "quantity" in response.json()["detail"]
    unknown = await post(
        client, "/api/v1/stock/receipts", {"warehouse_id": str(uuid4()), "sku": "X", "quantity": 1}
    )
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "warehouse_id"
    assert (await client.get(f"/api/v1/reservations/{uuid4()}")).status_code == 404


async def test_idempotency_key_replays_and_refuses_another_body(client: httpx.AsyncClient) -> None:
    warehouse_id = await setup_stock(client, "SKU-I", 1)
    body = {"warehouse_id": warehouse_id, "sku": "SKU-I", "quantity": 2}
    first = await post(client, "/api/v1/stock/receipts", body, **{"Idempotency-Key": "k1"})
    again = await post(client, "/api/v1/stock/receipts", body, **{"Idempotency-Key": "k1"})
    assert first.json() == again.json()
    other = await post(
        client, "/api/v1/stock/receipts", {**body, "quantity": 3}, **{"Idempotency-Key": "k1"}
    )
    assert other.status_code == 422
    levels = await client.get(
        "/api/v1/stock/SKU-I", params={"min_position": again.json()["position"]}
    )
    assert levels.json()["on_hand"] == 3


def placed(sku: str, quantity: int, order_type: OrderType = OrderType.REGULAR) -> OrderPlaced:
    return OrderPlaced(
        order_id=uuid4(),
        buyer_id=uuid4(),
        supplier_id=UUID(SUPPLIER),
        order_type=order_type,
        lines=(OrderLine(line_no=1, sku=sku, quantity=quantity),),
        delivery_region="EU",
    )


async def test_order_lifecycle_reserves_commits_and_alerts(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    warehouse_id = await setup_stock(client, "SKU-L", 10)
    threshold = {
        "warehouse_id": warehouse_id,
        "sku": "SKU-L",
        "threshold": 5,
        "reorder_quantity": 20,
    }
    assert (await client.put("/api/v1/stock/thresholds", json=threshold)).status_code == 200
    order = placed("SKU-L", 6)
    await append(system, "order", f"order-{order.order_id}", order, order.order_id)
    doc = await reservation(client, order.order_id, "reserved")
    assert doc["allocations"][0]["warehouse_id"] == warehouse_id
    assert doc["routing"][0]["rule"] == "region-first"
    alerts = (
        await client.get("/api/v1/stock/alerts", params={"sku": "SKU-L", "min_position": 10_000})
    ).json()
    assert len(alerts["alerts"]) == 1
    assert alerts["replenishment_requests"][0]["quantity"] == 20
    shipped = Shipped(
        shipment_id=uuid4(),
        order_id=order.order_id,
        warehouse_id=UUID(warehouse_id),
        carrier_id=uuid4(),
        tracking_number="T1",
        lines=order.lines,
        shipped_at=datetime.now(UTC),
    )
    await append(system, "logistics", f"shipment-{shipped.shipment_id}", shipped, order.order_id)
    await reservation(client, order.order_id, "committed")
    level = (await client.get("/api/v1/stock/SKU-L", params={"min_position": 10_000})).json()
    assert (level["on_hand"], level["reserved"]) == (4, 0)


async def test_cancel_releases_and_shortage_fails(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    await setup_stock(client, "SKU-C", 3)
    order = placed("SKU-C", 3)
    await append(system, "order", f"order-{order.order_id}", order, order.order_id)
    await reservation(client, order.order_id, "reserved")
    short = placed("SKU-C", 1)
    await append(system, "order", f"order-{short.order_id}", short, short.order_id)
    failed = await reservation(client, short.order_id, "failed")
    assert failed["shortages"][0]["available"] == 0
    presale = placed("SKU-C", 2, OrderType.PRESALE)
    await append(system, "order", f"order-{presale.order_id}", presale, presale.order_id)
    await reservation(client, presale.order_id, "backordered")
    cancel = OrderCancelled(
        order_id=order.order_id, reason="changed mind", cancelled_by=Party.BUYER
    )
    await append(system, "order", f"order-{order.order_id}", cancel, order.order_id)
    await reservation(client, order.order_id, "released")
    # The released units fill the waiting presale order.
    filled = await reservation(client, presale.order_id, "reserved")
    assert filled["routing"][-1]["rule"] == "backorder"
    level = (await client.get("/api/v1/stock/SKU-C", params={"min_position": 10_000})).json()
    assert (level["on_hand"], level["reserved"], level["available"]) == (3, 2, 1)


async def test_a_back_order_is_reserved_when_enough_stock_arrives(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    warehouse_id = await setup_stock(client, "SKU-P", 1)
    presale = placed("SKU-P", 5, OrderType.PRESALE)
    await append(system, "order", f"order-{presale.order_id}", presale, presale.order_id)
    waiting = await reservation(client, presale.order_id, "backordered")
    assert waiting["backorders"][0]["quantity"] == 5
    receipt = {"warehouse_id": warehouse_id, "sku": "SKU-P", "quantity": 2, "reference": "PO-2"}
    assert (await post(client, "/api/v1/stock/receipts", receipt)).status_code == 200
    level = (await client.get("/api/v1/stock/SKU-P", params={"min_position": 10_000})).json()
    assert (level["on_hand"], level["reserved"]) == (3, 0)  # 3 of 5: it keeps waiting
    assert (
        await post(client, "/api/v1/stock/receipts", {**receipt, "reference": "PO-3"})
    ).status_code == 200
    filled = await reservation(client, presale.order_id, "reserved")
    assert [(a["warehouse_id"], a["reserved"]) for a in filled["allocations"]] == [
        (warehouse_id, 5)
    ]
    level = (await client.get("/api/v1/stock/SKU-P", params={"min_position": 10_000})).json()
    assert (level["on_hand"], level["reserved"], level["available"]) == (5, 5, 0)


async def test_a_presale_order_for_a_sku_never_stocked_is_filled_when_it_first_arrives(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    near, far = str(uuid4()), str(uuid4())
    for warehouse_id, regions, speed in ((near, ["EU"], 2), (far, ["US"], 1)):
        body = {
            **WAREHOUSE,
            "warehouse_id": warehouse_id,
            "regions_served": regions,
            "speed_rank": speed,
        }
        assert (await post(client, "/api/v1/warehouses", body)).status_code == 200
    presale = placed("SKU-NEVER", 10, OrderType.PRESALE)
    await append(system, "order", f"order-{presale.order_id}", presale, presale.order_id)
    waiting = await reservation(client, presale.order_id, "backordered")
    assert waiting["backorder_warehouse"] == near
    requests = await eventually(
        lambda: client.get("/api/v1/stock/alerts", params={"sku": "SKU-NEVER"}),
        lambda r: bool(r.json()["replenishment_requests"]),
        what="a replenishment request for the back-order",
    )
    [request] = requests.json()["replenishment_requests"]
    assert (request["warehouse_id"], request["quantity"], request["reason"]) == (
        near,
        10,
        "backorder",
    )
    # The goods first arrive at the other warehouse: the order takes them from there.
    receipt = {"warehouse_id": far, "sku": "SKU-NEVER", "quantity": 10, "reference": "PO-9"}
    assert (await post(client, "/api/v1/stock/receipts", receipt)).status_code == 200
    filled = await reservation(client, presale.order_id, "reserved")
    assert [(a["warehouse_id"], a["reserved"]) for a in filled["allocations"]] == [(far, 10)]
