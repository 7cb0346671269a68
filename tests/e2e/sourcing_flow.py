"""The sourcing flow in the browser, step by step, as a buyer and two suppliers do it: the
browser test and `make screenshots` share it. Products and quantities come from the demo world
(Harbor Industrial Supply and Jade Mountain Foods)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from tests.e2e.settle import settle

RFQ_URL = re.compile(r"/portal/rfqs/([0-9a-f-]{36})")
HARBOR, JADE = "Harbor Industrial Supply", "Jade Mountain Foods"


@dataclass(frozen=True)
class QuoteLine:
    line: int
    sku: str
    quantity: int
    price: str
    lead_days: int


GIFTS = "Year-end gifts for 120 customers"
GLOVES = "Nitrile work gloves, size M (boxes of 100)"
HARBOR_QUOTE = (QuoteLine(1, "HIS-0034", 120, "27.50", 5), QuoteLine(2, "HIS-0049", 120, "6.90", 2))
JADE_QUOTE = (QuoteLine(1, "JMF-0014", 120, "9.80", 3),)


def issue_rfq(buyer: Page, title: str) -> str:
    """The buyer asks both demo suppliers for prices on two lines; the RFQ's id."""
    buyer.goto("/portal/rfqs/new")
    buyer.locator("#title").fill(title)
    buyer.locator("#d1").fill(GIFTS)
    buyer.locator("#q1").fill("120")
    buyer.locator("#d2").fill(GLOVES)
    buyer.locator("#q2").fill("120")
    buyer.locator("#n2").fill("2031-01-15")
    buyer.locator("#rfq-form button.primary").click()
    buyer.wait_for_url(RFQ_URL)
    found = RFQ_URL.search(buyer.url)
    assert found is not None
    return found.group(1)


def answer(supplier: Page, rfq_id: str, lines: tuple[QuoteLine, ...], charge: str = "") -> None:
    """An invited supplier finds the RFQ among its invitations and quotes ``lines``."""
    supplier.goto("/portal/rfqs")
    supplier.locator(f'[data-rfq="{rfq_id}"] a').click()
    supplier.wait_for_url(RFQ_URL)
    for line in lines:
        supplier.locator(f"#qs{line.line}").select_option(line.sku)
        supplier.locator(f"#qq{line.line}").fill(str(line.quantity))
        supplier.locator(f"#qp{line.line}").fill(line.price)
        supplier.locator(f"#ql{line.line}").fill(str(line.lead_days))
    if charge:
        supplier.locator("#delivery_charge").fill(charge)
    supplier.locator("#quote-form button[type=submit]").click()
    supplier.wait_for_url(RFQ_URL)
    expect(supplier.locator(".alert-ok")).to_be_visible()
    settle(supplier)


def compare(buyer: Page, rfq_id: str) -> None:
    buyer.goto(f"/portal/rfqs/{rfq_id}")
    expect(buyer.locator(".compare-line")).to_have_count(2)
    settle(buyer)


def split_award(buyer: Page) -> list[str]:
    """The buyer keeps the suggested winner of each line and awards; the orders' ids."""
    buyer.locator("#award-form button.primary").click()
    buyer.wait_for_url(RFQ_URL)
    links = buyer.get_by_test_id("award-order")
    expect(links).to_have_count(2)
    return [str(href).rsplit("/", 1)[-1] for href in links.evaluate_all("l => l.map(a => a.href)")]
