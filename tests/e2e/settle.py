"""Waiting for a portal page to finish drawing.

"networkidle" never comes on a page that waits for changes (an order's long poll holds a request
open), so a page is settled when it has loaded and no htmx request other than that poll is open.
"""

from __future__ import annotations

from playwright.sync_api import Page

_BUSY = "!document.querySelector('.htmx-request:not([data-poll])')"


def settle(page: Page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function(_BUSY)
