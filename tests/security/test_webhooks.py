"""Partner access: API keys (hashed at rest), inbound Standard Webhooks (forged, stale and
replayed messages refused, retries answered as before), outbound webhooks from an outbox with
retries and backoff."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from shared.service.auth.actor import Actor
from shared.service.auth.destinations import IPAddress
from shared.service.auth.identity import api_keys
from shared.service.auth.outbox import Backoff, WebhookOutbox
from shared.service.auth.signatures import sign, signed_headers, verify
from tests.helpers import eventually

SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_signature_matches_the_standard_webhooks_example() -> None:
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(SPEC_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


async def partner_key(
    client: httpx.AsyncClient, ops: dict[str, str], warehouse: str
) -> dict[str, str]:
    body = {"role": "warehouse", "party": warehouse, "name": "dock system"}
    response = await client.post("/api/v1/api-keys", json=body, headers=ops)
    assert response.status_code == 201, response.text
    issued: dict[str, str] = response.json()
    return issued


async def test_api_keys_authenticate_are_stored_hashed_and_can_be_revoked(
    app: FastAPI, client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    warehouse = str(uuid.uuid4())
    issued = await partner_key(client, as_actor("operations:test"), warehouse)
    me = await client.get("/api/v1/auth/me", headers={"X-API-Key": issued["api_key"]})
    assert me.json() == {
        "role": "warehouse", "party": warehouse, "via": "api_key", "subject": issued["key_id"]
    }  # fmt: skip
    async with app.state.security.engine.connect() as conn:
        stored = (await conn.execute(select(api_keys.c.key_hash))).scalars().all()
    assert issued["api_key"] not in stored
    assert all(len(h) == 64 for h in stored)
    revoked = await client.delete(
        f"/api/v1/api-keys/{issued['key_id']}", headers=as_actor("operations:test")
    )
    assert revoked.status_code == 204
    again = await client.get("/api/v1/auth/me", headers={"X-API-Key": issued["api_key"]})
    assert again.status_code == 401


async def test_signed_webhooks_are_verified_and_forgeries_refused(
    client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    warehouse = str(uuid.uuid4())
    issued = await partner_key(client, as_actor("operations:test"), warehouse)
    body = json.dumps(
        {"warehouse_id": warehouse, "sku": "BOLT-1", "quantity": 5, "reference": "r"}
    ).encode()

    async def send(headers: dict[str, str], path: str = "/api/v1/stock/receipts") -> httpx.Response:
        sent = {"content-type": "application/json", "webhook-key-id": issued["key_id"], **headers}
        return await client.post(path, content=body, headers=sent)

    secret = issued["signing_secret"]
    first = await send(signed_headers(secret, "msg_1", body))
    assert first.status_code not in (401, 403, 409), first.text  # verified: reaches the service
    forged = signed_headers("whsec_" + "QUJD" * 8, "msg_2", body)
    assert (await send(forged)).status_code == 401
    tampered = {**signed_headers(secret, "msg_3", body), "webhook-id": "msg_4"}
    assert (await send(tampered)).status_code == 401
    stale = signed_headers(secret, "msg_5", body, datetime.now(UTC) - timedelta(minutes=10))
    assert (await send(stale)).status_code == 401
    not_a_report = signed_headers(secret, "msg_6", body)
    refused = await send(not_a_report, "/api/v1/stock/adjustments")
    assert refused.status_code == 403


async def test_a_retried_webhook_gets_the_same_answer_and_acts_once(
    client: httpx.AsyncClient, as_actor: Callable[[str], dict[str, str]]
) -> None:
    """Standard Webhooks retries reuse the message id: answered as before, stock counted once;
    the id sent to another endpoint, with another body, forged or stale is still refused."""
    ops = as_actor("operations:test")
    warehouse = str(uuid.uuid4())
    registered = {
        "warehouse_id": warehouse, "supplier_id": str(uuid.uuid4()), "name": "W",
        "regions_served": ["north"], "speed_rank": 1, "lead_time_days": 1,
    }  # fmt: skip
    assert (await client.post("/api/v1/warehouses", json=registered, headers=ops)).is_success
    issued = await partner_key(client, ops, warehouse)
    secret = issued["signing_secret"]
    receipt = {"warehouse_id": warehouse, "sku": "BOLT-1", "quantity": 5, "reference": "r"}
    body = json.dumps(receipt).encode()

    async def send(
        headers: dict[str, str], path: str = "/api/v1/stock/receipts", content: bytes = body
    ) -> httpx.Response:
        sent = {"content-type": "application/json", "webhook-key-id": issued["key_id"], **headers}
        return await client.post(path, content=content, headers=sent)

    async def first_delivery() -> httpx.Response:  # inventory learns the warehouse from events
        return await send(signed_headers(secret, f"msg_{uuid.uuid4()}", body))

    await eventually(first_delivery, lambda r: r.status_code == 200, what="warehouse known")
    delivery = signed_headers(secret, "msg_retried", body)
    first = await send(delivery)
    assert first.status_code == 200, first.text
    retry = await send(signed_headers(secret, "msg_retried", body))  # re-signed, same id
    assert retry.status_code == 200, retry.text
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    elsewhere = await send(delivery, "/api/v1/returns/" + str(uuid.uuid4()) + "/received")
    assert elsewhere.status_code == 409
    assert "webhook-id" in elsewhere.text
    other = json.dumps({**receipt, "quantity": 6}).encode()
    changed = await send(signed_headers(secret, "msg_retried", other), content=other)
    assert changed.status_code == 422  # same id, another body: not a retry
    stale = signed_headers(secret, "msg_retried", body, datetime.now(UTC) - timedelta(minutes=10))
    assert (await send(stale)).status_code == 401
    forged = signed_headers("whsec_" + "QUJD" * 8, "msg_retried", body)
    assert (await send(forged)).status_code == 401
    position = first.json()["position"]
    stock = await client.get(f"/api/v1/stock/BOLT-1?min_position={position}", headers=ops)
    assert stock.json()["on_hand"] == 10  # the warm-up delivery and msg_retried, once each


async def test_outbound_webhooks_retry_with_backoff_until_delivered(app: FastAPI) -> None:
    received: list[httpx.Request] = []
    answers = iter([500, 200])

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(next(answers))

    engine = app.state.security.engine
    client = httpx.AsyncClient(transport=httpx.MockTransport(receiver))

    async def public(host: str, port: int) -> list[IPAddress]:
        return [ip_address("93.184.215.14")]  # a stub: nothing is looked up or sent there

    outbox = WebhookOutbox(engine, client, Backoff(base=30), resolver=public)
    carrier = str(uuid.uuid4())
    subscription = await outbox.subscribe(
        Actor("carrier", carrier), "https://partner.example/hook", ("Shipped",)
    )
    event = {"shipment_id": str(uuid.uuid4()), "carrier_id": carrier}
    assert await outbox.enqueue("e1", "Shipped", "2026-01-01T00:00:00+00:00", event) == 1
    assert await outbox.enqueue("e1", "Shipped", "2026-01-01T00:00:00+00:00", event) == 1
    assert await outbox.enqueue("e2", "Delivered", "2026-01-01T00:00:00+00:00", event) == 0
    now = datetime.now(UTC)
    assert await outbox.dispatch_due(now) == 0
    assert await outbox.dispatch_due(now + timedelta(seconds=10)) == 0  # backing off
    assert await outbox.dispatch_due(now + timedelta(seconds=31)) == 1
    assert len(received) == 2
    last = received[-1]
    assert verify(subscription.secret, last.headers, last.content, now + timedelta(seconds=31))
    assert json.loads(last.content)["type"] == "Shipped"
    [row] = await outbox.pending()
    assert row["attempts"] == 2
    assert row["delivered_at"] is not None
    await client.aclose()
