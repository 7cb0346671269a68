"""`make screenshots`: start the system, simulate some traffic for the charts, then for each
language carry one order from cart to completed in the browser and capture the main pages into
docs/screenshots/<language>/ (desktop, and the catalog and orders at phone size)."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from runtime.demo_accounts import APPROVERS, approval_buyer
from runtime.demo_data import build_world
from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, Server, running_system
from tests.e2e.settle import settle
from tests.e2e.sourcing_flow import HARBOR_QUOTE, JADE_QUOTE, answer, compare, issue_rfq

TITLES = {"zh-TW": "年終客戶禮品與工作手套", "en-US": "Year-end gifts and work gloves"}

OUT = Path("docs/screenshots")
LANGUAGES = {"zh-Hant": "zh-TW", "en": "en-US"}
"""The folder of each language's pictures, and the browser language that asks for it."""
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SUPPLIER_NAME = "Harbor Industrial Supply"
ORDER_URL = re.compile(r"/portal/orders/[0-9a-f-]{36}")
_WORLD = build_world()
PURCHASER = f"buyer-{_WORLD.buyers.index(approval_buyer(_WORLD)) + 1:02d}"


def session(
    browser: Browser, server: Server, username: str, locale: str, phone: bool = False
) -> Page:
    options = PHONE if phone else DESKTOP
    context = browser.new_context(
        base_url=server.url,
        device_scale_factor=1,
        locale=locale,
        timezone_id="Asia/Taipei",
        **options,
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.on("console", lambda m: print(f"console: {m.text}") if m.type == "error" else None)
    page.goto("/portal/")
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator(".login-card button[type=submit]").click()
    page.wait_for_url("**/portal/**")
    return page


def shot(page: Page, folder: Path, name: str, full: bool = False) -> None:
    settle(page)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / f"{name}.png"), full_page=full)
    print(f"wrote {folder / name}.png")


def add(page: Page, search: str) -> None:
    page.locator("#q").fill(search)
    page.locator("#results .product").first.wait_for()
    page.wait_for_timeout(500)  # the search swaps the results in after a short pause
    page.locator("#results .product form.add button").first.click()
    page.locator("#toasts .toast").first.wait_for()


def click_all(page: Page, selector: str) -> None:
    """Press every such button on the page, one after the other (each reloads the page)."""
    page.locator(selector).first.wait_for()
    while page.locator(selector).count():
        page.locator(selector).first.click()
        page.wait_for_load_state()


def simulate(server: Server, orders: int) -> None:
    command = [str(Path(sys.executable).parent / "b2b"), "simulate", "--url", server.url]
    # Traffic for the charts; a scenario that ends otherwise than expected is fine for pictures.
    subprocess.run([*command, "--orders", str(orders), "--concurrency", "4"], check=False)


