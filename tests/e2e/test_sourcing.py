"""Sourcing in the browser: a buyer asks two suppliers for prices, both quote, the buyer compares
and splits the award line by line, and each supplier finds its order at the quoted prices."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import Login
from tests.e2e.settle import settle
from tests.e2e.sourcing_flow import (
    HARBOR,
    HARBOR_QUOTE,
    JADE,
    JADE_QUOTE,
    answer,
    compare,
    issue_rfq,
    split_award,
)

pytestmark = pytest.mark.browser

BUYER, HARBOR_USER, JADE_USER = "buyer-01", "supplier-01", "supplier-02"


def test_an_rfq_quoted_by_two_suppliers_is_split_into_two_orders_at_the_quoted_prices(
    login: Login,
) -> None:
    buyer = login(BUYER)
    rfq_id = issue_rfq(buyer, "Year-end gifts and gloves")
    harbor, jade = login(HARBOR_USER), login(JADE_USER)
    # Harbor quotes both lines (gifts dearer than Jade's), Jade only the gifts.
    answer(harbor, rfq_id, HARBOR_QUOTE)
    answer(jade, rfq_id, JADE_QUOTE)

    compare(buyer, rfq_id)
    gifts, gloves = buyer.locator(".compare-line").nth(0), buyer.locator(".compare-line").nth(1)
    expect(gifts.locator("tbody tr")).to_have_count(2)  # both suppliers quoted the gifts
    expect(gloves.locator("tbody tr")).to_have_count(1)  # only Harbor the gloves
    expect(gifts.locator(f'tr:has-text("{JADE}") .best').first).to_be_visible()

    orders = split_award(buyer)
    assert len(set(orders)) == 2

    # Each supplier's order carries its own lines at its quoted unit prices.
    for page, name, quote in ((harbor, HARBOR, HARBOR_QUOTE[1:]), (jade, JADE, JADE_QUOTE)):
        found = [o for o in orders if _opens(page, o)]
        assert len(found) == 1, f"{name} sees exactly one of the awarded orders"
        page.goto(f"/portal/orders/{found[0]}")
        settle(page)
        for line in quote:
            expect(page.locator("main")).to_contain_text(line.sku)
            expect(page.locator("main")).to_contain_text(line.price)


def test_another_buyer_cannot_open_the_rfq(
    login: Login,
) -> None:
    buyer = login(BUYER)
    rfq_id = issue_rfq(buyer, "Only for the invited")
    other_buyer = login("buyer-02")
    response = other_buyer.goto(f"/portal/rfqs/{rfq_id}")
    assert response is not None
    assert response.status == 404


def _opens(page: Page, order_id: str) -> bool:
    """Whether this supplier may open the order (one of theirs)."""
    response = page.goto(f"/portal/orders/{order_id}")
    return response is not None and response.status == 200
