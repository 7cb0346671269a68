import asyncio
from pathlib import Path

import pytest

from shared.service.errors import Problem
from shared.service.idempotency import IdempotencyStore
from shared.sql.sqlite import SqliteDatabase


@pytest.fixture
async def keys(tmp_path: Path) -> IdempotencyStore:
    store = IdempotencyStore(SqliteDatabase(tmp_path / "keys.db"))
    await store.create_tables()
    return store


async def test_same_key_and_body_replays_the_first_answer(keys: IdempotencyStore) -> None:
    calls: list[int] = []

    async def action() -> tuple[int, dict[str, int]]:
        calls.append(1)
        return 201, {"n": len(calls)}

    answers = await asyncio.gather(*[keys.run("orders", "k1", {"a": 1}, action) for _ in range(5)])
    assert calls == [1]
    assert {a.body["n"] for a in answers} == {1}
    assert [a.replayed for a in answers].count(False) == 1


async def test_same_key_with_another_body_is_refused_naming_the_header(
    keys: IdempotencyStore,
) -> None:
    async def action() -> tuple[int, dict[str, str]]:
        return 201, {}

    await keys.run("orders", "k1", {"a": 1}, action)
    with pytest.raises(Problem) as refused:
        await keys.run("orders", "k1", {"a": 2}, action)
    assert (refused.value.status, refused.value.field) == (422, "Idempotency-Key")


async def test_server_errors_are_not_remembered(keys: IdempotencyStore) -> None:
    statuses = iter([503, 201])

    async def action() -> tuple[int, dict[str, str]]:
        return next(statuses), {}

    assert (await keys.run("orders", "k", {}, action)).status == 503
    assert (await keys.run("orders", "k", {}, action)).status == 201