def capture(browser: Browser, server: Server, folder: Path, locale: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    login = session(browser, server, "buyer-01", locale)
    login.context.clear_cookies()
    login.goto("/login")
    shot(login, folder, "login")

    buyer = session(browser, server, "buyer-01", locale)
    buyer.goto("/portal/catalog")
    buyer.locator("#supplier_id").select_option(label=SUPPLIER_NAME)
    add(buyer, "bolt")
    shot(buyer, folder, "buyer-catalog")
    add(buyer, "drill")
    buyer.goto("/portal/cart")
    buyer.locator("input[name^=coupon_code]").first.fill("WELCOME10")
    buyer.locator(".totals button.secondary").click()
    buyer.locator(".discounts").first.wait_for()
    shot(buyer, folder, "buyer-cart")
    buyer.locator(".totals button.primary").click()
    buyer.wait_for_url(ORDER_URL)
    order_url = buyer.url.split("?")[0]
    buyer.locator('#order-status [data-status="awaiting_confirmation"]').wait_for()

    supplier = session(browser, server, "supplier-01", locale)
    supplier.goto("/portal/supplier/queue")
    shot(supplier, folder, "supplier-queue")
    supplier.goto(order_url)
    shot(supplier, folder, "supplier-order-decision", full=True)
    supplier.locator('form[action$="/confirm"] button.primary').click()
    click_all(supplier, 'form[action$="/ship"] button')
    click_all(supplier, 'form[action$="/delivered"] button')
    shot(supplier, folder, "supplier-order-delivered", full=True)

    buyer.goto(order_url)
    click_all(buyer, "form.inspect button.primary")
    buyer.locator("button.pay").first.wait_for()
    shot(buyer, folder, "buyer-order-invoiced", full=True)
    click_all(buyer, "button.pay")
    buyer.goto(order_url)
    buyer.locator('#order-status [data-status="completed"]').wait_for(timeout=60_000)
    shot(buyer, folder, "buyer-order-completed", full=True)
    buyer.goto("/portal/orders")
    shot(buyer, folder, "buyer-orders")
    buyer.goto("/portal/invoices")
    shot(buyer, folder, "buyer-invoices")

    for path, name in [("/portal/supplier/stock", "supplier-stock"),
                       ("/portal/supplier/pricing", "supplier-pricing")]:  # fmt: skip
        supplier.goto(path)
        shot(supplier, folder, name)
    ops = session(browser, server, "ops", locale)
    shot(ops, folder, "operations")
    analyst = session(browser, server, "analyst", locale)
    analyst.wait_for_timeout(500)
    shot(analyst, folder, "analyst-dashboard", full=True)

    phone = session(browser, server, "buyer-02", locale, phone=True)
    phone.goto("/portal/catalog?q=tea")
    shot(phone, folder, "phone-catalog")
    phone.goto("/portal/cart")
    phone.goto("/portal/orders")
    shot(phone, folder, "phone-orders")


def capture_sourcing(browser: Browser, server: Server, folder: Path, locale: str) -> None:
    """An RFQ to both demo suppliers: the supplier's invitations, the buyer's comparison (desktop
    and phone) and the RFQ once awarded line by line."""
    buyer = session(browser, server, "buyer-01", locale)
    buyer.goto("/portal/rfqs/new")
    shot(buyer, folder, "buyer-rfq-new", full=True)
    rfq_id = issue_rfq(buyer, TITLES[locale])
    harbor = session(browser, server, "supplier-01", locale)
    harbor.goto("/portal/rfqs")
    shot(harbor, folder, "supplier-rfqs")
    answer(harbor, rfq_id, HARBOR_QUOTE, charge="120")
    answer(session(browser, server, "supplier-02", locale), rfq_id, JADE_QUOTE)
    compare(buyer, rfq_id)
    shot(buyer, folder, "buyer-rfq-compare", full=True)
    phone = session(browser, server, "buyer-01", locale, phone=True)
    phone.goto(f"/portal/rfqs/{rfq_id}")
    shot(phone, folder, "phone-rfq-compare", full=True)
    buyer.locator("#award-form button.primary").click()
    buyer.get_by_test_id("award-order").first.wait_for()
    shot(buyer, folder, "buyer-rfq-awarded", full=True)


APPROVAL_SEARCH = {"zh-TW": "充電式起子電鑽", "en-US": "Cordless drill"}


def capture_approval(browser: Browser, server: Server, folder: Path, locale: str) -> None:
    """The demo company with spending rules: its purchaser's power tool order waits, and its
    approver's queue and order page (desktop and phone)."""
    buyer = session(browser, server, PURCHASER, locale)
    buyer.goto("/portal/catalog")
    buyer.locator("#supplier_id").select_option(label=SUPPLIER_NAME)
    add(buyer, APPROVAL_SEARCH[locale])
    buyer.goto("/portal/cart")
    buyer.locator(".totals button.primary").click()
    buyer.wait_for_url(ORDER_URL)
    buyer.get_by_test_id("approval").wait_for()
    shot(buyer, folder, "buyer-order-awaiting-approval", full=True)
    approver = session(browser, server, APPROVERS[0], locale)
    approver.goto("/portal/approvals")
    shot(approver, folder, "approver-queue", full=True)
    phone = session(browser, server, APPROVERS[1], locale, phone=True)
    phone.goto(buyer.url.split("?")[0])
    shot(phone, folder, "phone-order-approval", full=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as data,
        # `b2b simulate` seeds the demo world itself (as the demo log-ins) and adds traffic.
        running_system(Path(data), demo=False) as server,
        sync_playwright() as driver,
    ):
        simulate(server, 30)
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for folder, locale in LANGUAGES.items():
                capture(browser, server, OUT / folder, locale)
                capture_sourcing(browser, server, OUT / folder, locale)
                capture_approval(browser, server, OUT / folder, locale)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
