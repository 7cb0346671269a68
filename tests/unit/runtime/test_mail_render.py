"""Every kind of mail renders in every language, for every recipient, as HTML and text."""

from __future__ import annotations

import re
from typing import Any

import pytest

from runtime.notifications.kinds import BY_NAME, KINDS
from runtime.notifications.render import render, short

ORDER_ID = "00000001-0000-4000-8000-00001f3a9c02"
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
    "approver": "mei.approver",
    "approvers": ["mei.approver", "chen.controller"],
    "over_amount": {"amount": "1000.00", "currency": "USD"},
    "categories": ["tools"],
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
RFQ_ID = "00000003-0000-4000-8000-00005b2e7c10"
RFQ_DATA: dict[str, Any] = {
    "rfq_id": RFQ_ID,
    "buyer_id": "0c1d2e3f-0000-4000-8000-000000000004",
    "title": "Workshop & pantry <supplies>",
    "currency": "USD",
    "deadline": "2027-02-04T13:07:00+00:00",
    "lines": [
        {"line_no": 1, "description": "Hex bolts, M8", "sku": None, "quantity": 1000,
         "needed_by": "2027-03-01"},
        {"line_no": 2, "description": "Oolong tea", "sku": "JMF-0002", "quantity": 24,
         "needed_by": None},
    ],
    "suppliers": ["1a2b3c4d-0000-4000-8000-000000000005"],
    "note": "Deliver to dock 3",
}  # fmt: skip
RFQ_VALUES = {
    "recipient": VALUES["recipient"],
    "buyer": "Lotus & Sons <Hardware>",
    "rfq": short(RFQ_ID),
    "rfq_id": RFQ_ID,
    "data": RFQ_DATA,
    "link": f"http://127.0.0.1:8000/portal/rfqs/{RFQ_ID}",
}
CASES = [(k.name, role) for k in KINDS for role in k.recipients]


def values_for(kind: str) -> dict[str, Any]:
    return RFQ_VALUES if BY_NAME[kind].about == "rfq" else VALUES


@pytest.mark.parametrize(("kind", "role"), CASES)
@pytest.mark.parametrize("tag", ["zh-Hant", "zh-Hans", "en"])
def test_every_mail_renders(kind: str, role: str, tag: str) -> None:
    values = values_for(kind)
    mail = render(kind, role, tag, values)
    assert mail.language == tag
    assert any(short(i) in mail.subject for i in (ORDER_ID, DATA["invoice_id"], RFQ_ID))
    for body in (mail.text, mail.html):
        assert not re.search(r"%\(\w+\)s|\{\{|\{%", body), body
        assert values["link"] in body
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


def test_an_rfq_mail_names_the_buyer_the_deadline_in_local_time_and_the_lines() -> None:
    english = render("rfq_received", "supplier", "en", RFQ_VALUES)
    taiwan = render("rfq_received", "supplier", "zh-Hant", RFQ_VALUES)
    china = render("rfq_received", "supplier", "zh-Hans", RFQ_VALUES)
    assert english.subject == "Request for quotation 5B2E7C10 from Lotus & Sons <Hardware>"
    assert taiwan.subject == "來自 Lotus & Sons <Hardware> 的詢價單 5B2E7C10"
    assert china.subject == "来自 Lotus & Sons <Hardware> 的询价单 5B2E7C10"
    assert "invites you to quote on request for quotation 5B2E7C10" in english.text
    assert "Workshop & pantry <supplies>" in english.text
    assert "Workshop &amp; pantry &lt;supplies&gt;" in english.html
    # 13:07 UTC in the language's time zone, with its offset (CLDR puts a narrow space before PM)
    assert re.search(r"Answers due by: Feb 4, 2027, 9:07\sPM GMT\+08:00", english.text)
    assert "回覆截止時間: 2027年2月4日 晚上9:07 GMT+08:00" in taiwan.text
    assert "回复截止时间: 2027年2月4日 21:07 GMT+08:00" in china.text
    assert "1. Hex bolts, M8 x 1,000 (Needed by: Mar 1, 2027)" in english.text
    assert "2. Oolong tea (JMF-0002) x 24" in english.text
    assert '<td style="padding: 2px 16px 2px 0">JMF-0002</td>' in english.html
    assert "Deliver to dock 3" in english.text
    assert "查看詢價單" in taiwan.html
    assert "Open the order" not in english.text
