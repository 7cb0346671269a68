"""The sender's look-ups (order, parties, switched-off kinds) are remembered, and never outlive
a change to them (``shared.service.remembered``)."""

from __future__ import annotations

from pathlib import Path

from runtime.notifications.store import MailStore
from shared.sql.sqlite import SqliteDatabase


async def test_a_changed_party_order_or_preference_is_read_again(tmp_path: Path) -> None:
    database = SqliteDatabase(tmp_path / "notifications.db")
    store = MailStore(database)
    await store.create_tables()
    try:
        await store.party("p-1", "buyer", "Old name", "old@example.test", "en")
        await store.order("o-1", "p-1", "s-1", None)
        party = await store.lookup_party("p-1")
        assert party is not None
        assert party["name"] == "Old name"
        assert await store.lookup_order("o-1") is not None
        assert await store.switched_off("buyer", "p-1") == set()

        await store.party("p-1", "buyer", "New name", "new@example.test", "zh-Hant")
        await store.order("o-1", "p-1", "s-2", "PO-7")
        await store.set_preferences("buyer", "p-1", {"order_shipped": False}, "someone")

        party = await store.lookup_party("p-1")
        assert party is not None
        assert (party["name"], party["email"]) == ("New name", "new@example.test")
        order = await store.lookup_order("o-1")
        assert order is not None
        assert order["supplier_id"] == "s-2"
        assert await store.switched_off("buyer", "p-1") == {"order_shipped"}
        assert await store.lookup_party("p-unknown") is None
    finally:
        await database.close()
