"""A mail's bytes are composed directly, exactly as the standard library's message classes
would serialise the same mail (they are the oracle here)."""

from __future__ import annotations

from email import message_from_bytes
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.notifications.mime import POLICY, compose

BOUNDARY = "=_b2b_0190abcd-0000-7000-8000-000000000000"


def headers(name: str, subject: str) -> list[tuple[str, Any]]:
    return [
        ("From", "B2B Ordering <orders@b2b-ordering.example>"),
        ("To", formataddr((name, "buyer@example.test"), charset="utf-8")),
        ("Subject", Header(subject, "utf-8", header_name="Subject")),
        ("Date", "Tue, 08 Dec 2026 03:00:00 +0000"),
        ("Message-ID", "<0190abcd-0000-7000-8000-000000000000@b2b-ordering>"),
        ("X-B2B-Kind", "order_confirmed"),
        ("Content-Language", "zh-Hant"),
    ]


def by_the_library(header_list: list[tuple[str, Any]], text: str, html: str) -> bytes:
    message = MIMEMultipart("alternative", boundary=BOUNDARY, policy=POLICY)
    for name, value in header_list:
        message[name] = value
    message.attach(MIMEText(text, "plain", "utf-8", policy=POLICY))
    message.attach(MIMEText(html, "html", "utf-8", policy=POLICY))
    return bytes(message)


@pytest.mark.parametrize(
    ("name", "subject"),
    [
        ("台北五金行", "訂單 1F3A9C02 已確認"),
        ("Acme Hardware", "Order 1F3A9C02 confirmed"),
        ('Lotus & Sons <Hardware>, "Ltd"', "Request for quotation 5B2E7C10 from Lotus & Sons"),
        ("長" * 60, "來自 台北五金行 的詢價單 5B2E7C10 " * 6),  # folded over several lines
        ("A" * 90, "Invoice " + "X" * 120),
    ],
)
def test_a_composed_mail_is_the_librarys_bytes(name: str, subject: str) -> None:
    text = f"親愛的 {name}:\n\n您的訂單已確認。\nhttp://127.0.0.1:8000/portal/orders/x\n" * 5
    html = f"<p>{name}</p><table><tr><td>SKU-1</td><td>12.50</td></tr></table>" * 9
    composed = compose(headers(name, subject), text, html, BOUNDARY)
    assert composed == by_the_library(headers(name, subject), text, html)
    parsed = message_from_bytes(composed)
    plain, rich = parsed.get_payload()
    assert plain.get_payload(decode=True).decode() == text
    assert rich.get_payload(decode=True).decode() == html


@settings(max_examples=60, deadline=None)
@given(name=st.text(min_size=1, max_size=80), subject=st.text(min_size=1, max_size=200),
       text=st.text(max_size=500), html=st.text(max_size=500))  # fmt: skip
def test_any_text_composes_as_the_library_writes_it(
    name: str, subject: str, text: str, html: str
) -> None:
    try:
        listed = headers(name, subject)
        expected = by_the_library(listed, text, html)
    except (UnicodeError, ValueError):  # what the library refuses is not mail to compose
        return
    assert compose(headers(name, subject), text, html, BOUNDARY) == expected
