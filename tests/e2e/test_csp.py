"""Every portal page, as every kind of user, loads under the Content-Security-Policy without a
single violation, and its scripts (htmx, ours, Chart.js) still run: the policy blocks nothing
the portal needs. Pages are found by following the portal's own links from its start page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from tests.e2e.server import Login, Server
from tests.e2e.settle import settle
from tests.e2e.test_buyer_supplier_flow import BUYER, place_order

pytestmark = pytest.mark.browser

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""
"""Installed through the browser's debugging protocol, which the page's policy does not govern."""

SKIP = re.compile(r"/(export|live)(\?|$)|/portal/audit/export")
"""Links that are downloads or fragments, not pages."""
PER_TEMPLATE = 2
"""Pages of the same kind (order detail, say) visited per user: a couple show the pattern."""

EXPECTED = {
    "buyer-01": {"/portal/catalog", "/portal/orders", "/portal/orders/{id}", "/portal/invoices",
                 "/portal/notifications", "/portal/cart"},
    "supplier-01": {"/portal/supplier/queue", "/portal/orders", "/portal/orders/{id}",
                    "/portal/supplier/shipments", "/portal/supplier/stock",
                    "/portal/supplier/pricing", "/portal/invoices"},
    "ops": {"/portal/ops", "/portal/orders", "/portal/orders/{id}", "/portal/analytics",
            "/portal/audit"},
    "analyst": {"/portal/analytics"},
}  # fmt: skip


@pytest.fixture
def browser_page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser session that has not logged in."""
    context = browser.new_context(base_url=server.url)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def template(path: str) -> str:
    return re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27,}", "/{id}", path)


def crawl(page: Page, start: str, budget: int = 40) -> list[str]:
    """Visit ``start`` and every portal page linked from what was visited; the paths seen."""
    seen: dict[str, int] = {}
    queue, visited = [start], []
    while queue and len(visited) < budget:
        path = queue.pop(0)
        kind = template(urlsplit(path).path)
        if path in visited or seen.get(kind, 0) >= PER_TEMPLATE:
            continue
        seen[kind] = seen.get(kind, 0) + 1
        page.goto(path)
        settle(page)
        visited.append(path)
        check_page(page, path)
        for href in page.eval_on_selector_all(
            "a[href^='/portal']", "as => as.map(a => a.getAttribute('href'))"
        ):
            if not SKIP.search(href) and href not in visited:
                queue.append(href.split("#", 1)[0])
    return visited


def check_page(page: Page, path: str) -> None:
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], f"{path}: {violations}"
    assert page.evaluate("typeof window.htmx") == "object", f"{path}: htmx did not run"
    if urlsplit(path).path == "/portal/analytics":
        assert page.evaluate("typeof window.Chart") == "function", "Chart.js did not run"
        drawn = page.eval_on_selector_all(
            "canvas[data-chart]", "cs => cs.filter(c => c.width > 0).length"
        )
        assert drawn > 0, "no chart was drawn"


ORDERS: list[str] = []
"""An order placed through the browser (once), so order pages exist for the buyer, its
supplier and operations."""


def watched(page: Page) -> list[str]:
    """Start watching ``page`` for CSP violations; the console's complaints so far."""
    page.context.add_init_script(WATCH_VIOLATIONS)
    console: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            console.append(message.text)

    page.on("console", note)
    return console


@pytest.mark.parametrize("username", sorted(EXPECTED))
def test_every_page_loads_without_a_csp_violation(
    login: Login, server: Server, username: str
) -> None:
    if not ORDERS and "/portal/orders/{id}" in EXPECTED[username]:
        buyer = login(BUYER)
        complaints = watched(buyer)
        ORDERS.append(place_order(buyer, "bolt"))
        assert buyer.evaluate("window.__cspViolations") == []
        assert complaints == []
    page = login(username)
    console = watched(page)
    visited = crawl(page, "/portal/")
    kinds = {template(urlsplit(p).path) for p in visited}
    assert EXPECTED[username] <= kinds, f"not reached: {EXPECTED[username] - kinds} in {visited}"
    assert console == []
    headers = page.request.get("/portal/").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def test_the_login_page_loads_without_a_csp_violation(browser_page: Page) -> None:
    browser_page.add_init_script(WATCH_VIOLATIONS)
    browser_page.goto("/login")
    settle(browser_page)
    assert browser_page.evaluate("window.__cspViolations") == []


def test_a_page_cannot_be_framed(browser_page: Page, server: Server) -> None:
    """A hostile page that frames the portal gets an empty frame (clickjacking); the same frame
    around a page without our headers shows its form, so the test can see a framed form."""
    hostile = f"{server.url}/hostile"  # even a page of the portal's own origin may not frame it
    frames = (
        '<iframe id="ours" src="{url}/login" onload="this.dataset.loaded=1"></iframe>'
        '<iframe id="other" src="{other}" onload="this.dataset.loaded=1"></iframe>'
    )
    pages = {
        hostile: frames.format(url=server.url, other=f"{server.url}/plain"),
        f"{server.url}/plain": "<form><input name=q></form>",
    }

    def answer(route: Route) -> None:  # answered inside the browser: the server has no such pages
        route.fulfill(content_type="text/html", body=pages[route.request.url])

    for address in pages:
        browser_page.route(address, answer)
    browser_page.goto(hostile)
    browser_page.wait_for_function("document.querySelectorAll('iframe[data-loaded]').length === 2")
    assert browser_page.frame_locator("#other").locator("form").count() == 1
    assert browser_page.frame_locator("#ours").locator("form").count() == 0
