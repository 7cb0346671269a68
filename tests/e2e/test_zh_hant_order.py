"""A buyer and a supplier whose browsers ask for Traditional Chinese log in through the styled
log-in page and carry an order from the cart to completed, without a single console error; the
language switcher turns the same page into Simplified Chinese and English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.server import Login

pytestmark = pytest.mark.browser

TAIWAN = "zh-TW"
SUPPLIER_NAME = "Harbor Industrial Supply"


def test_the_login_page_is_styled_and_offers_the_demo_accounts(login: Login) -> None:
    page = login("buyer-01", locale=TAIWAN)
    page.context.clear_cookies()
    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", name="登入")).to_be_visible()
    card = page.locator(".login-card")
    assert card.evaluate("e => getComputedStyle(e).boxShadow") != "none"
    field = page.get_by_label("帳號", exact=True)
    password = page.get_by_label("密碼", exact=True)
    assert password.evaluate("e => getComputedStyle(e).borderRadius") == "8px"
    assert password.evaluate("e => getComputedStyle(e).minHeight") == "44px"
    page.get_by_role("button", name="buyer-01").click()  # a demo account fills the form
    expect(field).to_have_value("buyer-01")


def place_order(buyer: Page) -> str:
    buyer.goto("/portal/catalog")
    expect(buyer.get_by_role("heading", name="商品目錄")).to_be_visible()
    buyer.get_by_label("供應商").select_option(label=SUPPLIER_NAME)
    buyer.get_by_label("搜尋商品").fill("螺栓")
    first = buyer.locator("#results .product").first
    expect(first).to_contain_text("六角螺栓")
    expect(first.locator(".price")).to_contain_text("US$")
    first.get_by_role("button", name="加入購物車").click()
    expect(buyer.locator("#toasts")).to_contain_text("加入購物車")
    buyer.goto("/portal/cart")
    buyer.get_by_label("優惠碼").fill("WELCOME10")
    buyer.get_by_role("button", name="重新計價").click()
    expect(buyer.locator(".discounts").first).to_contain_text("WELCOME10")
    expect(buyer.get_by_role("button", name=re.compile("^移除"))).to_be_visible()
    buyer.get_by_role("button", name="送出訂單").click()
    buyer.wait_for_url(re.compile(r"/portal/orders/[0-9a-f-]{36}"))
    expect(buyer.locator("#order-status")).to_contain_text("待供應商確認")
    found = re.search(r"/portal/orders/([0-9a-f-]{36})", buyer.url)
    assert found is not None
    return found.group(1)


def test_an_order_goes_from_cart_to_completed_in_traditional_chinese(
    login: Login, console_errors: list[str]
) -> None:
    buyer = login("buyer-01", locale=TAIWAN)
    order_id = place_order(buyer)

    supplier = login("supplier-01", locale=TAIWAN)
    supplier.goto("/portal/supplier/queue")
    supplier.locator(f'[data-order="{order_id}"]').get_by_role("link", name="檢視").click()
    supplier.get_by_role("button", name="確認訂單").click()
    expect(supplier.locator("#order-status")).to_contain_text("已確認")
    supplier.get_by_role("button", name="交付物流商").click()
    expect(supplier.locator(".alert-ok")).to_contain_text("已出貨")
    assert "已出貨" in supplier.locator("#order-status").inner_text()
    supplier.get_by_role("button", name="記錄送達").click()
    # The page the action leads to (its notice shows, a live refresh would drop it) already
    # agrees in its header and its shipment card: it is read, not polled, here.
    expect(supplier.locator(".alert-ok")).to_contain_text("已記錄送達")
    assert "已送達" in supplier.locator("#order-status").inner_text()
    assert "已送達" in supplier.locator(".shipment .badge").first.inner_text()
    timeline = supplier.locator(".timeline")
    expect(timeline).to_contain_text("已安排由Keelung DC出貨")
    expect(timeline).not_to_contain_text(re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-"))

    buyer.get_by_label("拒收數量").first.fill("0")
    buyer.get_by_role("button", name="送出驗收結果").click()
    buyer.get_by_role("button", name=re.compile(r"^支付 US\$")).click()
    expect(buyer.locator(".invoice .badge").first).to_contain_text("已結清")
    expect(buyer.locator("#order-status")).to_contain_text("已完成", timeout=30_000)
    expect(buyer.locator(".t-meta time").first).to_contain_text("GMT+08:00")
    assert console_errors == []


def test_the_switcher_changes_the_language_and_keeps_the_page(login: Login) -> None:
    page = login("buyer-02", locale=TAIWAN)
    page.goto("/portal/orders")
    expect(page.get_by_role("heading", name="我的訂單")).to_be_visible()
    page.get_by_role("navigation", name="語言").get_by_role("link", name="简体中文").click()
    page.wait_for_url("**/portal/orders")
    expect(page.get_by_role("heading", name="我的订单")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
