"""One checkout, many suppliers: a cart with two suppliers' lines becomes one order per supplier,
all placed or none, idempotent as a whole; on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from tests.databases import KINDS
from tests.service.sourcing_world import (
    World,
    answered,
    as_buyer,
    get,
    order_detail,
    orderable,
    seeded_world,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=KINDS)
async def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    async with seeded_world(request.param, tmp_path_factory.mktemp("checkout")) as found:
        yield found


def cart(world: World, buyer: int = 0, harbor_extra: int = 0) -> dict[str, Any]:
    """A buyer's cart: a line of Harbor's and two of Jade's (``harbor_extra`` units more)."""
    harbor, jade = world.harbor.products[0], world.jade.products
    return {
        "buyer_id": world.buyer(buyer),
        "groups": [
            {
                "supplier_id": str(world.harbor.supplier_id),
                "lines": [{"sku": harbor.sku, "quantity": orderable(harbor) + harbor_extra}],
                "buyer_reference": "PO-4711",
            },
            {
                "supplier_id": str(world.jade.supplier_id),
                "order_type": "urgent",
                "lines": [
                    {"sku": jade[0].sku, "quantity": orderable(jade[0])},
                    {"sku": jade[1].sku, "quantity": orderable(jade[1])},
                ],
            },
        ],
    }


async def checkout(world: World, body: dict[str, Any], key: str, status: int = 201) -> Any:
    response = await world.client.post(
        "/api/v1/checkouts", json=body, headers=as_buyer(body["buyer_id"], key)
    )
    return {
        **await answered(response, status),
        "replayed": response.headers.get("idempotent-replayed"),
    }


async def test_a_cart_of_two_suppliers_becomes_one_order_each(world: World) -> None:
    placed = await checkout(world, cart(world, buyer=2), "checkout-1")
    orders = {o["supplier_id"]: o["order_id"] for o in placed["orders"]}
    assert set(orders) == {str(world.harbor.supplier_id), str(world.jade.supplier_id)}
    jade = await order_detail(world.client, orders[str(world.jade.supplier_id)])
    assert jade["order_type"] == "urgent"
    assert [line["line_no"] for line in jade["placed"]["lines"]] == [1, 2]
    assert jade["placed"]["source"] == {"kind": "checkout", "id": placed["checkout_id"]}
    harbor = await order_detail(world.client, orders[str(world.harbor.supplier_id)])
    assert harbor["placed"]["buyer_reference"] == "PO-4711"
    listed = await get(
        world.client,
        f"/api/v1/orders?min_position={placed['position']}",
        as_buyer(world.buyer(2)),
    )
    assert set(orders.values()) <= {o["order_id"] for o in listed}


async def test_the_same_key_places_the_checkout_once(world: World) -> None:
    first = await checkout(world, cart(world, buyer=3), "checkout-2")
    again = await checkout(world, cart(world, buyer=3), "checkout-2")
    assert again["replayed"] == "true"
    assert again["orders"] == first["orders"]
    at = first["position"]
    listed = await get(world.client, f"/api/v1/orders?min_position={at}", as_buyer(world.buyer(3)))
    assert len(listed) == 2
    other = await world.client.post(
        "/api/v1/checkouts",
        json=cart(world, buyer=3, harbor_extra=world.harbor.products[0].pack_size),
        headers=as_buyer(world.buyer(3), "checkout-2"),
    )
    assert other.status_code == 422
    assert other.json()["field"] == "Idempotency-Key"


async def test_a_failure_in_one_suppliers_group_places_nothing(world: World) -> None:
    body = cart(world, buyer=4)
    jade = world.jade.products[1]
    if jade.pack_size > 1:
        body["groups"][1]["lines"][1]["quantity"] = orderable(jade) + 1  # not whole packs
        field = "groups[1].lines[1].quantity"
    else:
        body["groups"][1]["lines"][1]["sku"] = "NO-SUCH-SKU"
        field = "groups[1].lines[1].sku"
    response = await world.client.post(
        "/api/v1/checkouts", json=body, headers=as_buyer(world.buyer(4), "checkout-3")
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["title"] == "Checkout refused"
    assert problem["field"] == field
    assert "no order was placed" in problem["detail"]
    # Harbor's group was fine, and still no order of this buyer exists.
    assert await world.system.caught_up()
    listed = await get(world.client, "/api/v1/orders?limit=500", as_buyer(world.buyer(4)))
    assert listed == []
    # Fixed, the same key places both orders (a refusal is not kept as the key's answer).
    body["groups"][1]["lines"][1] = cart(world, buyer=4)["groups"][1]["lines"][1]
    placed = await checkout(world, body, "checkout-3")
    assert len(placed["orders"]) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"groups": []}, "groups"),
        ({"groups": [{"supplier_id": "nope", "lines": []}]}, "groups[0].supplier_id"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    body = {**cart(world), **change}
    response = await world.client.post(
        "/api/v1/checkouts", json=body, headers=as_buyer(world.buyer())
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_one_group_per_supplier_and_only_for_oneself(world: World) -> None:
    body = cart(world)
    body["groups"][1] = {**body["groups"][0]}
    twice = await world.client.post("/api/v1/checkouts", json=body, headers=as_buyer(world.buyer()))
    assert twice.status_code == 422
    assert twice.json()["field"] == "groups[1].supplier_id"
    foreign = await world.client.post(
        "/api/v1/checkouts", json=cart(world), headers=as_buyer(world.buyer(1))
    )
    assert foreign.status_code == 422
    assert foreign.json()["field"] == "buyer_id"
