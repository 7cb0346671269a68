"""On PostgreSQL a store's followers in every process are woken by NOTIFY after a commit:
another process's commits wake them; their own writer's do not (its commits wake them
directly, and the echo would make every follower read the log again for nothing)."""

from __future__ import annotations

import asyncio

import pytest

from shared.sql import Transaction
from shared.sql.postgres import PostgresDatabase
from tests.databases import postgres_schema

CHANNEL = "b2b_test_listen"

pytestmark = pytest.mark.postgres


async def _notify(database: PostgresDatabase) -> None:
    async def unit(tx: Transaction) -> None:
        await tx.run("SELECT pg_notify($1, '')", (CHANNEL,))

    await database.write(unit)


async def test_another_writers_notify_wakes_the_listener_and_its_own_does_not() -> None:
    async with postgres_schema(2) as (first, second):
        heard: list[str] = []
        woken = asyncio.Event()

        def wake() -> None:
            heard.append("woken")
            woken.set()

        await first.listen(CHANNEL, wake)

        await _notify(first)  # its own writer
        await _notify(second)  # another process
        await asyncio.wait_for(woken.wait(), 5)
        await asyncio.sleep(0.05)

        # One listener connection hears NOTIFYs in commit order: the first's came before.
        assert heard == ["woken"]
