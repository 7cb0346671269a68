"""The order API through the embedded runtime: parties, placement rules, supplier decisions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from runtime.embedded import EmbeddedSystem
from services.order.http.orders import order_id_for
from services.order.service import definition as order_service
from shared.events.base import DomainEvent, Money
from shared.events.inventory import RoutingCandidate, RoutingDecision, StockReserved
from shared.events.order import OrderPlaced
from shared.events.payment import CreditReserved
from shared.events.pricing import OrderPriced, PricedLine, ProductRegistered
from shared.events.values import Allocation, CreditFigures, OrderType
from shared.service.codec import to_envelope, to_new_event
from shared.service.definition import ServiceDefinition, ServiceParts
from tests.actor_client import actor_client
from tests.helpers import eventually

OPS = {"X-Actor": "operations:desk"}
UPSTREAM = ("pricing", "inventory", "logistics", "payment", "sourcing")


@pytest.fixture
async def system(tmp_path: Path) -> AsyncIterator[EmbeddedSystem]:
    """The order service with silent upstream stores: the tests write their events by hand."""
    silent = [ServiceDefinition(name, lambda _context: ServiceParts()) for name in UPSTREAM]
    running = EmbeddedSystem(tmp_path / "data", [order_service, *silent])
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def client(system: EmbeddedSystem) -> AsyncIterator[httpx.AsyncClient]:
    async with actor_client(system) as http:
        yield http


def eur(amount: str) -> Money:
    return Money(amount=Decimal(amount), currency="EUR")


async def append(system: EmbeddedSystem, service: str, stream: str, event: DomainEvent) -> None:
    store = system.services[service].context.store
    order_id = getattr(event, "order_id", None)
    new = to_new_event(
        event,
        event_id=uuid4(),
        occurred_at=datetime.now(UTC),
        correlation_id=order_id,
        causation_id=None,
        actor="system:test",
    )
    await store.append(stream, [new])


async def setup(client: httpx.AsyncClient, system: EmbeddedSystem) -> tuple[str, str]:
    buyer = await client.post(
        "/api/v1/buyers",
        json={"name": "Shop", "tier": "gold", "delivery_region": "north"},
        headers=OPS,
    )
    supplier = await client.post(
        "/api/v1/suppliers", json={"name": "Bolts Ltd", "currency": "EUR"}, headers=OPS
    )
    assert buyer.status_code == 201, buyer.text
    supplier_id = supplier.json()["id"]
    product = ProductRegistered(
        supplier_id=UUID(supplier_id),
        sku="BOLT-10",
        name="Bolt",
        category="hardware",
        unit="pc",
        pack_size=6,
        min_order_qty=12,
        list_price=eur("3.00"),
    )
    await append(system, "pricing", f"product-{supplier_id}-BOLT-10", product)
    return buyer.json()["id"], supplier_id


def order_body(buyer: str, supplier: str, quantity: int = 12) -> dict[str, Any]:
    return {
        "buyer_id": buyer,
        "supplier_id": supplier,
        "order_type": "regular",
        "lines": [{"sku": "BOLT-10", "quantity": quantity}],
    }


async def place(
    client: httpx.AsyncClient, buyer: str, supplier: str, quantity: int = 12, key: str = "k1"
) -> httpx.Response:
    async def attempt() -> httpx.Response:
        return await client.post(
            "/api/v1/orders",
            json=order_body(buyer, supplier, quantity),
            headers={"X-Actor": f"buyer:{buyer}", "Idempotency-Key": key},
        )

    # The product copy arrives through a projection: wait until it is known.
    return await eventually(attempt, lambda r: "unknown SKU" not in r.text, what="catalog copy")


async def price_and_reserve(system: EmbeddedSystem, order_id: str) -> None:
    line = PricedLine(
        line_no=1,
        sku="BOLT-10",
        quantity=12,
        list_unit_price=eur("3.00"),
        net_unit_price=eur("2.50"),
        line_total=eur("30.00"),
    )
    priced = OrderPriced(
        order_id=UUID(order_id),
        tier="gold",
        currency="EUR",
        lines=(line,),
        lines_total=eur("30.00"),
        total=eur("30.00"),
    )
    warehouse = uuid4()
    reserved = StockReserved(
        order_id=UUID(order_id),
        allocations=(Allocation(line_no=1, sku="BOLT-10", warehouse_id=warehouse, quantity=12),),
        routing=RoutingDecision(
            rule="single_warehouse",
            order_type=OrderType.REGULAR,
            delivery_region="north",
            candidates=(
                RoutingCandidate(
                    warehouse_id=warehouse,
                    serves_region=True,
                    speed_rank=1,
                    lead_time_days=1,
                    available=(),
                    chosen=True,
                ),
            ),
            reason="one warehouse serving north has it all",
        ),
    )
    await append(system, "pricing", f"pricing-{order_id}", priced)
    await append(system, "inventory", f"reservation-{order_id}", reserved)
    await grant_credit(system, order_id)


async def grant_credit(system: EmbeddedSystem, order_id: str, amount: str = "30.00") -> None:
    """Payment's answer (payment is silent here) once the order asked for credit."""
    store = system.services["order"].context.store
    stream = f"order-{order_id}"

    async def kinds() -> list[str]:
        return [e.event_type for e in await store.read_stream(stream)]

    await eventually(kinds, lambda t: "OrderPricingRecorded" in t, what="credit asked for")
    placed = to_envelope((await store.read_stream(stream, limit=1))[0]).event
    assert isinstance(placed, OrderPlaced)
    nothing = eur("0")
    granted = CreditReserved(
        supplier_id=placed.supplier_id,
        buyer_id=placed.buyer_id,
        order_id=UUID(order_id),
        amount=eur(amount),
        figures=CreditFigures(requested=eur(amount), reserved=nothing, invoiced_unpaid=nothing),
    )
    await append(system, "payment", f"account-{placed.supplier_id}_{placed.buyer_id}", granted)


