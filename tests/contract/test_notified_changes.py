"""A read model's change committed by one process wakes a reader waiting in another (the
distributed mode: a long-polling GET in the API process, the rows written by a worker); a
change rolled back wakes nobody."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from shared.service.changes import changed
from shared.service.notified_changes import PAYLOAD_BYTES, NotifiedChanges, payloads
from shared.sql import Transaction
from shared.sql.postgres import PostgresDatabase
from tests.databases import postgres_schema

pytestmark = pytest.mark.postgres

VIEW = "order_details"


@pytest.fixture
async def two_processes() -> AsyncIterator[tuple[PostgresDatabase, ...]]:
    async with postgres_schema(2) as opened:
        yield opened


async def _listening(
    writer: PostgresDatabase, reader: PostgresDatabase
) -> tuple[NotifiedChanges, NotifiedChanges]:
    channel = f"b2b_changes_test_{uuid.uuid4().hex[:8]}"
    here, there = NotifiedChanges(channel), NotifiedChanges(channel)
    await here.listen(writer)
    await there.listen(reader)
    return here, there


async def test_a_committed_change_wakes_the_reader_of_that_key_in_another_process(
    two_processes: tuple[PostgresDatabase, ...],
) -> None:
    here, there = await _listening(*two_processes)
    keys = [str(uuid.uuid4()) for _ in range(600)]  # more than one notification's worth
    other = str(uuid.uuid4())

    async def touch(tx: Transaction) -> None:
        await here.stage(tx, VIEW, keys)

    with (
        there.watch(VIEW, keys[-1]) as last,
        there.watch(VIEW, other) as untouched,
        there.watch("another_view", keys[-1]) as elsewhere,
    ):
        await two_processes[0].write(touch)
        assert await changed(last, 5.0)
        assert not untouched.is_set()
        assert not elsewhere.is_set()


async def test_a_change_rolled_back_wakes_nobody(
    two_processes: tuple[PostgresDatabase, ...],
) -> None:
    here, there = await _listening(*two_processes)
    key = str(uuid.uuid4())

    async def touch_then_fail(tx: Transaction) -> None:
        await here.stage(tx, VIEW, [key])
        raise RuntimeError("the projection failed")

    async def touch(tx: Transaction) -> None:
        await here.stage(tx, VIEW, [str(uuid.uuid4())])

    with there.watch(VIEW, key) as change:
        with pytest.raises(RuntimeError, match="projection failed"):
            await two_processes[0].write(touch_then_fail)
        await two_processes[0].write(touch)  # a later notification on the channel arrives...
        await asyncio.sleep(0.5)
        assert not change.is_set()  # ...but the rolled-back one never does


def test_payloads_stay_within_postgres_limit_and_carry_every_key() -> None:
    keys = {str(uuid.uuid4()) for _ in range(1_000)}
    sent = list(payloads(VIEW, keys))
    assert len(sent) > 1
    assert all(len(p.encode()) <= PAYLOAD_BYTES for p in sent)
    received: set[str] = set()
    for payload in sent:
        view, _, listed = payload.partition("\n")
        assert view == VIEW
        received.update(listed.split(","))
    assert received == keys
