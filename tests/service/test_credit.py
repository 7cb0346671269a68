"""Credit limits through the embedded runtime (SQLite and PostgreSQL): an order over the buyer's
credit is held before it reaches the supplier; release, cancel, overdue invoices, a raised limit,
and thirty orders racing for a limit that fits ten."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import httpx
import pytest
import pytest_asyncio

from runtime.demo import CURRENCY, seed
from runtime.demo_data import Buyer, DemoWorld, Product, Supplier, build_world
from runtime.embedded import EmbeddedSystem
from runtime.services import ALL_SERVICES
from shared.events.base import Money
from shared.events.payment import InvoiceIssued, InvoiceLine
from shared.events.values import PaymentTerms
from tests.actor_client import HeaderActors, actor_client
from tests.databases import fresh_postgres_url
from tests.helpers import eventually
from tests.service.test_payment_support import emit

pytestmark = pytest.mark.asyncio(loop_scope="module")
OPS = {"X-Actor": "operations:test"}
SETTLED = {"on_hold", "awaiting_confirmation", "confirmed", "rejected", "cancelled"}


@dataclass
class World:
    system: EmbeddedSystem
    client: httpx.AsyncClient
    demo: DemoWorld
    supplier: Supplier
    product: Product
    next_buyer: int = 0

    def buyer(self) -> Buyer:
        """A buyer of its own for each test: accounts do not share credit."""
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
    # The supplier who confirms by hand, and its best-stocked product.
    supplier = next(s for s in demo.suppliers if not s.auto_confirm)
    product = max(
        supplier.products,
        key=lambda p: sum(n for (_, sku), n in demo.stock.items() if sku == p.sku),
    )
    running = Running(request.param, tmp_path_factory)
    async with running as system, actor_client(system) as client:
        await seed(client, HeaderActors(), demo)
        yield World(system, client, demo, supplier, product)


class Running:
    """The embedded system on SQLite files, or on a PostgreSQL database of its own."""

    def __init__(self, kind: str, factory: pytest.TempPathFactory) -> None:
        self.kind, self.factory = kind, factory

    async def __aenter__(self) -> EmbeddedSystem:
        url = None
        if self.kind == "postgres":
            self.pg = fresh_postgres_url()
            url = await self.pg.__aenter__()
        self.system = EmbeddedSystem(self.factory.mktemp("credit"), ALL_SERVICES, database_url=url)
        await self.system.start()
        return self.system

    async def __aexit__(self, *exc: object) -> None:
        await self.system.stop()
        if self.kind == "postgres":
            await self.pg.__aexit__(*exc)


def as_supplier(world: World) -> dict[str, str]:
    return {"X-Actor": f"supplier:{world.supplier.supplier_id}"}


async def set_limit(world: World, buyer: Buyer, amount: Decimal) -> None:
    path = f"/api/v1/credit-limits/{world.supplier.supplier_id}/{buyer.buyer_id}"
    limit = {"amount": format(amount, "f"), "currency": CURRENCY}
    answer = await world.client.put(path, json={"limit": limit}, headers=as_supplier(world))
    assert answer.status_code == 200, answer.text


async def place(world: World, buyer: Buyer) -> str:
    body = {
        "buyer_id": str(buyer.buyer_id),
        "supplier_id": str(world.supplier.supplier_id),
        "order_type": "regular",
        "lines": [{"sku": world.product.sku, "quantity": world.product.min_order_qty}],
    }
    headers = {"X-Actor": f"buyer:{buyer.buyer_id}", "Idempotency-Key": uuid4().hex}
    answer = await world.client.post("/api/v1/orders", json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def order(world: World, order_id: str) -> dict[str, Any]:
    answer = await world.client.get(f"/api/v1/orders/{order_id}", headers=OPS)
    return dict(answer.json()) if answer.status_code == 200 else {}


async def settles(world: World, order_id: str, *statuses: str) -> dict[str, Any]:
    wanted = set(statuses or SETTLED)
    return await eventually(
        lambda: order(world, order_id), lambda o: o.get("status") in wanted, what=str(wanted)
    )


async def account(world: World, buyer: Buyer) -> dict[str, Any]:
    path = f"/api/v1/credit-limits/{world.supplier.supplier_id}/{buyer.buyer_id}"
    return dict((await world.client.get(path, headers=OPS)).json())


async def probe_total(world: World, buyer: Buyer) -> Decimal:
    """One order's total (placed, read, cancelled): what each order of the tests costs."""
    order_id = await place(world, buyer)
    placed = await settles(world, order_id, "awaiting_confirmation")
    cancel = await world.client.post(
        f"/api/v1/orders/{order_id}/cancel",
        json={"reason": "probe"},
        headers={"X-Actor": f"buyer:{buyer.buyer_id}"},
    )
    assert cancel.status_code == 200, cancel.text
    return Decimal(placed["total"]["amount"])


