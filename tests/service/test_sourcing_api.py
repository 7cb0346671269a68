"""Sourcing through the public API on a seeded world, on SQLite and on PostgreSQL: a buyer asks
two suppliers for prices; they answer, revise or decline before the deadline (late answers are
refused); the buyer compares and awards the whole RFQ or line by line, and each supplier's lines
become an order at the quoted prices; expired quotes cannot win; offered quotes become orders
within their validity; analysts see win rates and savings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import pytest_asyncio

from runtime.demo_data import CURRENCY, Supplier
from tests.databases import KINDS
from tests.helpers import eventually
from tests.service.sourcing_world import (
    OPS,
    World,
    answered,
    as_buyer,
    as_supplier,
    get,
    later,
    money,
    order_detail,
    orderable,
    seeded_world,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=KINDS)
async def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[World]:
    async with seeded_world(request.param, tmp_path_factory.mktemp("sourcing")) as found:
        yield found


async def issue(
    world: World, *, deadline: float = 600, key: str | None = None, at: str | None = None
) -> str:
    body = {
        "buyer_id": world.buyer(),
        "title": "Workshop and pantry supplies",
        "currency": CURRENCY,
        "lines": [
            {
                "description": "Hex bolts, a year's worth",
                "quantity": 100,
                "needed_by": "2031-03-01",
            },
            {"description": "Oolong tea for the canteen", "quantity": 24},
        ],
        "suppliers": [str(world.harbor.supplier_id), str(world.jade.supplier_id)],
        "deadline": at or later(seconds=deadline),
    }
    response = await world.client.post(
        "/api/v1/rfqs", json=body, headers=as_buyer(world.buyer(), key)
    )
    return str((await answered(response, 201))["id"])


def quote_lines(supplier: Supplier, prices: tuple[str, ...], lead: int = 3) -> list[Any]:
    return [
        {
            "line_no": line_no,
            "sku": supplier.products[line_no - 1].sku,
            "quantity": orderable(supplier.products[line_no - 1]),
            "unit_price": money(price),
            "lead_time_days": lead + line_no,
        }
        for line_no, price in enumerate(prices, 1)
        if price
    ]


async def quote(
    world: World,
    rfq_id: str,
    supplier: Supplier,
    prices: tuple[str, ...],
    *,
    valid: float = 3600,
    status: int = 200,
    **extra: Any,
) -> dict[str, Any]:
    body = {"lines": quote_lines(supplier, prices), "valid_until": later(seconds=valid), **extra}
    path = f"/api/v1/rfqs/{rfq_id}/quotes/{supplier.supplier_id}"
    response = await world.client.post(path, json=body, headers=as_supplier(supplier))
    return await answered(response, status)


async def rfq(world: World, rfq_id: str, headers: dict[str, str] = OPS, at: int = 0) -> Any:
    return await get(world.client, f"/api/v1/rfqs/{rfq_id}?min_position={at}", headers)


async def award(world: World, rfq_id: str, body: dict[str, Any], status: int = 200) -> Any:
    response = await world.client.post(
        f"/api/v1/rfqs/{rfq_id}/award", json=body, headers=as_buyer(world.buyer())
    )
    return await answered(response, status)


def priced(detail: dict[str, Any]) -> bool:
    return (detail.get("pricing") or {}).get("kind") == "OrderPriced"


async def test_a_supplier_answers_and_revises_and_the_buyer_sees_the_revision(
    world: World,
) -> None:
    rfq_id = await issue(world)
    await quote(world, rfq_id, world.harbor, ("9.00", "4.00"))
    revised = await quote(world, rfq_id, world.harbor, ("8.50", ""), note="less for bolts")
    assert revised["events"] == ["RfqQuoteRevised"]
    found = await rfq(world, rfq_id, as_buyer(world.buyer()), revised["position"])
    [current] = found["quotes"]
    assert current["revision"] == 2
    assert [line["unit_price"] for line in current["lines"]] == [money("8.50")]
    assert [step["event"] for step in found["history"]] == [
        "RfqIssued",
        "RfqQuoteSubmitted",
        "RfqQuoteRevised",
    ]
    assert found["status"] == "open"
    assert found["awardable"] is False  # Jade may still answer


async def test_a_supplier_declines_and_can_no_longer_answer(world: World) -> None:
    rfq_id = await issue(world)
    path = f"/api/v1/rfqs/{rfq_id}/quotes/{world.jade.supplier_id}/decline"
    declined = await world.client.post(
        path, json={"reason": "we do not sell bolts"}, headers=as_supplier(world.jade)
    )
    await answered(declined)
    again = await quote(world, rfq_id, world.jade, ("1.00", "1.00"), status=409)
    assert again["title"] == "AlreadyDeclined"


async def test_a_late_answer_is_refused_with_a_clear_error(world: World) -> None:
    rfq_id = await issue(world, deadline=1.5)
    await quote(world, rfq_id, world.harbor, ("9.00", "4.00"))

    async def late() -> dict[str, Any]:
        body = {"lines": quote_lines(world.jade, ("7.00", "3.00")), "valid_until": later(hours=1)}
        path = f"/api/v1/rfqs/{rfq_id}/quotes/{world.jade.supplier_id}"
        response = await world.client.post(path, json=body, headers=as_supplier(world.jade))
        return {"status": response.status_code, **response.json()}

    refused = await eventually(late, lambda r: r["status"] != 200, timeout=10, what="deadline")
    assert refused["status"] == 409
    assert refused["title"] == "DeadlinePassed"
    assert refused["field"] == "deadline"
    assert "too late" in refused["detail"]
    found = await rfq(world, rfq_id)
    assert found["status"] == "awaiting_award"
    assert found["awardable"] is True


async def test_the_whole_rfq_awarded_becomes_one_order_at_the_quoted_prices(
    world: World,
) -> None:
    rfq_id = await issue(world)
    await quote(world, rfq_id, world.harbor, ("0.55", "0.45"), delivery_charge=money("12.00"))
    await quote(world, rfq_id, world.jade, ("9.00", "9.00"))
    awarded = await award(world, rfq_id, {"supplier_id": str(world.harbor.supplier_id)})
    [placed] = awarded["orders"]
    assert placed["supplier_id"] == str(world.harbor.supplier_id)
    detail = await order_detail(world.client, placed["order_id"], priced, "the award priced")
    assert detail["placed"]["source"] == {"kind": "rfq", "id": rfq_id}
    assert [line["net_unit_price"] for line in detail["pricing"]["lines"]] == [
        money("0.55"),
        money("0.45"),
    ]
    quoted_total = sum(
        Decimal(p) * orderable(world.harbor.products[i]) for i, p in enumerate(("0.55", "0.45"))
    )
    assert Decimal(detail["pricing"]["total"]["amount"]) == quoted_total
    history = [entry["event"] for entry in detail["timeline"]]
    assert history[:4] == ["RfqIssued", "RfqQuoteSubmitted", "RfqQuoteSubmitted", "RfqAwarded"]
    assert "OrderPlaced" in history
    standings = {s["supplier_id"]: s["status"] for s in (await rfq(world, rfq_id))["suppliers"]}
    assert standings == {str(world.harbor.supplier_id): "won", str(world.jade.supplier_id): "lost"}


async def test_a_split_award_makes_one_order_per_supplier_and_keeps_quotes_private(
    world: World,
) -> None:
    rfq_id = await issue(world)
    await quote(world, rfq_id, world.harbor, ("0.70", "0.90"))
    await quote(world, rfq_id, world.jade, ("0.80", "0.60"))
    comparison = await get(
        world.client, f"/api/v1/rfqs/{rfq_id}/comparison", as_buyer(world.buyer())
    )
    best = {
        line["line_no"]: {o["supplier_id"] for o in line["offers"] if "unit_price" in o["best"]}
        for line in comparison["lines"]
    }
    harbor, jade = str(world.harbor.supplier_id), str(world.jade.supplier_id)
    assert best == {1: {harbor}, 2: {jade}}
    body = {"lines": [{"line_no": 1, "supplier_id": harbor}, {"line_no": 2, "supplier_id": jade}]}
    orders = {o["supplier_id"]: o["order_id"] for o in (await award(world, rfq_id, body))["orders"]}
    assert set(orders) == {harbor, jade}
    harbor_order = await order_detail(world.client, orders[harbor], priced)
    jade_order = await order_detail(world.client, orders[jade], priced)
    assert [line["net_unit_price"] for line in harbor_order["pricing"]["lines"]] == [money("0.70")]
    assert [line["line_no"] for line in jade_order["placed"]["lines"]] == [2]
    assert [line["net_unit_price"] for line in jade_order["pricing"]["lines"]] == [money("0.60")]
    # A supplier sees its own order's RFQ history without its competitor's quote.
    seen = await get(world.client, f"/api/v1/orders/{orders[jade]}", as_supplier(world.jade))
    quotes = [e for e in seen["timeline"] if e["event"] == "RfqQuoteSubmitted"]
    assert len(quotes) == 1
    assert "Harbor" not in str(seen["timeline"])
    own = await rfq(world, rfq_id, as_supplier(world.jade))
    assert [q["supplier_id"] for q in own["quotes"]] == [jade]
    assert own["standing"]["status"] == "won"


async def test_an_expired_quote_cannot_be_awarded(world: World) -> None:
    rfq_id = await issue(world)
    await quote(world, rfq_id, world.harbor, ("1.00", "1.00"), valid=1.0)
    await quote(world, rfq_id, world.jade, ("2.00", "2.00"))

    async def compared() -> Any:
        return await get(world.client, f"/api/v1/rfqs/{rfq_id}/comparison")

    def harbor_expired(comparison: Any) -> bool:
        expired = {q["supplier_id"]: q["expired"] for q in comparison["quotes"]}
        return bool(expired[str(world.harbor.supplier_id)])

    comparison = await eventually(compared, harbor_expired, timeout=10, what="expiry")
    assert [q["expired"] for q in comparison["quotes"]].count(False) == 1
    assert all("unit_price" not in o["best"] or o["supplier_id"] != str(world.harbor.supplier_id)
               for line in comparison["lines"] for o in line["offers"])  # fmt: skip
    refused = await award(world, rfq_id, {"supplier_id": str(world.harbor.supplier_id)}, 409)
    assert refused["title"] == "QuoteExpired"
    assert refused["field"] == "lines[0].supplier_id"
    # The valid quote still wins; the RFQ stays open until then.
    assert (await award(world, rfq_id, {"supplier_id": str(world.jade.supplier_id)}))["orders"]


async def test_no_award_while_suppliers_may_still_answer(world: World) -> None:
    rfq_id = await issue(world)
    await quote(world, rfq_id, world.harbor, ("1.00", "1.00"))
    early = await award(world, rfq_id, {"supplier_id": str(world.harbor.supplier_id)}, 409)
    assert early["title"] == "AwardTooEarly"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deadline": "2030-01-01T10:00:00"}, "deadline"),
        ({"deadline": later(seconds=-5)}, "deadline"),
        ({"suppliers": []}, "suppliers"),
        ({"lines": [{"description": "x", "quantity": "10"}]}, "lines[0].quantity"),
        ({"currency": "usd"}, "currency"),
    ],
)
async def test_a_bad_rfq_is_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    body = {
        "buyer_id": world.buyer(),
        "title": "t",
        "currency": CURRENCY,
        "lines": [{"description": "Bolts", "quantity": 10}],
        "suppliers": [str(world.harbor.supplier_id)],
        "deadline": later(hours=1),
        **change,
    }
    response = await world.client.post("/api/v1/rfqs", json=body, headers=as_buyer(world.buyer()))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == field


async def test_a_quote_that_breaks_the_catalog_is_refused_naming_the_line(world: World) -> None:
    rfq_id = await issue(world)
    product = world.harbor.products[0]
    lines = quote_lines(world.harbor, ("1.00",))
    lines[0]["quantity"] = orderable(product) + (1 if product.pack_size > 1 else -1)
    if product.pack_size == 1:
        lines[0]["sku"] = "NO-SUCH-SKU"
    body = {"lines": lines, "valid_until": later(hours=1)}
    path = f"/api/v1/rfqs/{rfq_id}/quotes/{world.harbor.supplier_id}"
    response = await world.client.post(path, json=body, headers=as_supplier(world.harbor))
    assert response.status_code == 422, response.text
    assert response.json()["field"] in ("lines[0].quantity", "lines[0].sku")


async def test_other_parties_do_not_see_an_rfq(world: World) -> None:
    rfq_id = await issue(world)
    stranger = await world.client.get(f"/api/v1/rfqs/{rfq_id}", headers=as_buyer(world.buyer(1)))
    assert stranger.status_code == 404
    compare = await world.client.get(
        f"/api/v1/rfqs/{rfq_id}/comparison", headers=as_buyer(world.buyer(1))
    )
    assert compare.status_code == 404
    supplier_compare = await world.client.get(
        f"/api/v1/rfqs/{rfq_id}/comparison", headers=as_supplier(world.harbor)
    )
    assert supplier_compare.status_code == 403
    listed = await get(world.client, "/api/v1/rfqs", as_buyer(world.buyer(1)))
    assert rfq_id not in {r["rfq_id"] for r in listed}


async def test_an_rfq_is_issued_once_per_idempotency_key(world: World) -> None:
    deadline = later(hours=2)
    first = await issue(world, key="rfq-once", at=deadline)
    again = await issue(world, key="rfq-once", at=deadline)
    assert first == again


async def offer(world: World, valid: float, key: str) -> dict[str, Any]:
    product = world.harbor.products[2]
    body = {
        "supplier_id": str(world.harbor.supplier_id),
        "buyer_id": world.buyer(),
        "title": "Yearly deal",
        "lines": [
            {
                "line_no": 1,
                "sku": product.sku,
                "quantity": orderable(product, 2),
                "unit_price": money("0.33"),
                "lead_time_days": 2,
            }
        ],
        "valid_until": later(seconds=valid),
    }
    response = await world.client.post(
        "/api/v1/offers", json=body, headers=as_supplier(world.harbor, key)
    )
    return await answered(response, 201)


async def test_an_offered_quote_accepted_in_time_becomes_an_order(world: World) -> None:
    offered = await offer(world, 3600, "offer-1")
    listed = await get(
        world.client, f"/api/v1/offers?min_position={offered['position']}", as_buyer(world.buyer())
    )
    assert offered["id"] in {o["quote_id"] for o in listed}
    accepted = await world.client.post(
        f"/api/v1/offers/{offered['id']}/accept", json={}, headers=as_buyer(world.buyer())
    )
    order_id = (await answered(accepted))["order_id"]
    detail = await order_detail(world.client, order_id, priced)
    assert [line["net_unit_price"] for line in detail["pricing"]["lines"]] == [money("0.33")]
    assert detail["placed"]["source"] == {"kind": "quote", "id": offered["id"]}
    again = await world.client.post(
        f"/api/v1/offers/{offered['id']}/accept", json={}, headers=as_buyer(world.buyer())
    )
    assert again.status_code == 409


async def test_an_expired_offered_quote_is_refused(world: World) -> None:
    offered = await offer(world, 0.5, "offer-2")
    await asyncio.sleep(0.6)  # the quote's own validity, not a wait for the system
    refused = await world.client.post(
        f"/api/v1/offers/{offered['id']}/accept", json={}, headers=as_buyer(world.buyer())
    )
    assert refused.status_code == 409
    assert refused.json()["title"] == "QuoteExpired"
    shown = await get(world.client, f"/api/v1/offers/{offered['id']}", as_buyer(world.buyer()))
    assert shown["status"] == "expired"


async def test_analysts_see_win_rates_and_savings_per_supplier(world: World) -> None:
    rfq_id = await issue(world)
    await quote(world, rfq_id, world.harbor, ("0.01", "0.01"))
    await quote(world, rfq_id, world.jade, ("99.00", "99.00"))
    awarded = await award(world, rfq_id, {"supplier_id": str(world.harbor.supplier_id)})
    figures = await get(
        world.client,
        f"/api/v1/sourcing/analytics?min_position={awarded['position']}",
        {"X-Actor": "analyst:desk"},
    )
    by_supplier = {row["supplier_id"]: row for row in figures["suppliers"]}
    harbor = by_supplier[str(world.harbor.supplier_id)]
    assert harbor["won"] >= 1
    assert Decimal(harbor["win_percent"]) > 0
    assert Decimal(harbor["savings"]["amount"]) > 0
    assert Decimal(harbor["savings_percent"]) > 0
    [total] = figures["totals"]
    assert total["currency"] == CURRENCY
    forbidden = await world.client.get(
        "/api/v1/sourcing/analytics", headers=as_buyer(world.buyer())
    )
    assert forbidden.status_code == 403