async def detail(client: httpx.AsyncClient, order_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/orders/{order_id}", headers=OPS)
    return response.json() if response.status_code == 200 else {}


async def test_place_price_reserve_and_confirm(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    placed = await place(client, buyer, supplier)
    assert placed.status_code == 201, placed.text
    order_id = placed.json()["id"]
    again = await place(client, buyer, supplier)
    assert again.json() == placed.json()
    await price_and_reserve(system, order_id)
    ready = await eventually(
        lambda: detail(client, order_id),
        lambda d: d.get("status") == "awaiting_confirmation",
        what="awaiting confirmation",
    )
    queue = await client.get(
        f"/api/v1/suppliers/{supplier}/queue", headers={"X-Actor": f"supplier:{supplier}"}
    )
    assert [o["order_id"] for o in queue.json()] == [order_id]
    stale = await client.post(
        f"/api/v1/orders/{order_id}/confirm",
        json={},
        headers={"X-Actor": f"supplier:{supplier}", "If-Match": '"1"'},
    )
    assert stale.status_code == 412
    confirmed = await client.post(
        f"/api/v1/orders/{order_id}/confirm",
        json={},
        headers={"X-Actor": f"supplier:{supplier}", "If-Match": f'"{ready["version"]}"'},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["events"] == ["OrderConfirmed"]
    final = await eventually(
        lambda: detail(client, order_id), lambda d: d.get("status") == "confirmed"
    )
    assert final["total"] == {"amount": "30.00", "currency": "EUR"}
    assert [e["event"] for e in final["timeline"]][:1] == ["OrderPlaced"]
    assert {e["service"] for e in final["timeline"]} >= {"order", "pricing", "inventory"}


async def test_pack_size_violation_is_rejected_at_placement(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    response = await place(client, buyer, supplier, quantity=14)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == "lines[0].quantity"
    assert "pack size 6" in response.json()["detail"]


async def test_unknown_buyer_is_named(client: httpx.AsyncClient, system: EmbeddedSystem) -> None:
    _, supplier = await setup(client, system)
    response = await client.post(
        "/api/v1/orders", json=order_body(str(uuid4()), supplier), headers=OPS
    )
    assert response.status_code == 422
    assert response.json()["field"] == "buyer_id"


async def test_buyer_cancels_and_another_buyer_cannot_see_the_order(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    order_id = (await place(client, buyer, supplier)).json()["id"]
    stranger = await client.post(
        f"/api/v1/orders/{order_id}/cancel",
        json={"reason": "mine now"},
        headers={"X-Actor": f"buyer:{uuid4()}"},
    )
    assert stranger.status_code == 404
    cancelled = await client.post(
        f"/api/v1/orders/{order_id}/cancel",
        json={"reason": "changed plans"},
        headers={"X-Actor": f"buyer:{buyer}"},
    )
    assert cancelled.status_code == 200
    confirm = await client.post(
        f"/api/v1/orders/{order_id}/confirm", json={}, headers={"X-Actor": f"supplier:{supplier}"}
    )
    assert confirm.status_code == 409
    assert confirm.json()["title"] == "OrderAlreadyClosed"


async def test_an_order_read_right_after_it_is_placed_is_found(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    await place(client, buyer, supplier, key="warm-up")  # the catalog copy is there

    async def place_then_read(n: int) -> tuple[str, int, str]:
        placed = await client.post(
            "/api/v1/orders",
            json=order_body(buyer, supplier),
            headers={"X-Actor": f"buyer:{buyer}", "Idempotency-Key": f"ryw-{n}"},
        )
        assert placed.status_code == 201, placed.text
        order_id = placed.json()["id"]
        read = await client.get(f"/api/v1/orders/{order_id}", headers=OPS)  # no min_position
        return order_id, read.status_code, read.json().get("id", read.json().get("order_id"))

    for order_id, status, shown in await asyncio.gather(*(place_then_read(n) for n in range(20))):
        assert status == 200
        assert shown == order_id


async def test_a_long_poll_answers_as_soon_as_the_order_changes(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    order_id = (await place(client, buyer, supplier)).json()["id"]
    first = (await client.get(f"/api/v1/orders/{order_id}", headers=OPS)).json()
    path = f"/api/v1/orders/{order_id}?after_revision={first['revision']}&wait=30"
    poll = asyncio.ensure_future(client.get(path, headers=OPS))
    await asyncio.sleep(0.2)
    assert not poll.done(), "nothing changed yet: the long poll must still wait"
    await price_and_reserve(system, order_id)
    # Woken by the change, not by the 30 s bound.
    answer = await asyncio.wait_for(poll, timeout=10)
    assert answer.status_code == 200
    assert answer.json()["revision"] > first["revision"]


async def test_a_retry_after_the_answer_was_lost_gets_the_original_answer(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    """The idempotency record commits with the order: an answer lost after the commit (a
    crash or a dropped connection) is answered again, never 409 OrderAlreadyPlaced."""
    buyer, supplier = await setup(client, system)
    await place(client, buyer, supplier, key="warm-up")
    headers = {"X-Actor": f"buyer:{buyer}", "Idempotency-Key": "lost-answer"}
    # The client never sees this answer: the command ran, the connection died.
    lost = await client.post("/api/v1/orders", json=order_body(buyer, supplier), headers=headers)
    retried = await client.post("/api/v1/orders", json=order_body(buyer, supplier), headers=headers)
    assert retried.status_code == 201
    assert retried.json() == lost.json()
    assert retried.headers["Idempotent-Replayed"] == "true"
    store = system.services["order"].context.store
    assert await store.stream_version(f"order-{lost.json()['id']}") == 1


async def test_a_crash_between_the_effect_and_its_record_leaves_neither(
    client: httpx.AsyncClient, system: EmbeddedSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after the order's events are appended but before the idempotency record is
    written: one transaction, so nothing is stored and the retry places the order once."""
    from shared.service import idempotency

    buyer, supplier = await setup(client, system)
    await place(client, buyer, supplier, key="warm-up")
    real_dumps = idempotency.json.dumps
    crashes = [True]

    def dies_once(value: object, **kwargs: object) -> str:
        if crashes and isinstance(value, dict) and "events" in value:
            crashes.pop()
            raise SystemError("the process died here")
        return real_dumps(value, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(idempotency.json, "dumps", dies_once)
    headers = {"X-Actor": f"buyer:{buyer}", "Idempotency-Key": "crash-mid-command"}
    with pytest.raises(SystemError):
        await client.post("/api/v1/orders", json=order_body(buyer, supplier), headers=headers)
    store = system.services["order"].context.store
    order_id = str(order_id_for(UUID(buyer), "crash-mid-command"))
    assert await store.stream_version(f"order-{order_id}") == 0, "the append was undone"
    retried = await client.post("/api/v1/orders", json=order_body(buyer, supplier), headers=headers)
    assert retried.status_code == 201, retried.text
    assert retried.json()["id"] == order_id
    assert await store.stream_version(f"order-{order_id}") == 1


async def test_a_long_poll_until_a_status_ignores_other_changes(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    order_id = (await place(client, buyer, supplier)).json()["id"]
    path = f"/api/v1/orders/{order_id}?until_status=confirmed&wait=30"
    poll = asyncio.ensure_future(client.get(path, headers=OPS))
    await price_and_reserve(system, order_id)  # the order changes, but is not confirmed yet
    await asyncio.sleep(0.3)
    assert not poll.done(), "awaiting confirmation is not what the caller waits for"
    confirmed = await client.post(
        f"/api/v1/orders/{order_id}/confirm",
        json={},
        headers={"X-Actor": f"supplier:{supplier}", "Idempotency-Key": "c1"},
    )
    assert confirmed.status_code == 200, confirmed.text
    answer = await asyncio.wait_for(poll, timeout=10)
    assert answer.json()["status"] == "confirmed"
    # Woken by changes, the answer's version (its ETag) is read after the body it shows.
    etag = int(answer.headers["ETag"].strip('"'))
    assert etag == answer.json()["version"] >= confirmed.json()["stream_version"]


async def test_an_accepted_amendment_shows_its_lines_and_total_at_once(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    order_id = (await place(client, buyer, supplier)).json()["id"]
    await price_and_reserve(system, order_id)
    await eventually(
        lambda: detail(client, order_id),
        lambda d: d.get("status") == "awaiting_confirmation",
        what="awaiting confirmation",
    )
    proposal = await client.post(
        f"/api/v1/orders/{order_id}/amendments",
        json={
            "changes": [
                {
                    "line_no": 1,
                    "sku": "BOLT-10",
                    "quantity": 6,
                    "unit_price": {"amount": "2.00", "currency": "EUR"},
                }
            ]
        },
        headers={"X-Actor": f"supplier:{supplier}"},
    )
    assert proposal.status_code == 200, proposal.text
    proposal_id = proposal.json()["proposal_id"]
    accepted = await client.post(
        f"/api/v1/orders/{order_id}/amendments/{proposal_id}/accept",
        json={},
        headers={"X-Actor": f"buyer:{buyer}"},
    )
    assert accepted.status_code == 200, accepted.text
    position = accepted.json()["position"]
    found = await client.get(
        f"/api/v1/orders/{order_id}", params={"min_position": position}, headers=OPS
    )
    body = found.json()
    assert body["status"] == "awaiting_confirmation"
    assert [(line["quantity"], line["unit_price"]["amount"]) for line in body["lines"]] == [
        (6, "2.00")
    ]
    assert body["total"] == {"amount": "12.00", "currency": "EUR"}
    listed = await client.get(
        "/api/v1/orders", params={"min_position": position}, headers={"X-Actor": f"buyer:{buyer}"}
    )
    assert [o["total"] for o in listed.json()] == [{"amount": "12.00", "currency": "EUR"}]
    queue = await client.get(
        f"/api/v1/suppliers/{supplier}/queue",
        params={"min_position": position},
        headers={"X-Actor": f"supplier:{supplier}"},
    )
    assert [o["total"]["amount"] for o in queue.json()] == ["12.00"]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ({"sku": "BOLT-10", "quantity": "12"}, "a number in a string"),
        ({"sku": "BOLT-10", "quantity": True}, "a boolean"),
        ({"sku": "BOLT-10", "quantity": 12.0}, "a float"),
        ({"sku": "BOLT-10", "quantity": 9223372036854775808}, "beyond 64 bits"),
        ({"sku": "BOLT-10", "quantity": 10**30}, "far beyond any stock"),
    ],
)
async def test_a_quantity_that_is_not_a_sane_json_integer_is_refused(
    client: httpx.AsyncClient, system: EmbeddedSystem, line: dict[str, Any], why: str
) -> None:
    buyer, supplier = await setup(client, system)
    body = {**order_body(buyer, supplier), "lines": [line]}
    response = await client.post("/api/v1/orders", json=body, headers=OPS)
    assert response.status_code == 422, (why, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["field"] == "lines[0].quantity", (why, problem)
    assert [e["field"] for e in problem["errors"]] == ["lines[0].quantity"]
    listed = await client.get("/api/v1/orders", headers=OPS)
    assert listed.json() == [], "nothing is stored"


async def test_other_json_types_are_what_the_schema_says_too(
    client: httpx.AsyncClient, system: EmbeddedSystem
) -> None:
    buyer, supplier = await setup(client, system)
    cases = [
        ({"requested_delivery_date": 1767225600}, "requested_delivery_date"),
        ({"order_type": 1}, "order_type"),
        ({"buyer_reference": 7}, "buyer_reference"),
        ({"lines": [{"sku": "BOLT-10", "quantity": 12, "line_no": "1"}]}, "lines[0].line_no"),
    ]
    for change, field in cases:
        body = {**order_body(buyer, supplier), **change}
        response = await client.post("/api/v1/orders", json=body, headers=OPS)
        assert response.status_code == 422, (change, response.text)
        assert response.json()["field"] == field, (change, response.json())
    rule = await client.put(
        f"/api/v1/suppliers/{supplier}/auto-confirm",
        json={"enabled": "true", "order_types": ["regular"]},
        headers=OPS,
    )
    assert (rule.status_code, rule.json()["field"]) == (422, "enabled"), rule.text
