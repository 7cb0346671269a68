"""E-mail notifications end to end: an order's mails reach a real SMTP server (aiosmtpd) in the
parties' languages, once each, also after its events are delivered again; so does an RFQ's mail
to each invited supplier; preferences switch kinds off; a refusing server is retried with
backoff."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from babel.dates import format_date

from runtime.app import app_for
from runtime.demo import seed
from runtime.demo_data import CURRENCY, Supplier, build_world
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
from tests.actor_client import HeaderActors
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
    return [m for m in inbox.messages if order_id.replace("-", "")[-8:].upper() in m["Subject"]]


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
    stored = {(r["kind"], r["to_address"]): r["subject"] for r in rows}
    assert stored[("order_placed", buyer.contact_email)] == expected  # as the recipient reads it
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


DEADLINE = datetime.now(UTC).replace(hour=13, minute=7, second=0, microsecond=0) + timedelta(20)
"""21:07 in Taipei and Shanghai, where the demo suppliers' languages put them."""


async def issue_rfq(client: httpx.AsyncClient, suppliers: list[Supplier]) -> str:
    buyer = WORLD.buyers[0]
    body = {
        "buyer_id": str(buyer.buyer_id),
        "title": "Workshop and pantry supplies",
        "currency": CURRENCY,
        "lines": [
            {"description": "Hex bolts, a year's worth", "quantity": 100,
             "needed_by": (DEADLINE + timedelta(days=30)).date().isoformat()},
            {"description": "Oolong tea for the canteen", "quantity": 24},
        ],
        "suppliers": [str(s.supplier_id) for s in suppliers],
        "deadline": DEADLINE.isoformat(),
    }  # fmt: skip
    headers = {"X-Actor": f"buyer:{buyer.buyer_id}"}
    response = await client.post("/api/v1/rfqs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def settled(notifications: Notifications, rfq_id: str, count: int) -> list[dict[str, Any]]:
    """The RFQ's outbox rows once ``count`` of them are there, none of them waiting."""

    async def done() -> bool:
        rows = await notifications.store.mails(rfq_id)
        return len(rows) == count and all(r["status"] in ("sent", "skipped") for r in rows)

    await until(done, what=f"{count} mails of RFQ {rfq_id} settled")
    return await notifications.store.mails(rfq_id)


def delivered(inbox: Inbox, rows: list[dict[str, Any]]) -> list[Any]:
    """The messages of these outbox rows (an RFQ's short id is its time: RFQs issued within
    the same minute share it, so the subject does not tell them apart)."""
    ids = {r["msg_id"] for r in rows}
    return [m for m in inbox.messages if m["X-B2B-Mail-Id"] in ids]


RFQ_SUBJECTS = {
    "en": "Request for quotation {rfq} from {buyer}",
    "zh-Hant": "來自 {buyer} 的詢價單 {rfq}",
    "zh-Hans": "来自 {buyer} 的询价单 {rfq}",
}


async def test_an_rfq_mails_each_invited_supplier_once_in_its_language(
    running: tuple[httpx.AsyncClient, Notifications, str], smtp: tuple[Inbox, int]
) -> None:
    client, notifications, _order_id = running
    inbox, _port = smtp
    harbor, jade = WORLD.suppliers[0], WORLD.suppliers[1]
    assert harbor.language != jade.language
    rfq_id = await issue_rfq(client, [harbor, jade])
    rows = await settled(notifications, rfq_id, 2)
    assert {(r["party_id"], r["status"]) for r in rows} == {
        (str(harbor.supplier_id), "sent"),
        (str(jade.supplier_id), "sent"),
    }
    mails = delivered(inbox, rows)
    assert {m["X-B2B-Kind"] for m in mails} == {"rfq_received"}
    by_address = {m["To"].addresses[0].addr_spec: m for m in mails}
    assert len(mails) == 2
    assert sorted(by_address) == sorted([harbor.contact_email, jade.contact_email])
    buyer = WORLD.buyers[0].name
    for supplier in (harbor, jade):
        mail = by_address[supplier.contact_email]
        assert mail["Content-Language"] == supplier.language
        wanted = RFQ_SUBJECTS[supplier.language].format(rfq=short(rfq_id), buyer=buyer)
        assert mail["Subject"] == wanted
        text, html = text_of(mail), html_of(mail)
        assert supplier.name in text
        assert "Workshop and pantry supplies" in text
        assert "Oolong tea for the canteen" in text
        assert "Oolong tea for the canteen" in html
        assert "GMT+08:00" in text, "the deadline in local time with its offset"
        assert f"/portal/rfqs/{rfq_id}" in text
        assert f"/portal/rfqs/{rfq_id}" in html
    english = text_of(by_address[jade.contact_email])
    assert f"{buyer} invites you to quote on request for quotation {short(rfq_id)}." in english
    day = format_date(DEADLINE.date(), "medium", locale="en")
    assert f"Answers due by: {day}, 9:07" in english

    before = len(inbox.messages)
    sourcing = next(d for d in notifications.dispatchers if d.source == "sourcing")
    history = [r async for batch in _batches(sourcing.feed.store) for r in batch]  # type: ignore[attr-defined]
    sourcing.positions[HANDLER] = 0  # as after a crash before the checkpoint was saved
    await sourcing.dispatch(history)
    await notifications.sender.send_due()
    assert len(await notifications.store.mails(rfq_id)) == 2, "a redelivery queues nothing"
    assert len(inbox.messages) == before


async def test_a_supplier_who_switched_rfq_mail_off_gets_none(
    running: tuple[httpx.AsyncClient, Notifications, str], smtp: tuple[Inbox, int]
) -> None:
    client, notifications, _order_id = running
    inbox, _port = smtp
    harbor, jade = WORLD.suppliers[0], WORLD.suppliers[1]
    as_jade = {"X-Actor": f"supplier:{jade.supplier_id}"}
    found = await client.get("/api/v1/notification-preferences", headers=as_jade)
    assert {"kind": "rfq_received", "label": "A buyer invites you to quote", "enabled": True} in (
        found.json()["kinds"]
    )
    off = {"kinds": {"rfq_received": False}}
    changed = await client.put("/api/v1/notification-preferences", json=off, headers=as_jade)
    assert changed.status_code == 200, changed.text
    try:
        rfq_id = await issue_rfq(client, [harbor, jade])
        found = await settled(notifications, rfq_id, 2)
        rows = {r["party_id"]: r for r in found}
        assert rows[str(harbor.supplier_id)]["status"] == "sent"
        skipped = rows[str(jade.supplier_id)]
        assert (skipped["status"], skipped["last_error"]) == ("skipped", "switched off")
        mails = delivered(inbox, found)
        assert [m["To"].addresses[0].addr_spec for m in mails] == [harbor.contact_email]
    finally:
        on = {"kinds": {"rfq_received": True}}
        await client.put("/api/v1/notification-preferences", json=on, headers=as_jade)


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


async def test_an_outbox_of_an_earlier_version_gains_the_recipient_column(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "notifications.db") as earlier:
        earlier.execute(
            "CREATE TABLE mail_outbox (msg_id VARCHAR(36) PRIMARY KEY, kind VARCHAR(40) NOT NULL,"
            " role VARCHAR(16) NOT NULL, order_id VARCHAR(36) NOT NULL,"
            " event_id VARCHAR(36) NOT NULL, data TEXT NOT NULL, status VARCHAR(16) NOT NULL,"
            " attempts INTEGER NOT NULL, created_at DATETIME NOT NULL,"
            " next_attempt_at DATETIME NOT NULL, sent_at DATETIME, to_address VARCHAR(254),"
            " subject VARCHAR(500), last_error VARCHAR(500))"
        )
    notifications = Notifications(tmp_path, SmtpTransport("127.0.0.1", 9))
    try:
        store = await notifications.ready()
        rfq_id, supplier = str(uuid.uuid4()), str(uuid.uuid4())
        assert await store.enqueue("rfq_received", "supplier", rfq_id, "e", {}, party_id=supplier)
        assert [r["party_id"] for r in await store.mails(rfq_id)] == [supplier]
    finally:
        await notifications.close()
