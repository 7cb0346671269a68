"""Payment API: refunds and credit notes for returned goods, manual refunds, receivables."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest

from runtime.embedded import EmbeddedSystem
from shared.events.logistics import (
    ItemCondition,
    Remedy,
    ReturnAuthorized,
    ReturnedLine,
    ReturnReceived,
)
from shared.events.values import OrderLine
from tests.helpers import eventually
from tests.service.test_payment_support import accept, agreed_order, emit, invoice_of


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "EUR"}


async def return_goods(
    system: EmbeddedSystem, order: UUID, shipment: UUID, remedy: Remedy, quantity: int = 2
) -> UUID:
    return_id = uuid4()
    authorized = ReturnAuthorized(
        return_id=return_id,
        order_id=order,
        shipment_id=shipment,
        warehouse_id=uuid4(),
        lines=(OrderLine(line_no=1, sku="A-1", quantity=quantity),),
        remedy=remedy,
    )
    received = ReturnReceived(
        return_id=return_id,
        order_id=order,
        warehouse_id=authorized.warehouse_id,
        lines=(
            ReturnedLine(
                line_no=1, sku="A-1", quantity=quantity, condition=ItemCondition.RESELLABLE
            ),
        ),
    )
    await emit(system, "logistics", f"return-{return_id}", authorized, order)
    await emit(system, "logistics", f"return-{return_id}", received, order)
    return return_id


async def refunds_of(client: httpx.AsyncClient, order: UUID, count: int) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = (
            await client.get("/api/v1/refunds", params={"order_id": str(order)})
        ).json()
        return found

    return await eventually(probe, lambda rows: len(rows) >= count, what="refunds")


async def settle(client: httpx.AsyncClient, invoice: dict[str, Any]) -> int:
    amount = invoice["open_amount"]
    path = f"/api/v1/invoices/{invoice['invoice_id']}/payments"
    paid = await client.post(path, json={"reference": f"B-{uuid4()}", "amount": amount})
    assert paid.status_code == 200, paid.text
    position: int = paid.json()["position"]
    return position


async def processed(system: EmbeddedSystem) -> None:
    """Wait until payment's logistics policy has handled everything logistics stored."""
    head = await system.services["logistics"].context.store.head_position()
    dispatcher = system.dispatcher("payment", "logistics")
    await eventually(
        lambda: asyncio.sleep(0, dispatcher.position), lambda p: p >= head, what="payment caught up"
    )


@pytest.mark.parametrize("remedy", [Remedy.RETURN, Remedy.CREDIT_NOTE, Remedy.REPLACEMENT])
async def test_goods_rejected_at_inspection_come_back_without_moving_money(
    system: EmbeddedSystem, client: httpx.AsyncClient, remedy: Remedy
) -> None:
    order = await agreed_order(system, uuid4(), uuid4())
    shipment = await accept(system, order)
    invoice = await invoice_of(client, order)
    await return_goods(system, order, shipment, remedy)
    await processed(system)
    refunds = (await client.get("/api/v1/refunds", params={"order_id": str(order)})).json()
    assert refunds == []
    shown = (await client.get(f"/api/v1/invoices/{invoice['invoice_id']}")).json()
    assert shown["open_amount"] == invoice["open_amount"]


async def test_manual_refunds_need_a_settled_invoice_and_stay_within_the_payment(
    system: EmbeddedSystem, client: httpx.AsyncClient
) -> None:
    order = await agreed_order(system, uuid4(), uuid4())
    await accept(system, order)
    invoice = await invoice_of(client, order)
    body = {
        "invoice_id": invoice["invoice_id"],
        "amount": {"amount": "5.00", "currency": "EUR"},
        "reason": "goodwill",
    }
    early = await client.post("/api/v1/refunds", json=body)
    assert (early.status_code, early.json()["title"]) == (409, "InvoiceNotSettled")
    await settle(client, invoice)
    done = await client.post("/api/v1/refunds", json=body, headers={"Idempotency-Key": "r1"})
    assert done.status_code == 200, done.text
    again = await client.post("/api/v1/refunds", json=body, headers={"Idempotency-Key": "r1"})
    assert again.json()["refund_id"] == done.json()["refund_id"]
    too_much = {**body, "amount": {"amount": "15.01", "currency": "EUR"}}
    refused = await client.post("/api/v1/refunds", json=too_much)
    assert (refused.status_code, refused.json()["field"]) == (422, "amount")
    zero = await client.post(
        "/api/v1/refunds", json={**body, "amount": {"amount": "0", "currency": "EUR"}}
    )
    assert zero.status_code == 422
    assert len(await refunds_of(client, order, 1)) == 1


async def test_receivables_age_open_amounts_per_buyer_by_due_date(
    system: EmbeddedSystem, client: httpx.AsyncClient
) -> None:
    supplier, late_buyer, new_buyer = uuid4(), uuid4(), uuid4()
    await client.put(f"/api/v1/payment-terms/{supplier}/{new_buyer}", json={"terms": "net_15"})
    orders = []
    for buyer, accepted_on in (
        (late_buyer, datetime(2026, 1, 1, tzinfo=UTC)),  # net 30: due 31 Jan
        (late_buyer, datetime(2026, 3, 1, tzinfo=UTC)),  # due 31 Mar
        (new_buyer, datetime(2026, 3, 1, tzinfo=UTC)),  # net 15: due 16 Mar
    ):
        order = await agreed_order(system, supplier, buyer)
        await accept(system, order, at=accepted_on)
        orders.append(order)
    for order in orders:
        await invoice_of(client, order)
    answer = await client.get(
        "/api/v1/receivables", params={"supplier_id": str(supplier), "as_of": "2026-03-25"}
    )
    assert answer.status_code == 200
    rows = {row["buyer_id"]: row for row in answer.json()["buyers"]}
    assert rows[str(late_buyer)] == {
        "buyer_id": str(late_buyer),
        "currency": "EUR",
        "open": eur("40.00"),
        "current": eur("20.00"),
        "days_1_30": eur("0"),
        "days_31_60": eur("20.00"),
        "days_60_plus": eur("0"),
    }
    assert rows[str(new_buyer)]["days_1_30"] == eur("20.00")
    overdue = await client.get(
        "/api/v1/invoices",
        params={"supplier_id": str(supplier), "status": "overdue", "as_of": "2026-03-25"},
    )
    assert {row["due_on"] for row in overdue.json()} == {"2026-01-31", "2026-03-16"}
    assert date.fromisoformat(overdue.json()[0]["due_on"]) < date(2026, 3, 25)
    missing = await client.get("/api/v1/receivables")
    assert missing.json()["errors"][0]["field"] == "supplier_id"
