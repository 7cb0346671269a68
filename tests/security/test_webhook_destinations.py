"""Webhook destinations over HTTP (SSRF): a partner cannot make the server call loopback, private
or metadata addresses, neither when subscribing nor when a name later resolves elsewhere. Names
are answered by a stubbed resolver; the only socket ever opened is a receiver on 127.0.0.1."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address

import httpx
import pytest
from fastapi import FastAPI

from runtime.app import app_for
from runtime.embedded import EmbeddedSystem
from shared.service.auth.actor import Actor
from shared.service.auth.destinations import IPAddress
from shared.service.auth.egress import DeliveryLimits
from shared.service.auth.outbox import Backoff, WebhookOutbox
from tests.security.conftest import test_settings
from tests.security.receiver import receiver

PUBLIC = "93.184.215.14"
"""A public address the stub hands out; nothing is ever sent to it (see the tests' flow)."""


class StubResolver:
    """Names → addresses, changeable between calls (DNS rebinding); counts lookups."""

    def __init__(self, **names: str) -> None:
        self.names = {k.replace("_", "."): v for k, v in names.items()}
        self.lookups: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.lookups.append(host)
        return [ip_address(a) for a in self.names.get(host, "").split(",") if a]


@pytest.fixture
async def http_app(system: EmbeddedSystem) -> AsyncIterator[FastAPI]:
    """Plain http allowed, so a refusal below is for the address, not the scheme."""
    built = app_for(system, test_settings(webhook_allow_http="true"))
    try:
        yield built
    finally:
        await built.state.security.close()


@pytest.fixture
async def http_client(http_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=http_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def carrier_headers(app: FastAPI, carrier: str) -> dict[str, str]:
    token = app.state.security.tokens.issue(Actor("carrier", carrier))
    return {"Authorization": f"Bearer {token}"}


async def subscribe(client: httpx.AsyncClient, headers: dict[str, str], url: str) -> httpx.Response:
    body = {"url": url, "event_types": ["Shipped"]}
    return await client.post("/api/v1/webhooks/subscriptions", json=body, headers=headers)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/hook",
        "http://[::1]/hook",
        "http://localhost:{port}/hook",
        "http://LOCALHOST./hook",
        "https://127.0.0.1/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/hook",
        "http://0.0.0.0:{port}/",
        "http://2130706433/hook",
    ],
)
async def test_subscribing_an_internal_destination_is_refused_naming_the_url(
    http_app: FastAPI, http_client: httpx.AsyncClient, url: str
) -> None:
    stub = StubResolver()
    http_app.state.security.outbox.resolver = stub
    async with receiver() as partner:
        answer = await subscribe(
            http_client, carrier_headers(http_app, str(uuid.uuid4())), url.format(port=partner.port)
        )
        assert answer.status_code == 422, answer.text
        problem = answer.json()
        assert problem["field"] == "url"
        assert "refused" in problem["title"].lower()
        assert partner.received == []
    assert stub.lookups in ([], ["2130706433"])  # literals and localhost are never looked up


async def test_a_name_resolving_to_an_internal_address_is_refused(
    http_app: FastAPI, http_client: httpx.AsyncClient
) -> None:
    http_app.state.security.outbox.resolver = StubResolver(
        intranet_partner_example="10.1.2.3", mixed_partner_example=f"{PUBLIC},127.0.0.1"
    )
    headers = carrier_headers(http_app, str(uuid.uuid4()))
    for host in ("intranet.partner.example", "mixed.partner.example", "unknown.example"):
        answer = await subscribe(http_client, headers, f"https://{host}/hook")
        assert answer.status_code == 422, answer.text
        assert answer.json()["field"] == "url"
        assert host in answer.json()["detail"]


