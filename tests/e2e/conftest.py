"""Browser tests: Debian's Chromium (launched by path, never downloaded) driven by Playwright
against the whole system started with `b2b run` on a free loopback port."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.e2e.server import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DEMO_PASSWORD,
    Login,
    Server,
    running_system,
)

pytestmark = pytest.mark.browser

if not Path(CHROMIUM).exists():
    pytest.skip(
        f"Chromium not found at {CHROMIUM}: run deploy/local/chromium/install.sh (make test does)",
        allow_module_level=True,
    )

# Chromium has hung a test past every Playwright timeout (CI, once); a browser test that runs
# this long (the first one includes seeding the demo world, up to SEED_TIMEOUT) ends the run with
# every thread's stack. "thread", because a signal raised inside Playwright's event loop would
# leave its connection unusable for the tests after it.
TEST_TIMEOUT_S = 420


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S, method="thread"))


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_system(tmp_path_factory.mktemp("e2e-data")) as started:
        yield started


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    # Playwright's own node driver comes with the wheel; the browser is Debian's, by path.
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def console_errors() -> list[str]:
    """Every console error and uncaught page error of the test's browser sessions."""
    return []


@pytest.fixture
def login(browser: Browser, server: Server, console_errors: list[str]) -> Iterator[Login]:
    """``login("buyer-01", phone=False, locale="en-US")``: a fresh browser session (its browser
    language ``locale``), logged in through the log-in page, on its start page."""
    contexts: list[BrowserContext] = []

    def open_session(username: str, *, phone: bool = False, locale: str = "en-US") -> Page:
        options = PHONE if phone else {"viewport": {"width": 1280, "height": 900}}
        context = browser.new_context(
            base_url=server.url, locale=locale, timezone_id="Asia/Taipei", **options
        )
        context.set_default_timeout(20_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                console_errors.append(f"{page.url}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("pageerror", lambda error: console_errors.append(f"{page.url}: {error}"))
        page.goto("/portal/")
        page.locator("#username").fill(username)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator(".login-card button[type=submit]").click()
        page.wait_for_url("**/portal/**")
        return page

    yield open_session
    for context in contexts:
        context.close()
