"""An order over the buyer's credit is held before it reaches the supplier: the buyer sees why,
the supplier finds it in its work queue, releases it with a reason and confirms it; the buyer's
open page follows. In English on a desktop and in Traditional Chinese on a phone, with
screenshots of each (kept under ``B2B_SHOTS`` when set, else the test's temporary folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from runtime.demo_data import CURRENCY, build_world
from tests.e2e.server import DEMO_PASSWORD, Login, Server

pytestmark = pytest.mark.browser

SUPPLIER = "supplier-01"
SUPPLIER_NAME = "Harbor Industrial Supply"  # confirms by hand


def tight_credit(server: Server, buyer_number: int) -> None:
    """The supplier lets this buyer owe it almost nothing (over the API, as its systems would)."""
    world = build_world()
    supplier = next(s for s in world.suppliers if s.name == SUPPLIER_NAME)
    buyer = world.buyers[buyer_number - 1]
    with httpx.Client(base_url=server.url, timeout=20) as api:
        token = api.post(
            "/api/v1/auth/token", data={"username": SUPPLIER, "password": DEMO_PASSWORD}
        ).json()["access_token"]
        answer = api.put(
            f"/api/v1/credit-limits/{supplier.supplier_id}/{buyer.buyer_id}",
            json={"limit": {"amount": "1.00", "currency": CURRENCY}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text


def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("B2B_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def order_over_credit(buyer: Page, supplier_label: str, search: str, add: str, place: str) -> str:
    buyer.goto("/portal/catalog")
    buyer.locator("#supplier_id").select_option(label=supplier_label)
    buyer.locator("#q").fill(search)
    first = buyer.locator("#results .product").first
    expect(first).to_be_visible()
    first.get_by_role("button", name=add).click()
    expect(buyer.locator("#cart-count")).not_to_have_text("0")
    buyer.goto("/portal/cart")
    buyer.get_by_role("button", name=place).click()
    buyer.wait_for_url(re.compile(r"/portal/orders/[0-9a-f-]{36}"))
    found = re.search(r"/portal/orders/([0-9a-f-]{36})", buyer.url)
    assert found is not None
    return found.group(1)


def test_a_held_order_is_released_by_the_supplier_and_confirmed(
    login: Login, server: Server, tmp_path: Path, console_errors: list[str]
) -> None:
    folder = shots(tmp_path) / "en"
    folder.mkdir(exist_ok=True)
    tight_credit(server, 7)
    buyer = login("buyer-07")
    order_id = order_over_credit(buyer, SUPPLIER_NAME, "bolt", "Add to cart", "Place order")
    expect(buyer.locator("#order-status")).to_contain_text("On hold", timeout=30_000)
    held = buyer.get_by_role("status").filter(has_text="Held")
    expect(held).to_contain_text("more than the credit still available")
    expect(held).to_contain_text("Credit limit")
    expect(buyer.get_by_role("button", name="Release order")).to_have_count(0)
    buyer.screenshot(path=str(folder / "buyer-order-held.png"), full_page=True)

    supplier = login(SUPPLIER)
    supplier.goto("/portal/supplier/queue")
    item = supplier.locator(f'[data-order="{order_id}"]')
    expect(item).to_contain_text("On hold")
    expect(item.get_by_role("button", name=re.compile("Confirm"))).to_have_count(0)
    item.get_by_role("link", name="Review").click()
    expect(supplier.get_by_role("button", name="Confirm order")).to_have_count(0)
    supplier.screenshot(path=str(folder / "supplier-order-held.png"), full_page=True)
    supplier.get_by_label("Reason for releasing").fill("Long-standing customer; paying Friday")
    supplier.get_by_role("button", name="Release order").click()
    expect(supplier.locator("#order-status")).to_contain_text("Awaiting confirmation")
    supplier.get_by_role("button", name="Confirm order").click()
    expect(supplier.locator("#order-status")).to_contain_text("Confirmed")

    # The buyer's page is still open: it follows by itself, and the timeline tells the story.
    expect(buyer.locator("#order-status")).to_contain_text("Confirmed", timeout=30_000)
    expect(buyer.locator("body")).to_contain_text("Long-standing customer; paying Friday")
    buyer.screenshot(path=str(folder / "buyer-order-released.png"), full_page=True)
    assert console_errors == []


def test_a_held_order_reads_well_in_traditional_chinese_on_a_phone(
    login: Login, server: Server, tmp_path: Path, console_errors: list[str]
) -> None:
    folder = shots(tmp_path) / "zh-Hant"
    folder.mkdir(exist_ok=True)
    tight_credit(server, 8)
    buyer = login("buyer-08", phone=True, locale="zh-TW")
    order_over_credit(buyer, SUPPLIER_NAME, "螺栓", "加入購物車", "送出訂單")
    expect(buyer.locator("#order-status")).to_contain_text("暫停中", timeout=30_000)
    expect(buyer.locator("body")).to_contain_text("信用額度不足")
    expect(buyer.locator("body")).to_contain_text("超過信用額度")
    buyer.screenshot(path=str(folder / "phone-order-held.png"), full_page=True)
    supplier = login(SUPPLIER, locale="zh-TW")
    supplier.goto("/portal/supplier/queue")
    expect(supplier.locator(".queue")).to_contain_text("暫停中")
    supplier.screenshot(path=str(folder / "supplier-queue-held.png"), full_page=True)
    assert console_errors == []