async def test_outside_development_only_https_is_accepted(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    app.state.security.outbox.resolver = StubResolver(partner_example=PUBLIC)
    headers = carrier_headers(app, str(uuid.uuid4()))
    plain = await subscribe(client, headers, "http://partner.example/hook")
    assert plain.status_code == 422
    assert "https" in plain.json()["detail"]
    secure = await subscribe(client, headers, "https://partner.example/hook")
    assert secure.status_code == 201, secure.text


async def test_a_delivery_whose_name_now_resolves_to_loopback_is_not_sent(
    http_app: FastAPI, http_client: httpx.AsyncClient
) -> None:
    """DNS rebinding: public when subscribing, loopback at send time → nothing is sent; the
    partner sees a coarse status, operations the reason."""
    stub = StubResolver(partner_example=PUBLIC)
    outbox: WebhookOutbox = http_app.state.security.outbox
    outbox.resolver = stub
    carrier = str(uuid.uuid4())
    headers = carrier_headers(http_app, carrier)
    async with receiver() as partner:
        url = f"http://partner.example:{partner.port}/hook"
        created = await subscribe(http_client, headers, url)
        assert created.status_code == 201, created.text
        stub.names["partner.example"] = "127.0.0.1"  # the partner's DNS changes its answer
        event = {"shipment_id": str(uuid.uuid4()), "carrier_id": carrier}
        assert await outbox.enqueue("e1", "Shipped", "2026-01-01T00:00:00+00:00", event) == 1
        assert await outbox.dispatch_due() == 0
        assert partner.received == []
        assert partner.connections == 0
    mine = await http_client.get("/api/v1/webhooks/deliveries", headers=headers)
    assert mine.status_code == 200
    [delivery] = mine.json()
    assert delivery["status"] == "retrying"
    assert delivery["error"] is None  # the partner does not learn why
    ops = {
        "Authorization": f"Bearer {http_app.state.security.tokens.issue(Actor('operations', 'o'))}"
    }
    [seen] = (await http_client.get("/api/v1/webhooks/deliveries", headers=ops)).json()
    assert "destination refused" in seen["error"]
    assert "127.0.0.1" in seen["error"]


@pytest.fixture
async def allowed_outbox(app: FastAPI) -> AsyncIterator[Callable[..., WebhookOutbox]]:
    """Outboxes whose policy allow-lists loopback, as an operator may for an internal partner."""
    made: list[WebhookOutbox] = []

    def build(stub: StubResolver, **limits: float) -> WebhookOutbox:
        settings = test_settings(webhook_allow_http="true", webhook_allow_networks="127.0.0.0/8")
        outbox = WebhookOutbox(
            app.state.security.engine,
            backoff=Backoff(base=30),
            policy=settings.destination_policy(),
            resolver=stub,
            limits=DeliveryLimits(**limits),  # type: ignore[arg-type]
        )
        made.append(outbox)
        return outbox

    yield build
    for outbox in made:
        await outbox.close()


async def enqueue_shipped(outbox: WebhookOutbox, carrier: str, event_id: str) -> None:
    event = {"shipment_id": str(uuid.uuid4()), "carrier_id": carrier}
    assert await outbox.enqueue(event_id, "Shipped", "2026-01-01T00:00:00+00:00", event) == 1


async def test_an_allowed_delivery_goes_to_the_checked_address_over_one_connection(
    allowed_outbox: Callable[..., WebhookOutbox],
) -> None:
    stub = StubResolver(hooks_partner_test="127.0.0.1")
    outbox = allowed_outbox(stub)
    carrier = str(uuid.uuid4())
    async with receiver() as partner:
        url = f"http://hooks.partner.test:{partner.port}/hook"
        await outbox.subscribe(Actor("carrier", carrier), url, ("Shipped",))
        for n in range(3):
            await enqueue_shipped(outbox, carrier, f"e{n}")
        assert await outbox.dispatch_due() == 3
        assert len(partner.received) == 3
        assert partner.connections == 1  # one shared client, the connection reused
        first = partner.received[0]
        assert first.request_line == "POST /hook HTTP/1.1"
        assert first.headers["host"] == f"hooks.partner.test:{partner.port}"
        assert json.loads(first.body)["type"] == "Shipped"


async def test_redirects_are_not_followed(allowed_outbox: Callable[..., WebhookOutbox]) -> None:
    outbox = allowed_outbox(StubResolver(partner_test="127.0.0.1"))
    carrier = str(uuid.uuid4())
    async with receiver() as partner:
        partner.answers = [(307, {"location": "http://169.254.169.254/latest/"}, b"")]
        await outbox.subscribe(
            Actor("carrier", carrier), f"http://partner.test:{partner.port}/h", ("Shipped",)
        )
        await enqueue_shipped(outbox, carrier, "e1")
        assert await outbox.dispatch_due() == 0
        assert len(partner.received) == 1
    [row] = await outbox.deliveries(None)
    assert "redirects are not followed" in row["error"]


async def test_a_slow_partner_times_out_and_a_large_answer_is_cut_short(
    allowed_outbox: Callable[..., WebhookOutbox],
) -> None:
    outbox = allowed_outbox(
        StubResolver(partner_test="127.0.0.1"), total_seconds=0.5, max_response_bytes=1024
    )
    carrier = str(uuid.uuid4())
    async with receiver() as partner:
        partner.answers = [(200, {}, b"x" * 1_000_000), None]
        await outbox.subscribe(
            Actor("carrier", carrier), f"http://partner.test:{partner.port}/h", ("Shipped",)
        )
        await enqueue_shipped(outbox, carrier, "big")
        assert await outbox.dispatch_due() == 1  # a 2xx arrived; the rest was not read
        await enqueue_shipped(outbox, carrier, "slow")
        started = datetime.now(UTC)
        assert await outbox.dispatch_due() == 0
        assert datetime.now(UTC) - started < timedelta(seconds=3)
    errors = {row["status"]: row["error"] for row in await outbox.deliveries(None)}
    assert errors["retrying"] == "no answer in time"
