"""Buyer approvals over the API: a company's spending rules hold its large (or category) orders
until one or two of its approvers approve; declined, the order ends. Whoever placed an order
cannot approve it, another company's approver cannot see it, and the supplier sees nothing to
act on until it is approved. The credit is asked for only once approved."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio

from runtime.demo import CURRENCY, seed
from runtime.demo_data import Buyer, DemoWorld, Product, Supplier, build_world
from tests.actor_client import HeaderActors, actor_client
from tests.helpers import eventually
from tests.service.test_credit import Running

pytestmark = pytest.mark.asyncio(loop_scope="module")
OPS = {"X-Actor": "operations:test"}
PURCHASER, APPROVER, CONTROLLER = "li.purchasing", "mei.approver", "chen.controller"


@dataclass
class World:
    client: httpx.AsyncClient
    demo: DemoWorld
    supplier: Supplier
    product: Product
    next_buyer: int = 0

    def buyer(self) -> Buyer:
        """A company of its own for each test: spending rules are per company."""
        self.next_buyer += 1
        return self.demo.buyers[self.next_buyer]


@pytest_asyncio.fixture(
    scope="module",
    loop_scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    demo = build_world(scale=0.1)
    supplier = next(s for s in demo.suppliers if s.auto_confirm)  # nothing but approval waits
    product = max(
        supplier.products,
        key=lambda p: sum(n for (_, sku), n in demo.stock.items() if sku == p.sku),
    )
    async with Running(request.param, tmp_path_factory) as system, actor_client(system) as client:
        await seed(client, HeaderActors(), demo)
        yield World(client, demo, supplier, product)


def person(buyer: Buyer, name: str) -> dict[str, str]:
    return {"X-Actor": f"buyer:{buyer.buyer_id}", "X-User": name}


def money(amount: Decimal | str) -> dict[str, str]:
    return {"amount": str(amount), "currency": CURRENCY}


async def set_rules(
    world: World, buyer: Buyer, by: str = PURCHASER, **rules: Any
) -> httpx.Response:
    body = {"approvers": [APPROVER, CONTROLLER], **rules}
    path = f"/api/v1/buyers/{buyer.buyer_id}/spending-rules"
    return await world.client.put(path, json=body, headers=person(buyer, by))


async def place(world: World, buyer: Buyer, packs: int = 1) -> str:
    body = {
        "buyer_id": str(buyer.buyer_id),
        "supplier_id": str(world.supplier.supplier_id),
        "order_type": "regular",
        "lines": [{"sku": world.product.sku, "quantity": world.product.min_order_qty * packs}],
    }
    headers = {**person(buyer, PURCHASER), "Idempotency-Key": uuid4().hex}
    answer = await world.client.post("/api/v1/orders", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def settles(world: World, order_id: str, *statuses: str) -> dict[str, Any]:
    async def read() -> dict[str, Any]:
        answer = await world.client.get(f"/api/v1/orders/{order_id}", headers=OPS)
        return dict(answer.json()) if answer.status_code == 200 else {}

    return await eventually(read, lambda o: o.get("status") in statuses, what=str(statuses))


async def answer(
    world: World, buyer: Buyer, order_id: str, name: str, verb: str = "approve"
) -> httpx.Response:
    body = {"reason": "over the quarterly budget"} if verb == "disapprove" else {"note": "ok"}
    path = f"/api/v1/orders/{order_id}/{verb}"
    return await world.client.post(path, json=body, headers=person(buyer, name))


async def queue(world: World, buyer: Buyer, name: str) -> dict[str, Any]:
    found = await world.client.get("/api/v1/approvals", headers=person(buyer, name))
    assert found.status_code == 200, found.text
    return {row["order_id"]: row for row in found.json()}


async def reserved(world: World, buyer: Buyer) -> Decimal:
    path = f"/api/v1/credit-limits/{world.supplier.supplier_id}/{buyer.buyer_id}"
    found = await world.client.get(path, headers=OPS)
    if found.status_code == 404:
        return Decimal(0)  # no account yet: nothing was ever reserved
    assert found.status_code == 200, found.text
    return Decimal(found.json()["reserved_credit"]["amount"])


async def test_an_order_under_every_rule_goes_straight_to_the_supplier(world: World) -> None:
    buyer = world.buyer()
    assert (await set_rules(world, buyer, one_approval_above=money("1000000"))).status_code == 200
    confirmed = await settles(world, await place(world, buyer), "confirmed")
    assert confirmed["approval"] is None


async def test_one_approver_lets_a_large_order_through_not_its_purchaser(world: World) -> None:
    buyer = world.buyer()
    assert (await set_rules(world, buyer, one_approval_above=money("0.01"))).status_code == 200
    supplier = {"X-Actor": f"supplier:{world.supplier.supplier_id}"}
    limit = await world.client.put(
        f"/api/v1/credit-limits/{world.supplier.supplier_id}/{buyer.buyer_id}",
        json={"limit": money("1000000")},
        headers=supplier,
    )
    assert limit.status_code == 200, limit.text
    order_id = await place(world, buyer)
    waiting = await settles(world, order_id, "awaiting_approval")
    assert waiting["approval"]["approvals_required"] == 1
    assert waiting["approval"]["over_amount"] == money("0.01")
    assert waiting["approval"]["placed_by"] == PURCHASER
    work = await world.client.get(
        f"/api/v1/suppliers/{world.supplier.supplier_id}/queue", headers=supplier
    )
    assert order_id not in {o["order_id"] for o in work.json()}
    confirm = await world.client.post(
        f"/api/v1/orders/{order_id}/confirm", json={}, headers=supplier
    )
    assert confirm.status_code == 409, confirm.text
    assert await reserved(world, buyer) == 0  # credit is asked for once approved

    assert (await queue(world, buyer, APPROVER))[order_id]["can_answer"] is True
    assert (await queue(world, buyer, PURCHASER))[order_id]["can_answer"] is False
    own = await answer(world, buyer, order_id, PURCHASER)
    assert own.status_code == 403, own.text
    assert "placed this order" in own.json()["detail"]
    stranger = await answer(world, buyer, order_id, "wang.sales")
    assert stranger.status_code == 403, stranger.text
    other_company = world.demo.buyers[-1]
    foreign = await answer(world, other_company, order_id, APPROVER)
    assert foreign.status_code == 404, foreign.text
    by_supplier = await world.client.post(
        f"/api/v1/orders/{order_id}/approve", json={}, headers=supplier
    )
    assert by_supplier.status_code == 403, by_supplier.text

    approved = await answer(world, buyer, order_id, APPROVER)
    assert approved.status_code == 200, approved.text
    assert approved.json()["events"] == [
        "OrderApprovalGiven",
        "OrderApproved",
        "OrderPricingRecorded",
    ]
    done = await settles(world, order_id, "confirmed")
    assert done["approval"]["status"] == "approved"
    assert [s["approver"] for s in done["approval"]["steps"]] == [APPROVER]
    events = [t["event"] for t in done["timeline"]]
    assert events.index("OrderApproved") < events.index("OrderConfirmed")
    total = Decimal(done["total"]["amount"])
    await eventually(lambda: reserved(world, buyer), lambda amount: amount == total, what="credit")


async def test_over_the_second_amount_two_different_approvers_must_approve(world: World) -> None:
    buyer = world.buyer()
    rules = {"one_approval_above": money("0.01"), "two_approvals_above": money("0.02")}
    assert (await set_rules(world, buyer, **rules)).status_code == 200
    order_id = await place(world, buyer)
    assert (await settles(world, order_id, "awaiting_approval"))["approval"][
        "approvals_required"
    ] == 2
    assert (await answer(world, buyer, order_id, APPROVER)).status_code == 200
    twice = await answer(world, buyer, order_id, APPROVER)
    assert twice.status_code == 409, twice.text
    assert twice.json()["title"] == "ApprovalAlreadyGiven"
    still = await settles(world, order_id, "awaiting_approval")
    assert len(still["approval"]["steps"]) == 1
    assert (await queue(world, buyer, APPROVER))[order_id]["can_answer"] is False
    assert (await answer(world, buyer, order_id, CONTROLLER)).status_code == 200
    await settles(world, order_id, "confirmed")


async def test_a_category_rule_catches_an_order_whatever_its_total(world: World) -> None:
    buyer = world.buyer()
    assert (await set_rules(world, buyer, categories=[world.product.category])).status_code == 200
    waiting = await settles(world, await place(world, buyer), "awaiting_approval")
    assert waiting["approval"]["categories"] == [world.product.category]
    assert waiting["approval"]["over_amount"] is None


async def test_declined_the_order_ends_and_its_stock_is_released(world: World) -> None:
    buyer = world.buyer()
    assert (await set_rules(world, buyer, one_approval_above=money("0.01"))).status_code == 200
    order_id = await place(world, buyer)
    await settles(world, order_id, "awaiting_approval")
    blank = await world.client.post(
        f"/api/v1/orders/{order_id}/disapprove",
        json={"reason": ""},
        headers=person(buyer, APPROVER),
    )
    assert blank.status_code == 422, blank.text
    assert blank.json()["errors"][0]["field"] == "reason", blank.text
    declined = await answer(world, buyer, order_id, CONTROLLER, "disapprove")
    assert declined.status_code == 200, declined.text
    ended = await settles(world, order_id, "rejected")
    assert ended["outcome"]["rejected_by"] == "buyer"
    assert "over the quarterly budget" in ended["outcome"]["reason"]
    assert ended["approval"]["status"] == "declined"
    await eventually(
        lambda: settles(world, order_id, "rejected"),
        lambda o: any(s["kind"] == "StockReleased" for s in o["stock"]),
        what="stock released",
    )
    late = await answer(world, buyer, order_id, APPROVER)
    assert late.status_code == 409, late.text


async def test_spending_rules_are_checked_and_locked_to_the_approvers(world: World) -> None:
    buyer = world.buyer()
    nobody = await world.client.put(
        f"/api/v1/buyers/{buyer.buyer_id}/spending-rules",
        json={"approvers": [], "one_approval_above": money("10")},
        headers=person(buyer, PURCHASER),
    )
    assert nobody.status_code == 422, nobody.text
    assert nobody.json()["field"] == "approvers"
    as_text = await set_rules(world, buyer, one_approval_above={"amount": 10, "currency": CURRENCY})
    assert as_text.status_code == 422, as_text.text
    assert (await set_rules(world, buyer, one_approval_above=money("10"))).status_code == 200
    locked = await set_rules(world, buyer, by=PURCHASER, one_approval_above=money("99999"))
    assert locked.status_code == 403, locked.text
    assert (
        await set_rules(world, buyer, by=APPROVER, one_approval_above=money("20"))
    ).status_code == 200
    other = await world.client.get(
        f"/api/v1/buyers/{buyer.buyer_id}/spending-rules",
        headers={"X-Actor": f"buyer:{world.demo.buyers[-1].buyer_id}"},
    )
    assert other.status_code == 404
    rules = await world.client.get(f"/api/v1/buyers/{buyer.buyer_id}/spending-rules", headers=OPS)
    assert rules.json()["one_approval_above"] == money("20")
    assert rules.json()["approvers"] == sorted([APPROVER, CONTROLLER])
