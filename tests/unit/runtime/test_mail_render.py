"""Every kind of mail renders in every language, for every recipient, as HTML and text."""

from __future__ import annotations

import re
from typing import Any

import pytest

from runtime.notifications.kinds import KINDS
from runtime.notifications.render import render, short

ORDER_ID = "1f3a9c02-0000-4000-8000-000000000001"
DATA: dict[str, Any] = {
    "order_id": ORDER_ID,
    "invoice_id": "a7b8c9d0-0000-4000-8000-000000000002",
    "lines": [
        {"line_no": 1, "sku": "HIS-0001", "quantity": 12},
        {"line_no": 2, "sku": "HIS-0002", "quantity": 3},
    ],
    "total": {"amount": "1234.50", "currency": "USD"},
    "delivery_date": "2027-02-04",
    "tracking_number": "BL-778812",
    "eta": "2027-02-05T09:30:00+00:00",
    "reason": "typhoon closed the port",
    "new_eta": "2027-02-07T09:30:00+00:00",
    "delivered_at": "2027-02-06T02:00:00+00:00",
    "due_on": "2027-03-01",
    "code": "limit_exceeded",
    "figures": {
        "requested": {"amount": "1234.50", "currency": "USD"},
        "reserved": {"amount": "4000.00", "currency": "USD"},
        "invoiced_unpaid": {"amount": "500.00", "currency": "USD"},
        "limit": {"amount": "5000.00", "currency": "USD"},
        "available": {"amount": "500.00", "currency": "USD"},
    },
}
VALUES = {
    "recipient": "Lotus & Sons <Hardware>",
    "buyer": "Lotus & Sons <Hardware>",
    "supplier": "Harbor Industrial Supply",
    "order": short(ORDER_ID),
    "order_id": ORDER_ID,
    "invoice": short(DATA["invoice_id"]),
    "data": DATA,
    "link": f"http://127.0.0.1:8000/portal/orders/{ORDER_ID}",
}
CASES = [(k.name, role) for k in KINDS for role in k.recipients]


@pytest.mark.parametrize(("kind", "role"), CASES)
@pytest.mark.parametrize("tag", ["zh-Hant", "zh-Hans", "en"])
def test_every_mail_renders(kind: str, role: str, tag: str) -> None:
    mail = render(kind, role, tag, VALUES)
    assert mail.language == tag
    assert "1F3A9C02" in mail.subject or "A7B8C9D0" in mail.subject
    for body in (mail.text, mail.html):
        assert not re.search(r"%\(\w+\)s|\{\{|\{%", body), body
        assert VALUES["link"] in body
    assert "Lotus & Sons <Hardware>" in mail.text
    assert "Lotus &amp; Sons &lt;Hardware&gt;" in mail.html, "names are escaped in HTML"
    assert "<Hardware>" not in mail.html


def test_the_language_shows_in_words_dates_and_amounts() -> None:
    english = render("order_confirmed", "buyer", "en", VALUES)
    taiwan = render("order_confirmed", "buyer", "zh-Hant", VALUES)
    china = render("order_confirmed", "buyer", "zh-Hans", VALUES)
    assert english.subject == "Order 1F3A9C02 confirmed"
    assert taiwan.subject == "訂單 1F3A9C02 已確認"
    assert china.subject == "订单 1F3A9C02 已确认"
    assert "Harbor Industrial Supply confirmed your order 1F3A9C02." in english.text
    assert "已確認您的訂單 1F3A9C02" in taiwan.text
    assert "$1,234.50" in english.text
    assert "2027年2月4日" in taiwan.text
    assert "Feb 4, 2027" in english.text


def test_an_unknown_language_falls_back_to_traditional_chinese() -> None:
    assert render("order_placed", "buyer", "fr", VALUES).language == "zh-Hant"
    assert render("order_placed", "buyer", None, VALUES).language == "zh-Hant"
