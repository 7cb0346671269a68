"""An operator sees projection lag and a dead letter on the operations page, retries it, and
the letter is gone."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from services.order.views.parties import PartyDirectory
from tests.e2e.server import Login, Server

pytestmark = pytest.mark.browser


def dead_letter_for_the_first_order_event(server: Server) -> str:
    """Record what a consumer writes when it gives up on an event: here the parties projection
    on the order store's first event (a registration, so applying it again is harmless)."""
    with sqlite3.connect(server.data_dir / "order.db") as db:
        position, event_id, event_type, stream_id, data = db.execute(
            "SELECT position, event_id, event_type, stream_id, data FROM events "
            "ORDER BY position LIMIT 1"
        ).fetchone()
        cursor = db.execute(
            "INSERT INTO dead_letters (consumer, source, position, event_id, event_type, "
            "stream_id, error, attempts, data, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (PartyDirectory().consumer_name, "order", position, str(uuid.UUID(event_id)),
             event_type, stream_id, "OperationalError: disk I/O error", 5, data,
             datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")),
        )  # fmt: skip
        return f"order:{cursor.lastrowid}"


def test_an_operator_retries_a_dead_letter_from_the_operations_page(
    login: Login, server: Server
) -> None:
    letter = dead_letter_for_the_first_order_event(server)
    ops = login("ops")
    ops.goto("/portal/ops")
    expect(ops.get_by_role("heading", name="Projections")).to_be_visible()
    expect(ops.locator("table").filter(has_text="order_facts")).to_be_visible()
    row = ops.locator("tr").filter(has_text=letter)
    expect(row).to_contain_text("disk I/O error")
    row.get_by_role("button", name=f"Retry dead letter {letter}").click()
    expect(ops.locator(".alert-ok")).to_contain_text(f"Dead letter {letter} retried")
    expect(ops.locator("tr").filter(has_text=letter)).to_have_count(0)
