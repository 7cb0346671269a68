"""A buyer orders in one browser session, the supplier confirms in another, and the buyer's
open order page shows the confirmation; on a desktop and at a phone viewport. A foreign buyer
cannot open the order."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import Login

pytestmark = pytest.mark.browser

BUYER, FOREIGN_BUYER, SUPPLIER = "buyer-01", "buyer-02", "supplier-01"
SUPPLIER_NAME = "Harbor Industrial Supply"  # confirms by hand (no auto-confirm rule)


def place_order(buyer: Page, search: str) -> str:
    """Find a product of the supplier, put it in the cart with a coupon, place the order."""
    buyer.goto("/portal/catalog")
    buyer.get_by_label("Supplier").select_option(label=SUPPLIER_NAME)
    buyer.get_by_label("Search products").fill(search)
    first = buyer.locator("#results .product").first
    expect(first).to_contain_text(re.compile(search, re.IGNORECASE))
    expect(first.locator(".stock")).to_contain_text("available")
    first.get_by_role("button", name="Add to cart").click()
    expect(buyer.locator("#toasts")).to_contain_text("to your cart")
    expect(buyer.locator("#cart-count")).not_to_have_text("0")
    buyer.goto("/portal/cart")
    buyer.get_by_label("Coupon").fill("WELCOME10")
    buyer.get_by_role("button", name="Update prices").click()
    expect(buyer.locator(".discounts").first).to_contain_text("WELCOME10")
    expect(buyer.get_by_test_id("cart-total")).to_contain_text("$")
    buyer.get_by_role("button", name="Place order").click()
    buyer.wait_for_url(re.compile(r"/portal/orders/[0-9a-f-]{36}"))
    expect(buyer.locator("#order-status")).to_contain_text("Awaiting confirmation")
    found = re.search(r"/portal/orders/([0-9a-f-]{36})", buyer.url)
    assert found is not None
    return found.group(1)


def confirm(supplier: Page, order_id: str) -> None:
    """The supplier finds the order in its work queue and confirms it."""
    supplier.goto("/portal/supplier/queue")
    item = supplier.locator(f'[data-order="{order_id}"]')
    expect(item).to_be_visible()
    item.get_by_role("link", name="Review").click()
    supplier.get_by_role("button", name="Confirm order").click()
    expect(supplier.locator("#order-status")).to_contain_text("Confirmed")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_buyer_sees_the_order_confirmed_after_the_supplier_confirms(
    login: Login, phone: bool
) -> None:
    buyer = login(BUYER, phone=phone)
    order_id = place_order(buyer, "bolt" if not phone else "nut")
    supplier = login(SUPPLIER, phone=phone)
    confirm(supplier, order_id)
    # The buyer's page is still open: it notices the change by itself.
    expect(buyer.locator("#order-status")).to_contain_text("Confirmed", timeout=30_000)
    expect(buyer.get_by_role("list", name="Progress")).to_be_visible()


def test_a_foreign_buyer_cannot_open_the_order(login: Login) -> None:
    buyer = login(BUYER)
    order_id = place_order(buyer, "washer")
    stranger = login(FOREIGN_BUYER)
    response = stranger.goto(f"/portal/orders/{order_id}")
    assert response is not None
    assert response.status == 404
    expect(stranger.get_by_role("heading", name="We could not find that order")).to_be_visible()


def test_an_order_goes_from_cart_to_completed_in_the_browser(login: Login) -> None:
    buyer = login(BUYER)
    order_id = place_order(buyer, "pliers")
    supplier = login(SUPPLIER)
    confirm(supplier, order_id)
    # Shipments are planned after the confirmation; the open page refreshes when they appear.
    supplier.get_by_role("button", name="Hand to carrier").click()
    expect(supplier.locator(".shipment").first).to_contain_text("Tracking")
    supplier.get_by_role("button", name="Record delivery").click()
    expect(supplier.locator(".shipment .badge").first).to_contain_text("Delivered")

    buyer.get_by_label("Units rejected").first.fill("0")
    buyer.get_by_role("button", name="Record inspection").click()
    buyer.get_by_role("button", name=re.compile(r"^Pay \$")).click()
    expect(buyer.locator(".invoice .badge").first).to_contain_text("Settled")
    expect(buyer.locator("#order-status")).to_contain_text("Completed", timeout=30_000)


def test_the_cart_says_why_it_cannot_be_priced(login: Login) -> None:
    buyer = login(FOREIGN_BUYER)
    buyer.goto("/portal/catalog?q=gloves")
    buyer.locator("#results .product").first.get_by_role("button", name="Add to cart").click()
    expect(buyer.locator("#toasts")).to_contain_text("to your cart")
    buyer.goto("/portal/cart")
    buyer.get_by_label("Coupon").fill("NOSUCHCOUPON")
    buyer.get_by_role("button", name="Update prices").click()
    expect(buyer.get_by_role("alert")).to_contain_text(re.compile("coupon", re.IGNORECASE))
    expect(buyer.get_by_role("button", name="Place order")).to_be_disabled()
