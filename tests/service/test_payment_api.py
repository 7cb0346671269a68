"""Payment API through the embedded runtime: terms, invoicing on acceptance, settlement, charges."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import httpx

from runtime.embedded import EmbeddedSystem
from tests.helpers import eventually
from tests.service.test_payment_support import accept, agreed_order, invoice_of, invoice_status

PROBLEM = "application/problem+json"


async def test_terms_default_to_net_30_and_can_be_set_with_if_match(
    client: httpx.AsyncClient,
) -> None:
    path = f"/api/v1/payment-terms/{uuid4()}/{uuid4()}"
    initial = await client.get(path)
    assert initial.json()["terms"] == "net_30"
    assert initial.json()["default"] is True
    put = await client.put(path, json={"terms": "net_60"}, headers={"If-Match": '"0"'})
    assert put.status_code == 200, put.text
    assert put.headers["ETag"] == '"1"'
    stale = await client.put(path, json={"terms": "net_15"}, headers={"If-Match": '"0"'})
    assert stale.status_code == 412
    after = (await client.get(path)).json()
    assert (after["terms"], after["default"]) == ("net_60", False)


async def test_invalid_terms_and_limits_are_422_naming_the_field(client: httpx.AsyncClient) -> None:
    ids = f"{uuid4()}/{uuid4()}"
    bad = await client.put(f"/api/v1/payment-terms/{ids}", json={"terms": "net_7"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith(PROBLEM)
    assert bad.json()["errors"][0]["field"] == "terms"
    limit = {"limit": {"amount": 100.5, "currency": "EUR"}}
    floaty = await client.put(f"/api/v1/credit-limits/{ids}", json=limit)
    assert floaty.status_code == 422
    assert floaty.json()["errors"][0]["field"].startswith("limit")
    assert (await client.get(f"/api/v1/credit-limits/{ids}")).status_code == 404


async def test_credit_limit_is_set_and_read(client: httpx.AsyncClient) -> None:
    path = f"/api/v1/credit-limits/{uuid4()}/{uuid4()}"
    limit = {"amount": "5000.00", "currency": "EUR"}
    assert (await client.put(path, json={"limit": limit})).status_code == 200
    assert (await client.get(path)).json()["limit"] == limit


async def test_a_supplier_may_not_set_another_suppliers_terms(client: httpx.AsyncClient) -> None:
    path = f"/api/v1/payment-terms/{uuid4()}/{uuid4()}"
    answer = await client.put(
        path, json={"terms": "prepaid"}, headers={"X-Actor": f"supplier:{uuid4()}"}
    )
    assert answer.status_code == 403


async def test_accepted_goods_are_invoiced_with_the_customers_terms_then_settled_once(
    system: EmbeddedSystem, client: httpx.AsyncClient
) -> None:
    supplier, buyer = uuid4(), uuid4()
    await client.put(f"/api/v1/payment-terms/{supplier}/{buyer}", json={"terms": "net_15"})
    order = await agreed_order(system, supplier, buyer)
    await accept(system, order, ((1, "A-1", 8), (2, "B-2", 4)))
    invoice = await invoice_of(client, order)
    assert (invoice["total"], invoice["terms"]) == (
        {"amount": "60.00", "currency": "EUR"},
        "net_15",
    )
    issued = date.fromisoformat(invoice["issued_on"])
    assert date.fromisoformat(invoice["due_on"]) == issued + timedelta(days=15)
    assert [(x["line_no"], x["line_total"]["amount"]) for x in invoice["lines"]] == [
        (1, "20.00"),
        (2, "40.00"),
    ]
    path = f"/api/v1/invoices/{invoice['invoice_id']}/payments"
    short = {"reference": "BANK-1", "amount": {"amount": "59.99", "currency": "EUR"}}
    wrong = await client.post(path, json=short)
    assert (wrong.status_code, wrong.json()["field"]) == (422, "amount")
    body = {
        "method": "bank_transfer",
        "reference": "BANK-1",
        "amount": {"amount": "60.00", "currency": "EUR"},
    }
    paid = await client.post(path, json=body, headers={"Idempotency-Key": "pay-1"})
    assert paid.status_code == 200, paid.text
    assert paid.json()["events"] == ["PaymentSettled"]
    replay = await client.post(path, json=body, headers={"Idempotency-Key": "pay-1"})
    assert replay.json() == paid.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    reused = await client.post(path, json=short, headers={"Idempotency-Key": "pay-1"})
    assert (reused.status_code, reused.json()["field"]) == (422, "Idempotency-Key")
    again = await client.post(path, json={**body, "reference": "BANK-2"})
    assert (again.status_code, again.json()["title"]) == (409, "InvoiceAlreadySettled")
    same_notice = await client.post(path, json=body)
    assert (same_notice.status_code, same_notice.json()["events"]) == (200, [])
    shown = await invoice_status(client, invoice["invoice_id"], paid.json()["position"])
    assert (shown["status"], shown["open_amount"]["amount"]) == ("settled", "0")
    assert [p["status"] for p in shown["payments"]] == ["settled"]


async def test_each_acceptance_gets_its_own_invoice(
    system: EmbeddedSystem, client: httpx.AsyncClient
) -> None:
    order = await agreed_order(system, uuid4(), uuid4())
    await accept(system, order, ((1, "A-1", 5),))
    await accept(system, order, ((1, "A-1", 5),))
    await invoice_of(client, order, count=2)
    found = (await client.get("/api/v1/invoices", params={"order_id": str(order)})).json()
    assert sorted(x["total"]["amount"] for x in found) == ["12.50", "12.50"]


async def test_a_declined_charge_is_402_and_recorded_then_a_good_token_settles(
    system: EmbeddedSystem, client: httpx.AsyncClient
) -> None:
    supplier, buyer = uuid4(), uuid4()
    order = await agreed_order(system, supplier, buyer)
    await accept(system, order)
    invoice = await invoice_of(client, order)
    path = f"/api/v1/invoices/{invoice['invoice_id']}/charge"
    as_buyer = {"X-Actor": f"buyer:{buyer}"}
    declined = await client.post(path, json={"token": "tok_fail"}, headers=as_buyer)
    assert declined.status_code == 402
    assert declined.headers["content-type"].startswith(PROBLEM)
    assert declined.json()["detail"] == "card declined"
    stranger = await client.post(
        path, json={"token": "tok_ok"}, headers={"X-Actor": f"buyer:{uuid4()}"}
    )
    assert stranger.status_code == 403
    charged = await client.post(path, json={"token": "tok_ok"}, headers=as_buyer)
    assert charged.status_code == 200, charged.text
    twice = await client.post(path, json={"token": "tok_ok"}, headers=as_buyer)
    assert twice.status_code == 409
    shown = await invoice_status(client, invoice["invoice_id"], charged.json()["position"])
    assert shown["status"] == "settled"
    assert sorted(p["status"] for p in shown["payments"]) == ["failed", "settled"]


async def test_unknown_invoices_are_404_and_bad_bodies_422(client: httpx.AsyncClient) -> None:
    unknown = f"/api/v1/invoices/{uuid4()}"
    assert (await client.get(unknown)).status_code == 404
    body = {"reference": "B", "amount": {"amount": "1.00", "currency": "EUR"}}
    missing = await client.post(f"{unknown}/payments", json=body)
    assert (missing.status_code, missing.headers["content-type"]) == (404, PROBLEM)
    no_token = await client.post(f"{unknown}/charge", json={})
    assert no_token.json()["errors"][0]["field"] == "token"
    blank = await client.post(f"{unknown}/payments", json={**body, "reference": " "})
    assert blank.json()["errors"][0]["field"] == "reference"
    assert (await client.get("/api/v1/invoices", params={"status": "late"})).status_code == 422


async def test_buyers_see_only_their_own_invoices(
    system: EmbeddedSystem, client: httpx.AsyncClient
) -> None:
    supplier, buyer = uuid4(), uuid4()
    order = await agreed_order(system, supplier, buyer)
    await accept(system, order)
    invoice = await invoice_of(client, order)
    other = {"X-Actor": f"buyer:{uuid4()}"}
    params = {"order_id": str(order)}
    assert (await client.get("/api/v1/invoices", params=params, headers=other)).json() == []
    path = f"/api/v1/invoices/{invoice['invoice_id']}"
    assert (await client.get(path, headers=other)).status_code == 404
    mine = await eventually(
        lambda: client.get(path, headers={"X-Actor": f"buyer:{buyer}"}),
        lambda r: r.status_code == 200,
    )
    assert mine.json()["order_id"] == str(order)


async def test_the_invoice_list_filters_by_order_status_and_overdue_on_a_day(
    system: EmbeddedSystem, client: httpx.AsyncClient
) -> None:
    supplier, buyer = uuid4(), uuid4()
    await client.put(f"/api/v1/payment-terms/{supplier}/{buyer}", json={"terms": "net_15"})
    order = await agreed_order(system, supplier, buyer)
    await accept(system, order)
    invoice = await invoice_of(client, order)
    due = date.fromisoformat(invoice["due_on"])

    async def listed(**params: str) -> list[str]:
        found = await client.get("/api/v1/invoices", params={"order_id": str(order), **params})
        assert found.status_code == 200, found.text
        return [x["invoice_id"] for x in found.json()]

    mine = [invoice["invoice_id"]]
    assert await listed(status="open") == mine
    assert await listed(status="settled") == []
    assert await listed(status="overdue", as_of=(due + timedelta(days=1)).isoformat()) == mine
    assert await listed(status="overdue", as_of=due.isoformat()) == [], "due today: not yet"
    assert await listed(buyer_id=str(buyer), supplier_id=str(supplier)) == mine
    assert await listed(buyer_id=str(uuid4())) == []
