"""`make screenshots`: start the system, carry one order from cart to completed in the browser,
simulate some traffic for the charts, and capture the main pages into docs/screenshots/."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.server import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, Server, running_system

OUT = Path("docs/screenshots")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def session(browser: Browser, server: Server, username: str, phone: bool = False) -> Page:
    options = PHONE if phone else DESKTOP
    context = browser.new_context(base_url=server.url, device_scale_factor=1, **options)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/portal/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/portal/**")
    return page


def shot(page: Page, name: str, full: bool = False) -> None:
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print(f"wrote {OUT / name}.png")


def add(page: Page, search: str) -> None:
    page.get_by_label("Search products").fill(search)
    card = page.locator("#results .product").first
    card.wait_for()
    page.wait_for_timeout(400)
    page.locator("#results .product").first.get_by_role("button", name="Add to cart").click()
    page.locator("#toasts .toast").first.wait_for()


def simulate(server: Server, orders: int) -> None:
    command = [str(Path(sys.executable).parent / "b2b"), "simulate", "--url", server.url]
    # Traffic for the charts; a scenario that ends otherwise than expected is fine for pictures.
    subprocess.run([*command, "--orders", str(orders), "--concurrency", "4"], check=False)


def capture(browser: Browser, server: Server) -> None:
    simulate(server, 30)
    buyer = session(browser, server, "buyer-01")
    buyer.goto("/portal/catalog")
    buyer.get_by_label("Supplier").select_option(label="Harbor Industrial Supply")
    add(buyer, "bolt")
    shot(buyer, "buyer-catalog")
    add(buyer, "drill")
    buyer.goto("/portal/cart")
    buyer.get_by_label("Coupon").fill("WELCOME10")
    buyer.get_by_role("button", name="Update prices").click()
    shot(buyer, "buyer-cart")
    buyer.get_by_role("button", name="Place order").click()
    buyer.wait_for_url(re.compile(r"/portal/orders/[0-9a-f-]{36}"))
    order_url = buyer.url.split("?")[0]
    buyer.locator("#order-status", has_text="Awaiting").wait_for()

    supplier = session(browser, server, "supplier-01")
    supplier.goto("/portal/supplier/queue")
    shot(supplier, "supplier-queue")
    supplier.goto(order_url)
    shot(supplier, "supplier-order-decision", full=True)
    supplier.get_by_role("button", name="Confirm order").click()
    supplier.get_by_role("button", name="Hand to carrier").first.wait_for()
    while supplier.get_by_role("button", name="Hand to carrier").count():
        supplier.get_by_role("button", name="Hand to carrier").first.click()
        supplier.wait_for_load_state()
    while supplier.get_by_role("button", name="Record delivery").count():
        supplier.get_by_role("button", name="Record delivery").first.click()
        supplier.wait_for_load_state()

    buyer.goto(order_url)
    buyer.get_by_role("button", name="Record inspection").first.wait_for()
    while buyer.get_by_role("button", name="Record inspection").count():
        buyer.get_by_role("button", name="Record inspection").first.click()
        buyer.wait_for_load_state()
    buyer.get_by_role("button", name=re.compile("^Pay ")).first.wait_for()
    shot(buyer, "buyer-order-invoiced", full=True)
    while buyer.get_by_role("button", name=re.compile("^Pay ")).count():
        buyer.get_by_role("button", name=re.compile("^Pay ")).first.click()
        buyer.wait_for_load_state()
    buyer.goto(order_url)
    buyer.locator("#order-status", has_text="Completed").wait_for(timeout=60_000)
    shot(buyer, "buyer-order-completed", full=True)
    buyer.goto("/portal/orders")
    shot(buyer, "buyer-orders")
    buyer.goto("/portal/invoices")
    shot(buyer, "buyer-invoices")

    for path, name in [("/portal/supplier/stock", "supplier-stock"),
                       ("/portal/supplier/pricing", "supplier-pricing")]:  # fmt: skip
        supplier.goto(path)
        shot(supplier, name)
    ops = session(browser, server, "ops")
    shot(ops, "operations")
    analyst = session(browser, server, "analyst")
    analyst.wait_for_timeout(500)
    shot(analyst, "analyst-dashboard", full=True)

    phone = session(browser, server, "buyer-02", phone=True)
    phone.goto("/portal/catalog?q=tea")
    shot(phone, "phone-catalog")
    phone.goto("/portal/orders")
    shot(phone, "phone-orders")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as data,
        # `b2b simulate` seeds the demo world itself (as the demo log-ins) and adds traffic.
        running_system(Path(data), demo=False) as server,
        sync_playwright() as driver,
    ):
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            capture(browser, server)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
