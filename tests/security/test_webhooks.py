"""Partner access: API keys (hashed at rest), inbound Standard Webhooks (forged, stale and
replayed messages refused), outbound webhooks from an outbox with retries and backoff."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from shared.service.auth.actor import Actor
from shared.service.auth.identity import api_keys
from shared.service.auth.outbox import Backoff, WebhookOutbox
from shared.service.auth.signatures import sign, signed_headers, verify

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


async def test_signed_webhooks_are_accepted_once_and_forgeries_refused(
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
    good = signed_headers(secret, "msg_1", body)
    first = await send(good)
    assert first.status_code not in (401, 403, 409), first.text  # verified: reaches the service
    replay = await send(good)
    assert replay.status_code == 409
    assert "replayed" in replay.text.lower()
    forged = signed_headers("whsec_" + "QUJD" * 8, "msg_2", body)
    assert (await send(forged)).status_code == 401
    tampered = {**signed_headers(secret, "msg_3", body), "webhook-id": "msg_4"}
    assert (await send(tampered)).status_code == 401
    stale = signed_headers(secret, "msg_5", body, datetime.now(UTC) - timedelta(minutes=10))
    assert (await send(stale)).status_code == 401
    not_a_report = signed_headers(secret, "msg_6", body)
    refused = await send(not_a_report, "/api/v1/stock/adjustments")
    assert refused.status_code == 403


async def test_outbound_webhooks_retry_with_backoff_until_delivered(app: FastAPI) -> None:
    received: list[httpx.Request] = []
    answers = iter([500, 200])

    def receiver(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(next(answers))

    engine = app.state.security.engine
    client = httpx.AsyncClient(transport=httpx.MockTransport(receiver))
    outbox = WebhookOutbox(engine, client, Backoff(base=30))
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
