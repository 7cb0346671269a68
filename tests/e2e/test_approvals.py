"""A buyer company's spending rules hold a purchaser's order until one of its approvers
approves it in the portal; only then does the supplier see it in its work queue. In English on
a desktop, and declined in Traditional Chinese on a phone, with screenshots of each (kept under
``B2B_SHOTS`` when set, else the test's temporary folder)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from runtime.demo_accounts import APPROVERS, approval_buyer
from runtime.demo_data import build_world
from tests.e2e.server import Login
from tests.e2e.test_credit_hold import SUPPLIER, SUPPLIER_NAME, shots

pytestmark = pytest.mark.browser

WORLD = build_world()
PURCHASER = f"buyer-{WORLD.buyers.index(approval_buyer(WORLD)) + 1:02d}"


def order_a_power_tool(buyer: Page, search: str, add: str, place: str) -> str:
    """The purchaser orders a cordless drill (a power tool: the company's rules ask approval
    for it), once the search shows it."""
    buyer.goto("/portal/catalog")
    buyer.locator("#supplier_id").select_option(label=SUPPLIER_NAME)
    buyer.locator("#q").fill(search)
    first = buyer.locator("#results .product").first
    expect(first).to_contain_text(search)
    first.get_by_role("button", name=add).click()
    expect(buyer.locator("#cart-count")).not_to_have_text("0")
    buyer.goto("/portal/cart")
    buyer.get_by_role("button", name=place).click()
    buyer.wait_for_url(re.compile(r"/portal/orders/[0-9a-f-]{36}"))
    found = re.search(r"/portal/orders/([0-9a-f-]{36})", buyer.url)
    assert found is not None
    return found.group(1)


def test_an_approver_approves_a_purchasers_order_and_the_supplier_then_sees_it(
    login: Login, tmp_path: Path, console_errors: list[str]
) -> None:
    folder = shots(tmp_path) / "en"
    folder.mkdir(exist_ok=True)
    buyer = login(PURCHASER)
    order_id = order_a_power_tool(buyer, "Cordless drill", "Add to cart", "Place order")
    expect(buyer.locator("#order-status")).to_contain_text("Awaiting approval", timeout=30_000)
    panel = buyer.get_by_test_id("approval")
    expect(panel).to_contain_text("Waiting for 1 approval by your company's approvers")
    expect(panel).to_contain_text("Power tools")
    expect(panel).to_contain_text(f"placed by {PURCHASER}")
    expect(buyer.get_by_role("button", name="Approve order")).to_have_count(0)
    buyer.screenshot(path=str(folder / "purchaser-order-awaiting-approval.png"), full_page=True)

    supplier = login(SUPPLIER)
    supplier.goto("/portal/supplier/queue")
    expect(supplier.locator(f'[data-order="{order_id}"]')).to_have_count(0)

    approver = login(APPROVERS[0])
    approver.get_by_role("link", name="Approvals").click()
    row = approver.get_by_test_id("approval-row").filter(has_text=order_id[-8:].upper())
    expect(row).to_contain_text("0 of 1")
    approver.screenshot(path=str(folder / "approver-queue.png"), full_page=True)
    row.get_by_role("link", name="Review and approve").click()
    approver.get_by_label("Note").fill("Needed for the new depot")
    approver.get_by_role("button", name="Approve order").click()
    expect(approver.locator("#order-status")).to_contain_text("Awaiting confirmation")
    expect(approver.get_by_test_id("approval")).to_contain_text("Approved by the buyer's approvers")
    expect(approver.get_by_test_id("approval")).to_contain_text("Needed for the new depot")
    approver.screenshot(path=str(folder / "approver-order-approved.png"), full_page=True)

    supplier.goto("/portal/supplier/queue")
    item = supplier.locator(f'[data-order="{order_id}"]')
    expect(item).to_contain_text("Awaiting confirmation")
    item.get_by_role("link", name="Review").click()
    supplier.get_by_role("button", name="Confirm order").click()
    confirmed = re.compile("Confirmed|Awaiting prepayment")  # the company pays in advance
    expect(supplier.locator("#order-status")).to_contain_text(confirmed)

    # The purchaser's page is still open: it follows, and the timeline tells who approved.
    expect(buyer.locator("#order-status")).to_contain_text(confirmed, timeout=30_000)
    expect(buyer.locator("body")).to_contain_text(f"Approved by {APPROVERS[0]} (1 of 1)")
    assert console_errors == []


def test_an_approver_declines_in_traditional_chinese_on_a_phone(
    login: Login, tmp_path: Path, console_errors: list[str]
) -> None:
    folder = shots(tmp_path) / "zh-Hant"
    folder.mkdir(exist_ok=True)
    buyer = login(PURCHASER, locale="zh-TW")
    order_id = order_a_power_tool(buyer, "充電式起子電鑽", "加入購物車", "送出訂單")
    expect(buyer.locator("#order-status")).to_contain_text("待核准", timeout=30_000)
    approver = login(APPROVERS[1], phone=True, locale="zh-TW")
    approver.goto("/portal/approvals")
    expect(approver.locator("body")).to_contain_text("貴公司的採購規則")
    approver.screenshot(path=str(folder / "phone-approver-queue.png"), full_page=True)
    approver.goto(f"/portal/orders/{order_id}")
    expect(approver.get_by_test_id("approval")).to_contain_text("等待貴公司核准人的 1 項核准")
    approver.screenshot(path=str(folder / "phone-order-awaiting-approval.png"), full_page=True)
    approver.get_by_label("不核准的理由").fill("本季預算已用完")
    approver.get_by_role("button", name="不核准").click()
    expect(approver.locator("#order-status")).to_contain_text("已拒絕")
    expect(approver.locator("body")).to_contain_text("本季預算已用完")
    approver.screenshot(path=str(folder / "phone-order-not-approved.png"), full_page=True)
    expect(buyer.locator("#order-status")).to_contain_text("已拒絕", timeout=30_000)
    assert re.search(r"/portal/orders/", approver.url)
    assert console_errors == []
