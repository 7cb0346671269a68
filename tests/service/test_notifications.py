"""E-mail notifications end to end: an order's mails reach a real SMTP server (aiosmtpd) in the
parties' languages, once each, also after its events are delivered again; preferences switch
kinds off; a refusing server is retried with backoff."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from runtime.app import app_for
from runtime.demo import seed
from runtime.demo_data import build_world
from runtime.embedded import EmbeddedSystem
from runtime.notifications import Notifications
from runtime.notifications.feed import HANDLER
from runtime.notifications.render import short
from runtime.notifications.sender import Backoff, MailSettings
from runtime.notifications.transport import SmtpTransport
from runtime.services import ALL_SERVICES
from runtime.settings import Settings
from runtime.simulate import simulate
from shared.service.auth.dependencies import current_principal
from shared.service.auth.testing import header_principal
from tests.service.test_lifecycle import HeaderActors
from tests.smtp_server import Inbox, html_of, smtp_server, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")
WORLD = build_world(scale=0.1)
PARTIES = {str(b.buyer_id): b for b in WORLD.buyers} | {
    str(s.supplier_id): s for s in WORLD.suppliers
}


async def until(check: Any, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running(
    tmp_path_factory: pytest.TempPathFactory, smtp: tuple[Inbox, int]
) -> AsyncIterator[tuple[httpx.AsyncClient, Notifications, str]]:
    """A seeded system with one completed order whose mails went to the SMTP server."""
    _inbox, port = smtp
    system = EmbeddedSystem(tmp_path_factory.mktemp("mail"), ALL_SERVICES)
    await system.start()
    app = app_for(system, Settings(smtp_host="127.0.0.1", smtp_port=port))
    app.dependency_overrides[current_principal] = header_principal
    notifications: Notifications = app.state.notifications
    tasks = await notifications.start(system)
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            await seed(client, HeaderActors(), WORLD)
            summary = await simulate(
                client, WORLD, 1, 1, credentials=HeaderActors(), scenarios=["happy"], timeout=60
            )
            assert summary.as_dict()["unexpected"] == []
            listed = (
                await client.get("/api/v1/orders", headers={"X-Actor": "operations:t"})
            ).json()
            order_id = listed[0]["order_id"]
            yield client, notifications, order_id
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await notifications.close()
        await app.state.security.close()
        await system.stop()


def mails_of(inbox: Inbox, order_id: str) -> list[Any]:
    return [m for m in inbox.messages if order_id.replace("-", "")[:8].upper() in m["Subject"]]


async def test_an_orders_mails_arrive_once_each_in_the_parties_language(
    running: tuple[httpx.AsyncClient, Notifications, str], smtp: tuple[Inbox, int]
) -> None:
    client, notifications, order_id = running
    inbox, _port = smtp
    wanted = {"order_placed", "order_confirmed", "order_shipped", "order_delivered",
              "invoice_issued"}  # fmt: skip

    async def all_sent() -> bool:
        rows = await notifications.store.mails(order_id)
        return wanted <= {r["kind"] for r in rows} and all(r["status"] == "sent" for r in rows)

    await until(all_sent, what="every mail of the order sent")
    rows = await notifications.store.mails(order_id)
    order = await client.get(f"/api/v1/orders/{order_id}", headers={"X-Actor": "operations:t"})
    buyer, supplier = PARTIES[order.json()["buyer_id"]], PARTIES[order.json()["supplier_id"]]

    placed = [m for m in inbox.of_kind("order_placed") if short(order_id) in m["Subject"]]
    assert sorted(m["To"].addresses[0].addr_spec for m in placed) == sorted(
        [buyer.contact_email, supplier.contact_email]
    )
    to_buyer = next(m for m in placed if buyer.contact_email in m["To"])
    assert to_buyer["Content-Language"] == buyer.language
    assert to_buyer["From"] is not None
    expected = {
        "en": f"Order {short(order_id)} placed",
        "zh-Hant": f"訂單 {short(order_id)} 已下單",
        "zh-Hans": f"订单 {short(order_id)} 已下单",
    }[buyer.language]
    assert to_buyer["Subject"] == expected
    text, html = text_of(to_buyer), html_of(to_buyer)
    assert buyer.name in text
    assert f"/portal/orders/{order_id}" in text
    assert "<table" in html
    first_sku = order.json()["lines"][0]["sku"]
    assert first_sku in text
    assert first_sku in html

    invoice = [m for m in inbox.of_kind("invoice_issued") if short(order_id) in m["Subject"]]
    assert [m["To"].addresses[0].addr_spec for m in invoice] == [buyer.contact_email] * len(invoice)
    assert len(mails_of(inbox, order_id)) == len(rows), "one message per outbox row"
    assert len(set(inbox.ids())) == len(inbox.ids()), "no message twice"


async def test_a_redelivered_event_sends_nothing_again(
    running: tuple[httpx.AsyncClient, Notifications, str], smtp: tuple[Inbox, int]
) -> None:
    _client, notifications, _order_id = running
    inbox, _port = smtp
    before = len(inbox.messages)
    rows_before = len(await notifications.store.mails())
    for dispatcher in notifications.dispatchers:
        store = dispatcher.feed.store  # type: ignore[attr-defined]
        history = [r async for batch in _batches(store) for r in batch]
        dispatcher.positions[HANDLER] = 0  # as after a crash before the checkpoint was saved
        await dispatcher.dispatch(history)
    notifications.sender.wake()
    await asyncio.sleep(1.0)
    await notifications.sender.send_due()
    assert len(await notifications.store.mails()) == rows_before
    assert len(inbox.messages) == before


async def _batches(store: Any) -> AsyncIterator[list[Any]]:
    position = 0
    while True:
        batch = await store.read_all(position, 500)
        if not batch:
            return
        yield list(batch)
        position = batch[-1].position


async def test_preferences_switch_a_kind_off_for_ones_party(
    running: tuple[httpx.AsyncClient, Notifications, str],
) -> None:
    client, _notifications, _order_id = running
    buyer = {"X-Actor": f"buyer:{WORLD.buyers[0].buyer_id}"}
    found = await client.get("/api/v1/notification-preferences", headers=buyer)
    assert found.status_code == 200
    assert all(k["enabled"] for k in found.json()["kinds"])
    changed = await client.put(
        "/api/v1/notification-preferences", json={"kinds": {"order_shipped": False}}, headers=buyer
    )
    assert changed.status_code == 200, changed.text
    off = {k["kind"] for k in changed.json()["kinds"] if not k["enabled"]}
    assert off == {"order_shipped"}
    wrong = await client.put(
        "/api/v1/notification-preferences", json={"kinds": {"no_such": False}}, headers=buyer
    )
    assert wrong.status_code == 422
    assert wrong.json()["field"] == "kinds.no_such"


async def test_mail_waits_for_a_refusing_server_and_respects_preferences(
    tmp_path: Path, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    transport = SmtpTransport("127.0.0.1", port)
    settings = MailSettings(overdue_every=3600)
    notifications = Notifications(tmp_path, transport, settings, Backoff(base=0.05))
    store = await notifications.ready()
    buyer, supplier, order_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    try:
        await store.party(buyer, "buyer", "Tea Corner", "tea@corner.example", "en")
        await store.party(supplier, "supplier", "Leaf Co", "leaf@co.example", "zh-Hans")
        await store.order(order_id, buyer, supplier, None)
        data = {
            "order_id": order_id,
            "invoice_id": str(uuid.uuid4()),
            "total": {"amount": "120.00", "currency": "USD"},
            "due_on": (date.today() - timedelta(days=3)).isoformat(),
        }
        await store.invoice(data["invoice_id"], order_id, data)
        await store.set_preferences("supplier", supplier, {"invoice_overdue": False}, "t")
        inbox.refuse = 2
        before = len(inbox.messages)
        assert await notifications.sender.queue_overdue(date.today()) == 1
        assert await notifications.sender.queue_overdue(date.today()) == 0, "queued once"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            await notifications.sender.send_due(datetime.now(UTC))
            rows = await store.mails(order_id)
            if all(r["status"] in ("sent", "skipped") for r in rows):
                break
            await asyncio.sleep(0.05)
        rows = {r["role"]: r for r in await store.mails(order_id)}
        assert rows["buyer"]["status"] == "sent"
        assert rows["buyer"]["attempts"] == 3, "two refusals, then delivered"
        assert (rows["supplier"]["status"], rows["supplier"]["last_error"]) == (
            "skipped",
            "switched off",
        )
        [overdue] = inbox.messages[before:]
        assert overdue["To"].addresses[0].addr_spec == "tea@corner.example"
        assert "overdue" in overdue["Subject"]
        assert "past its due date" in text_of(overdue)
        assert inbox.refused >= 2
    finally:
        await notifications.close()