async def test_an_order_over_the_limit_is_held_then_released_by_the_supplier(world: World) -> None:
    buyer = world.buyer()
    total = await probe_total(world, buyer)
    await set_limit(world, buyer, total / 2)
    order_id = await place(world, buyer)
    held = await settles(world, order_id, "on_hold")
    assert held["hold"]["code"] == "limit_exceeded"
    assert Decimal(held["hold"]["figures"]["available"]["amount"]) == total / 2
    assert any(t["event"] == "OrderHeld" for t in held["timeline"])
    queue = await world.client.get(
        f"/api/v1/suppliers/{world.supplier.supplier_id}/queue", headers=as_supplier(world)
    )
    [waiting] = [o for o in queue.json() if o["order_id"] == order_id]
    assert waiting["status"] == "on_hold"  # to release or reject, never to confirm
    confirm = await world.client.post(
        f"/api/v1/orders/{order_id}/confirm", json={}, headers=as_supplier(world)
    )
    assert confirm.status_code == 409, confirm.text
    foreign = await world.client.post(
        f"/api/v1/orders/{order_id}/release",
        json={"reason": "not mine"},
        headers={"X-Actor": f"supplier:{uuid4()}"},
    )
    assert foreign.status_code == 404, foreign.text  # another supplier's hold: not even seen
    by_buyer = await world.client.post(
        f"/api/v1/orders/{order_id}/release",
        json={"reason": "let me"},
        headers={"X-Actor": f"buyer:{buyer.buyer_id}"},
    )
    assert by_buyer.status_code == 403, by_buyer.text
    blank = await world.client.post(
        f"/api/v1/orders/{order_id}/release", json={"reason": ""}, headers=as_supplier(world)
    )
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"] == "reason"
    release = await world.client.post(
        f"/api/v1/orders/{order_id}/release",
        json={"reason": "known customer, paying this week"},
        headers=as_supplier(world),
    )
    assert release.status_code == 200, release.text
    released = await settles(world, order_id, "awaiting_confirmation")
    assert released["hold"]["status"] == "released"
    figures = await eventually(
        lambda: account(world, buyer), lambda a: a["held_orders"] == [], what="override"
    )
    assert Decimal(figures["reserved_credit"]["amount"]) == total  # past the limit, on purpose
    again = await world.client.post(
        f"/api/v1/orders/{order_id}/release", json={"reason": "twice"}, headers=as_supplier(world)
    )
    assert again.status_code == 409
    assert again.json()["title"] == "OrderNotHeld"


async def test_cancelling_frees_the_credit_and_the_held_order_goes_on(world: World) -> None:
    buyer = world.buyer()
    total = await probe_total(world, buyer)
    await set_limit(world, buyer, total)
    first = await place(world, buyer)
    await settles(world, first, "awaiting_confirmation")
    second = await place(world, buyer)
    await settles(world, second, "on_hold")
    cancel = await world.client.post(
        f"/api/v1/orders/{first}/cancel",
        json={"reason": "changed my mind"},
        headers={"X-Actor": f"buyer:{buyer.buyer_id}"},
    )
    assert cancel.status_code == 200, cancel.text
    went_on = await settles(world, second, "awaiting_confirmation")
    [released] = [t for t in went_on["timeline"] if t["event"] == "OrderReleased"]
    assert released["actor"].startswith("policy:")  # credit given back, nobody had to
    figures = await eventually(
        lambda: account(world, buyer), lambda a: a["held_orders"] == [], what="held freed"
    )
    assert Decimal(figures["reserved_credit"]["amount"]) == total
    third = await place(world, buyer)
    await settles(world, third, "on_hold")


async def test_raising_the_limit_releases_the_held_orders_that_fit_oldest_first(
    world: World,
) -> None:
    buyer = world.buyer()
    total = await probe_total(world, buyer)
    await set_limit(world, buyer, total / 2)
    held = [await place(world, buyer) for _ in range(3)]
    for order_id in held:
        await settles(world, order_id, "on_hold")
    await set_limit(world, buyer, total * 2 + total / 2)
    for order_id in held[:2]:
        released = await settles(world, order_id, "awaiting_confirmation")
        assert any(t["event"] == "OrderReleased" for t in released["timeline"])
    assert (await account(world, buyer))["held_orders"] == [held[2]]
    assert (await order(world, held[2]))["status"] == "on_hold"


