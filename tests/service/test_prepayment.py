"""Prepaid terms bill before shipment: the order is invoiced in full when the supplier confirms
it, its shipments are refused until that invoice is paid, and the supplier's queue shows it as
awaiting prepayment. Driven over the public API on a seeded embedded system."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio

from runtime.demo import seed
from runtime.demo_data import Buyer, DemoWorld, Supplier, build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from tests.actor_client import HeaderActors, actor_client
from tests.helpers import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")
OPS = {"X-Actor": "operations:test"}


@pytest.fixture(scope="module")
def world() -> DemoWorld:
    return build_world(scale=0.1)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded(
    tmp_path_factory: pytest.TempPathFactory, world: DemoWorld
) -> AsyncIterator[httpx.AsyncClient]:
    system = EmbeddedSystem(tmp_path_factory.mktemp("prepaid"), ALL_SERVICES)
    await system.start()
    try:
        async with actor_client(system) as client:
            await seed(client, HeaderActors(), world)
            yield client
    finally:
        await system.stop()


def parties(world: DemoWorld, terms: str) -> tuple[Supplier, Buyer]:
    supplier = next(s for s in world.suppliers if not s.auto_confirm)
    buyer = next(b for b in world.buyers if b.terms == terms)
    return supplier, buyer


async def get(client: httpx.AsyncClient, path: str, **params: Any) -> Any:
    response = await client.get(path, params=params, headers=OPS)
    assert response.status_code == 200, response.text
    return response.json()


async def confirmed_order(
    client: httpx.AsyncClient, supplier: Supplier, buyer: Buyer
) -> dict[str, Any]:
    product = supplier.products[0]
    placed = await client.post(
        "/api/v1/orders",
        headers={"X-Actor": f"buyer:{buyer.buyer_id}"},
        json={
            "buyer_id": str(buyer.buyer_id),
            "supplier_id": str(supplier.supplier_id),
            "lines": [{"sku": product.sku, "quantity": product.min_order_qty}],
        },
    )
    assert placed.status_code == 201, placed.text
    path = f"/api/v1/orders/{placed.json()['id']}"

    async def order() -> Any:
        response = await client.get(path, headers=OPS)
        return response.json() if response.status_code == 200 else {}

    ready = await eventually(
        order, lambda o: o.get("status") == "awaiting_confirmation", timeout=30, what="ready"
    )
    confirmed = await client.post(
        f"{path}/confirm",
        json={},
        headers={
            "X-Actor": f"supplier:{supplier.supplier_id}",
            "If-Match": f'"{ready["version"]}"',
        },
    )
    assert confirmed.status_code == 200, confirmed.text
    return dict(ready)


async def planned_shipment(client: httpx.AsyncClient, order_id: str) -> dict[str, Any]:
    shipments = await eventually(
        lambda: get(client, "/api/v1/shipments", order_id=order_id),
        lambda rows: bool(rows),
        timeout=30,
        what="a planned shipment",
    )
    return dict(shipments[0])


async def ship(client: httpx.AsyncClient, world: DemoWorld, shipment: dict[str, Any]) -> Any:
    return await client.post(
        f"/api/v1/shipments/{shipment['shipment_id']}/ship",
        headers={"X-Actor": f"warehouse:{shipment['warehouse_id']}"},
        json={"carrier_id": str(world.carriers[0].carrier_id), "tracking_number": "PRE-1"},
    )


async def test_a_prepaid_order_is_invoiced_on_confirmation_and_ships_once_paid(
    seeded: httpx.AsyncClient, world: DemoWorld
) -> None:
    supplier, buyer = parties(world, "prepaid")
    ready = await confirmed_order(seeded, supplier, buyer)
    order_id = ready["order_id"]
    [invoice] = await eventually(
        lambda: get(seeded, "/api/v1/invoices", order_id=order_id),
        lambda rows: bool(rows),
        timeout=30,
        what="the prepayment invoice",
    )
    today = datetime.now(UTC).date().isoformat()
    assert (invoice["terms"], invoice["status"], invoice["shipment_id"]) == (
        "prepaid",
        "open",
        None,
    )
    assert invoice["total"] == ready["total"], "the whole order is billed up front"
    assert invoice["due_on"] == invoice["issued_on"] == today

    await eventually(
        lambda: get(seeded, f"/api/v1/suppliers/{supplier.supplier_id}/queue"),
        lambda rows: (
            ("awaiting_prepayment", order_id) in [(o["status"], o["order_id"]) for o in rows]
        ),
        timeout=30,
        what="the order awaiting prepayment in the supplier's queue",
    )

    shipment = await planned_shipment(seeded, order_id)
    refused = await ship(seeded, world, shipment)
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["title"] == "AwaitingPrepayment"
    assert invoice["invoice_id"] in problem["detail"]

    paid = await seeded.post(
        f"/api/v1/invoices/{invoice['invoice_id']}/payments",
        headers={"X-Actor": "bank:test"},
        json={"reference": "BT-PRE-1", "amount": invoice["open_amount"]},
    )
    assert paid.status_code == 200, paid.text
    shipped = await eventually(
        lambda: ship(seeded, world, shipment),
        lambda r: r.status_code != 409,
        timeout=30,
        what="shipping once paid",
    )
    assert shipped.status_code == 200, shipped.text
    order = await get(seeded, f"/api/v1/orders/{order_id}")
    assert order["status"] in ("confirmed", "shipped")

    # Delivered; the buyer refuses one unit for a credit: paid already, it is refunded.
    carrier = {"X-Actor": f"carrier:{world.carriers[0].carrier_id}"}
    path = f"/api/v1/shipments/{shipment['shipment_id']}"
    now = datetime.now(UTC).isoformat()
    delivered = await seeded.post(f"{path}/delivered", headers=carrier, json={"delivered_at": now})
    assert delivered.status_code == 200, delivered.text
    [line] = shipment["lines"]
    inspected = await seeded.post(
        f"{path}/acceptance",
        headers={"X-Actor": f"buyer:{buyer.buyer_id}"},
        json={
            "lines": [
                {
                    "line_no": line["line_no"],
                    "sku": line["sku"],
                    "accepted": line["quantity"] - 1,
                    "rejected": 1,
                    "reason": "dented",
                }
            ],
            "remedy": "credit_note",
        },
    )
    assert inspected.status_code == 200, inspected.text
    [refund] = await eventually(
        lambda: get(seeded, "/api/v1/refunds", order_id=order_id),
        lambda rows: bool(rows),
        timeout=30,
        what="the refund of the refused unit",
    )
    unit = invoice["lines"][0]["unit_price"]
    assert (refund["kind"], refund["amount"]) == ("refund", unit)
    done = await eventually(
        lambda: get(seeded, f"/api/v1/orders/{order_id}"),
        lambda o: o["status"] == "completed",
        timeout=30,
        what="the prepaid order completed",
    )
    assert len(await get(seeded, "/api/v1/invoices", order_id=order_id)) == 1, "billed once"
    assert done["prepayment"] == {"invoice_id": invoice["invoice_id"], "settled": True}


async def test_net_terms_still_bill_on_acceptance_and_ship_at_once(
    seeded: httpx.AsyncClient, world: DemoWorld
) -> None:
    supplier, buyer = parties(world, "net_30")
    ready = await confirmed_order(seeded, supplier, buyer)
    shipment = await planned_shipment(seeded, ready["order_id"])
    assert (await ship(seeded, world, shipment)).status_code == 200
    assert await get(seeded, "/api/v1/invoices", order_id=ready["order_id"]) == []


async def test_a_prepaid_order_cancelled_before_payment_leaves_nothing_to_pay(
    seeded: httpx.AsyncClient, world: DemoWorld
) -> None:
    supplier, buyer = parties(world, "prepaid")
    ready = await confirmed_order(seeded, supplier, buyer)
    order_id = ready["order_id"]
    await eventually(
        lambda: get(seeded, "/api/v1/invoices", order_id=order_id),
        lambda rows: bool(rows),
        timeout=30,
        what="the prepayment invoice",
    )
    cancelled = await seeded.post(
        f"/api/v1/orders/{order_id}/cancel",
        json={"reason": "changed plans"},
        headers={"X-Actor": f"buyer:{buyer.buyer_id}"},
    )
    assert cancelled.status_code == 200, cancelled.text
    [invoice] = await eventually(
        lambda: get(seeded, "/api/v1/invoices", order_id=order_id),
        lambda rows: rows[0]["status"] != "open",
        timeout=30,
        what="the invoice credited",
    )
    assert invoice["status"] == "credited"
    assert invoice["open_amount"]["amount"] in ("0", "0.00")
