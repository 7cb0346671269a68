"""A dispatcher's batch gives way to requests being served while its events are fresh, and no
longer once they waited: reactions run behind a stream of commands by a bounded time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from shared.eventstore.sqlite import SqliteEventStore
from shared.messaging.checkpoints import CheckpointStore
from shared.messaging.dead_letters import DeadLetters
from shared.messaging.dispatcher import GIVE_WAY_UNTIL_LATE, Dispatcher
from shared.service.projection import ProjectionHandler
from shared.sql.callers import CALLERS
from shared.sql.sqlite import SqliteDatabase
from tests.unit.service.test_dispatcher import SupplierNames, registered


async def test_fresh_batches_wait_for_requests_and_late_ones_do_not(tmp_path: Path) -> None:
    store = await SqliteEventStore.open(tmp_path / "source.db")
    database = SqliteDatabase(tmp_path / "views.db")
    try:
        for name in ("late", "fresh"):
            await store.append(f"supplier-{uuid4()}", [registered(name)])
        late, fresh = await store.read_all(0, 10)
        late.recorded_at = datetime.now(UTC) - 2 * GIVE_WAY_UNTIL_LATE
        names = SupplierNames()
        await names.create_tables(database)
        await CheckpointStore(database).create_tables()
        await DeadLetters(database).create_tables()
        database.give_way_seconds = 30.0
        handlers = [ProjectionHandler(names)]
        dispatcher = Dispatcher(
            "order", None, database, handlers, dead_letters=DeadLetters(database)
        )
        await dispatcher.load()

        request = CALLERS.begin()
        try:
            await asyncio.wait_for(dispatcher.dispatch([late]), 5)  # late: no giving way
            waiting = asyncio.ensure_future(dispatcher.dispatch([fresh]))
            await asyncio.sleep(0.1)
            assert not waiting.done(), "a fresh batch waits while a request is served"
        finally:
            CALLERS.answered(request)
        await asyncio.wait_for(waiting, 5)
        assert dispatcher.position == fresh.position
    finally:
        await database.close()
        await store.close()