async def test_thirty_orders_racing_for_a_limit_that_fits_ten_let_exactly_ten_through(
    world: World,
) -> None:
    buyer = world.buyer()
    total = await probe_total(world, buyer)
    await set_limit(world, buyer, total * 10 + total / 2)
    placed = await asyncio.gather(*(place(world, buyer) for _ in range(30)))
    final = [await settles(world, order_id) for order_id in placed]
    statuses = [o["status"] for o in final]
    assert statuses.count("awaiting_confirmation") == 10, statuses
    assert statuses.count("on_hold") == 20, statuses
    figures = await account(world, buyer)
    assert Decimal(figures["reserved_credit"]["amount"]) == total * 10
    assert len(figures["held_orders"]) == 20


async def test_overdue_invoices_past_the_grace_days_hold_new_orders(world: World) -> None:
    buyer = world.buyer()
    supplier = world.supplier.supplier_id
    await set_limit(world, buyer, Decimal("1000000"))  # plenty: only the overdue invoice stops
    overdue = await overdue_invoice(world, buyer)
    block = await world.client.put(
        f"/api/v1/credit-limits/{supplier}/{buyer.buyer_id}/overdue-block",
        json={"grace_days": 0},
        headers=as_supplier(world),
    )
    assert block.status_code == 200, block.text
    order_id = await place(world, buyer)
    held = await settles(world, order_id, "on_hold")
    assert held["hold"]["code"] == "overdue_invoices"
    assert order_id in (await account(world, buyer))["held_orders"]
    assert overdue
    unblock = await world.client.put(
        f"/api/v1/credit-limits/{supplier}/{buyer.buyer_id}/overdue-block",
        json={"grace_days": None},
        headers=as_supplier(world),
    )
    assert unblock.status_code == 200, unblock.text
    later = await place(world, buyer)
    await settles(world, later, "awaiting_confirmation")


async def test_bad_overdue_rules_are_422_naming_the_field(world: World) -> None:
    buyer = world.buyer()
    path = f"/api/v1/credit-limits/{world.supplier.supplier_id}/{buyer.buyer_id}/overdue-block"
    for bad in ({"grace_days": -1}, {"grace_days": 366}, {"grace_days": "5"}, {}):
        answer = await world.client.put(path, json=bad, headers=as_supplier(world))
        assert answer.status_code == 422, (bad, answer.text)
        assert answer.json()["errors"][0]["field"] == "grace_days"


async def overdue_invoice(world: World, buyer: Buyer) -> str:
    """An invoice issued 60 days ago on net 30 and never paid (no API makes one that old)."""
    invoice_id, order_id = uuid4(), uuid4()
    issued_on = date.today() - timedelta(days=60)
    price = Money(amount=Decimal("10.00"), currency=CURRENCY)
    line = InvoiceLine(
        line_no=1, sku=world.product.sku, quantity=1, unit_price=price, line_total=price
    )
    invoice = InvoiceIssued(
        invoice_id=invoice_id,
        order_id=order_id,
        shipment_id=uuid4(),
        supplier_id=world.supplier.supplier_id,
        buyer_id=buyer.buyer_id,
        lines=(line,),
        total=price,
        terms=PaymentTerms.NET_30,
        issued_on=issued_on,
        due_on=issued_on + timedelta(days=30),
    )
    await emit(world.system, "payment", f"invoice-{invoice_id}", invoice, order_id)
    await eventually(
        lambda: account(world, buyer),
        lambda a: a.get("invoiced_unpaid", {}).get("amount") not in (None, "0"),
        what="receivable",
    )
    return str(invoice_id)


async def test_a_supplier_sets_no_credit_rules_for_another_supplier(world: World) -> None:
    buyer = world.buyer()
    stranger = {"X-Actor": f"supplier:{uuid4()}"}
    base = f"/api/v1/credit-limits/{world.supplier.supplier_id}/{buyer.buyer_id}"
    limit = {"limit": {"amount": "5.00", "currency": CURRENCY}}
    assert (await world.client.put(base, json=limit, headers=stranger)).status_code == 403
    block = {"grace_days": 3}
    answer = await world.client.put(f"{base}/overdue-block", json=block, headers=stranger)
    assert answer.status_code == 403
    other_buyer = {"X-Actor": f"buyer:{buyer.buyer_id}"}
    answer = await world.client.put(f"{base}/overdue-block", json=block, headers=other_buyer)
    assert answer.status_code == 403
