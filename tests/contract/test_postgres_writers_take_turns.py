"""Two processes' writers on one PostgreSQL database (a service with two workers) never deadlock:
each transaction takes the writers' lock as it begins, so they commit one after another.

Beside it, the same two transactions without that lock: each holds one lock the other wants
(a projection's and the event log's, taken in the order their units come), and PostgreSQL
ends one of them with a deadlock after its deadlock_timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import pytest

from shared.sql import Transaction
from shared.sql.postgres import LOCK_NAMESPACE, PostgresDatabase
from tests.databases import postgres_schema

pytestmark = pytest.mark.postgres

WRITERS_KEY = LOCK_NAMESPACE << 32 | 0x7E57


@pytest.fixture
async def two_processes() -> AsyncIterator[tuple[PostgresDatabase, ...]]:
    async with postgres_schema(2) as opened:
        yield opened


async def _lock(tx: Transaction, name: str) -> None:
    # Taken directly, as the event store takes the log's (``hold_until_commit`` takes none where
    # the writers take turns): the two transactions cross the same locks in both tests.
    await tx.run("SELECT pg_advisory_xact_lock(hashtext($1))", (name,))


def _taking(
    first: str, then: str, both_hold_one: asyncio.Barrier
) -> Callable[[Transaction], Awaitable[str]]:
    async def unit(tx: Transaction) -> str:
        await _lock(tx, first)
        # Each waits until the other holds its first lock, unless the writers' lock keeps the
        # other from beginning at all (then the barrier gives up and this one goes on alone).
        try:
            async with asyncio.timeout(0.5):
                await both_hold_one.wait()
        except TimeoutError:
            pass
        await _lock(tx, then)
        return f"{first}+{then}"

    return unit


async def _race(first: PostgresDatabase, second: PostgresDatabase) -> list[object]:
    both_hold_one = asyncio.Barrier(2)
    return await asyncio.gather(
        first.write(_taking("projection:orders", "events:log", both_hold_one)),
        second.write(_taking("events:log", "projection:orders", both_hold_one)),
        return_exceptions=True,
    )


async def test_writers_that_take_turns_both_commit(
    two_processes: tuple[PostgresDatabase, ...],
) -> None:
    first, second = two_processes
    await first.serialize_writers(WRITERS_KEY)
    await second.serialize_writers(WRITERS_KEY)
    assert await _race(first, second) == [
        "projection:orders+events:log",
        "events:log+projection:orders",
    ]


async def test_without_the_writers_lock_the_same_transactions_deadlock(
    two_processes: tuple[PostgresDatabase, ...],
) -> None:
    outcomes = await _race(*two_processes)
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(failed) == 1, outcomes
    assert isinstance(failed[0], asyncpg.DeadlockDetectedError)
