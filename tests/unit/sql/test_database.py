"""The driver path and the writer: types round-trip, group commit isolates a failing unit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    bindparam,
    func,
    select,
    update,
)

from shared.sql import Database, Transaction
from shared.sql.callers import CALLERS
from shared.sql.database import SMALL_BACKGROUND_EVENTS
from tests.databases import KINDS, fresh_database

metadata = MetaData()
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ref", Uuid, nullable=False, unique=True),
    Column("name", String(40), nullable=False, index=True),
    Column("at", DateTime(timezone=True)),
    Column("day", Date),
    Column("doc", JSON),
    Column("ok", Boolean, nullable=False, default=False),
    Column("hours", Float),
    Column("big", BigInteger),
)
counters = Table(
    "counters",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("n", Integer, nullable=False),
)


@pytest.fixture(params=KINDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    async with fresh_database(request.param, tmp_path) as database:
        await database.create_all(metadata)
        yield database


async def add_counter(db: Database, name: str, n: int = 0) -> None:
    async with db.begin() as tx:
        await tx.execute(counters.insert().values(name=name, n=n))


async def counter(db: Database, name: str) -> int | None:
    async with db.connect() as conn:
        query = select(counters.c.n).where(counters.c.name == name)
        value: int | None = (await conn.execute(query)).scalar_one_or_none()
        return value


def held_by(gate: asyncio.Event) -> Callable[[Transaction], Awaitable[None]]:
    """A unit that keeps the writer busy until ``gate`` is set."""

    async def hold(tx: Transaction) -> None:
        await gate.wait()

    return hold


def noting_commits(
    db: Database, committed: list[tuple[str, int]]
) -> Callable[[str], Callable[[Transaction], Awaitable[None]]]:
    """Units that note, by name, the commit count their transaction ended with."""

    def unit(name: str) -> Callable[[Transaction], Awaitable[None]]:
        async def run(tx: Transaction) -> None:
            tx.on_commit(lambda: committed.append((name, db.commits)))

        return run

    return unit


async def test_values_of_every_column_type_round_trip(db: Database) -> None:
    ref = uuid4()
    at = datetime(2026, 12, 7, 1, 2, 3, 456789, tzinfo=UTC)
    async with db.begin() as tx:
        await tx.execute(
            things.insert().values(
                ref=ref,
                name="a",
                at=at,
                day=date(2026, 12, 7),
                doc={"k": [1, "x"]},
                ok=True,
                hours=1.5,
                big=2**62,
            )
        )
    async with db.connect() as conn:
        row = (await conn.execute(select(things).where(things.c.ref == ref))).one()
    assert row.ref == ref
    assert isinstance(row.ref, UUID)
    assert row.at.replace(tzinfo=row.at.tzinfo or UTC) == at
    assert (row.day, row.doc, row.ok, row.name) == (date(2026, 12, 7), {"k": [1, "x"]}, True, "a")
    assert row._mapping["name"] == "a"
    assert row[2] == "a"
    assert (row.hours, row.big) == (1.5, 2**62)
    assert isinstance(row.hours, float)


async def test_in_lists_executemany_and_statements_built_once(db: Database) -> None:
    refs = [uuid4() for _ in range(5)]
    insert = things.insert()
    async with db.begin() as tx:
        await tx.execute(
            insert, [{"ref": r, "name": f"n{i}", "ok": False} for i, r in enumerate(refs)]
        )
    by_name = select(things.c.name).where(things.c.name == bindparam("name"))
    async with db.connect() as conn:
        some = (
            await conn.execute(select(things.c.name).where(things.c.ref.in_(refs[:3])))
        ).scalars()
        assert sorted(some.all()) == ["n0", "n1", "n2"]
        for i in range(5):  # the same statement object, other values each time
            assert (await conn.execute(by_name, {"name": f"n{i}"})).scalar_one() == f"n{i}"
        # statements built per call with their own literal values find the compiled form again
        for i in range(5):
            query = select(things.c.name).where(things.c.ref == refs[i])
            assert (await conn.execute(query)).scalar_one() == f"n{i}"
        count = await conn.scalar(select(func.count()).select_from(things))
    assert count == 5


async def test_units_that_arrive_together_share_one_commit(db: Database) -> None:
    await add_counter(db, "a")
    before = db.commits

    async def bump(tx: Transaction) -> int:
        await tx.execute(update(counters).where(counters.c.name == "a").values(n=counters.c.n + 1))
        return int(
            (await tx.execute(select(counters.c.n).where(counters.c.name == "a"))).scalar_one()
        )

    seen = await asyncio.gather(*(db.write(bump) for _ in range(20)))
    assert sorted(seen) == list(range(1, 21))  # each unit saw its predecessors' writes
    assert await counter(db, "a") == 20
    assert db.commits - before < 20  # grouped: fewer commits than units


async def test_a_failing_unit_is_undone_alone_and_its_neighbours_commit(db: Database) -> None:
    await add_counter(db, "a")
    undone: list[str] = []

    async def good(tx: Transaction) -> None:
        await tx.execute(update(counters).values(n=counters.c.n + 1))

    async def bad(tx: Transaction) -> None:
        tx.on_rollback(lambda: undone.append("bad"))
        await tx.execute(update(counters).values(n=counters.c.n + 100))
        raise ValueError("refused")

    results = await asyncio.gather(
        db.write(good), db.write(bad), db.write(good), return_exceptions=True
    )
    assert results[0] is None
    assert results[2] is None
    assert isinstance(results[1], ValueError)
    assert await counter(db, "a") == 2
    assert undone == ["bad"]


async def test_statements_asked_for_at_commit_run_once_and_not_for_undone_work(
    db: Database,
) -> None:
    await add_counter(db, "a")
    bump = "UPDATE counters SET n = n + 1 WHERE name = 'a'"

    async def asks_twice(tx: Transaction) -> None:
        tx.before_commit(bump)
        tx.before_commit(bump)
        assert await counter(db, "a") == 0, "not before the commit"

    async def asks_then_fails(tx: Transaction) -> None:
        tx.before_commit(bump.replace("+ 1", "+ 100"))
        raise ValueError("refused")

    results = await asyncio.gather(
        db.write(asks_twice), db.write(asks_then_fails), return_exceptions=True
    )
    assert results[0] is None
    assert isinstance(results[1], ValueError)
    assert await counter(db, "a") == 1, "once however often asked, none for the undone unit"


async def test_savepoints_travel_with_the_next_statement_and_empty_ones_are_not_sent(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_counter(db, "a")
    gate = asyncio.Event()
    busy = asyncio.ensure_future(db.write(held_by(gate)))
    await asyncio.sleep(0.01)  # the next units queue behind it and share one transaction
    sent: list[str] = []
    driver = type(await db._writer())
    run = driver.run

    async def noted(self: Any, sql: str, args: Any = ()) -> int:
        sent.append(sql)
        return await run(self, sql, args)

    monkeypatch.setattr(driver, "run", noted)

    async def bump(tx: Transaction) -> None:
        await tx.run("UPDATE counters SET n = n + 1 WHERE name = 'a'")

    async def nothing(tx: Transaction) -> None:
        tx.on_commit(lambda: None)

    units = [asyncio.ensure_future(db.write(u)) for u in (bump, nothing, bump, nothing)]
    gate.set()
    await asyncio.gather(busy, *units)

    assert await counter(db, "a") == 2
    statements = [s for sql in sent for s in sql.split("; ")]
    assert statements.count("SAVEPOINT sp0") == 2, "none for the units that ran nothing"
    assert statements.count("RELEASE SAVEPOINT sp0") == 2
    if db.name == "postgresql":  # a savepoint costs no round trip of its own
        assert sent[-1] == "RELEASE SAVEPOINT sp0; COMMIT"
        assert "RELEASE SAVEPOINT sp0; SAVEPOINT sp0" in sent


async def test_readers_do_not_see_a_unit_before_it_commits(db: Database) -> None:
    await add_counter(db, "a")
    inside = asyncio.Event()
    release = asyncio.Event()

    async def slow(tx: Transaction) -> None:
        await tx.execute(update(counters).values(n=7))
        async with db.connect() as own:  # the unit reads its own writes
            assert (await own.execute(select(counters.c.n))).scalar_one() == 7
        inside.set()
        await release.wait()

    unit = asyncio.ensure_future(db.write(slow))
    await inside.wait()
    assert await counter(db, "a") == 0
    release.set()
    await unit
    assert await counter(db, "a") == 7


async def test_nested_writes_run_in_the_unit_and_roll_back_with_it(db: Database) -> None:
    await add_counter(db, "a")

    async def inner(tx: Transaction) -> None:
        await tx.execute(update(counters).values(n=counters.c.n + 1))

    async def outer(tx: Transaction) -> None:
        await db.write(inner)
        async with db.begin() as same:
            assert same is tx
            await same.execute(update(counters).values(n=counters.c.n + 1))
        raise RuntimeError("after the nested writes")

    with pytest.raises(RuntimeError):
        await db.write(outer)
    assert await counter(db, "a") == 0


async def test_a_block_that_raises_leaves_nothing_and_the_writer_goes_on(db: Database) -> None:
    async def fail_inside() -> None:
        async with db.begin() as tx:
            await tx.execute(counters.insert().values(name="x", n=1))
            raise KeyError("no")

    with pytest.raises(KeyError):
        await fail_inside()
    assert await counter(db, "x") is None
    await add_counter(db, "y", 3)
    assert await counter(db, "y") == 3


async def test_a_caller_cancelled_before_its_unit_runs_changes_nothing(db: Database) -> None:
    await add_counter(db, "a")
    gate = asyncio.Event()
    hold = held_by(gate)

    async def bump(tx: Transaction) -> None:
        await tx.execute(update(counters).values(n=counters.c.n + 1))

    first = asyncio.ensure_future(db.write(hold))
    await asyncio.sleep(0.01)
    second = asyncio.ensure_future(db.write(bump))
    await asyncio.sleep(0.01)
    second.cancel()
    gate.set()
    await first
    with pytest.raises(asyncio.CancelledError):
        await second
    assert await counter(db, "a") == 0


async def test_schema_lists_tables_and_drops_them(db: Database) -> None:
    assert {"things", "counters"} <= await db.table_names()
    await db.drop_all(metadata)
    assert not {"things", "counters"} & await db.table_names()


async def test_background_work_gives_way_to_commands_but_is_not_starved(db: Database) -> None:
    await add_counter(db, "a")
    order: list[str] = []
    gate = asyncio.Event()
    hold = held_by(gate)

    def unit(name: str) -> Callable[[Transaction], Awaitable[None]]:
        async def run(tx: Transaction) -> None:
            order.append(name)

        return run

    first = asyncio.ensure_future(db.write(hold))
    await asyncio.sleep(0.01)  # the writer is busy: what comes next queues
    background = asyncio.ensure_future(db.write(unit("reaction"), background=True))
    await asyncio.sleep(0)
    command = asyncio.ensure_future(db.write(unit("command")))
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(first, background, command)
    assert order == ["command", "reaction"]

    # A stream of commands never holds background work back longer than its bound.
    stop = asyncio.Event()

    async def commands() -> None:
        while not stop.is_set():
            await db.write(unit("command"))

    flood = asyncio.ensure_future(commands())
    await asyncio.wait_for(db.write(unit("late reaction"), background=True), timeout=2)
    stop.set()
    await flood


async def test_while_a_request_is_served_its_command_commits_without_the_background_work(
    db: Database,
) -> None:
    """A command waits for its own commit only, not for reactions queued beside it; the
    reactions go once no request is being served (or after their bound)."""
    await add_counter(db, "a")
    committed: list[tuple[str, int]] = []
    gate = asyncio.Event()
    hold, unit = held_by(gate), noting_commits(db, committed)

    db.give_way_seconds = 30.0
    request = CALLERS.begin()
    try:
        first = asyncio.ensure_future(db.write(hold))
        await asyncio.sleep(0.01)  # the writer is busy: what comes next queues
        reaction = asyncio.ensure_future(db.write(unit("reaction"), background=True))
        command = asyncio.ensure_future(db.write(unit("command")))
        await asyncio.sleep(0)
        gate.set()
        await command
        await asyncio.sleep(0.05)  # far past the linger: the request still holds it back
        assert not reaction.done(), "background work waits while a request is served"
    finally:
        CALLERS.answered(request)
    await asyncio.wait_for(reaction, timeout=1)
    await first
    (command_name, command_commit), (reaction_name, reaction_commit) = committed
    assert (command_name, reaction_name) == ("command", "reaction")
    assert reaction_commit > command_commit, "the reaction was not in the command's commit"


async def test_while_a_request_is_served_small_background_work_shares_the_commands_commit(
    db: Database,
) -> None:
    """Reactions of a few events cost a command less than a commit of their own would."""
    await add_counter(db, "a")
    db.give_way_seconds = 30.0
    committed: list[tuple[str, int]] = []
    gate = asyncio.Event()
    hold, unit = held_by(gate), noting_commits(db, committed)

    request = CALLERS.begin()
    try:
        first = asyncio.ensure_future(db.write(hold))
        await asyncio.sleep(0.01)
        small = asyncio.ensure_future(db.write(unit("small"), background=True, size=2))
        big = asyncio.ensure_future(
            db.write(unit("big"), background=True, size=SMALL_BACKGROUND_EVENTS + 1)
        )
        command = asyncio.ensure_future(db.write(unit("command")))
        await asyncio.sleep(0)
        gate.set()
        await asyncio.wait_for(asyncio.gather(first, small, command), 5)
        await asyncio.sleep(0.05)
        assert not big.done(), "the big one waits for the request to be answered"
    finally:
        CALLERS.answered(request)
    await asyncio.wait_for(big, 5)
    commits = dict(committed)
    assert commits["small"] == commits["command"] < commits["big"]


async def test_background_work_waits_for_a_request_no_longer_than_its_bound(db: Database) -> None:
    await add_counter(db, "a")
    db.give_way_seconds = 0.2
    request = CALLERS.begin()
    try:
        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(db.write(lambda tx: counter(db, "a"), background=True), 5)
        waited = asyncio.get_running_loop().time() - started
    finally:
        CALLERS.answered(request)
    assert waited >= 0.2, "it gave way while the request was served"


async def test_late_background_work_does_not_give_way_and_commands_wait_for_it(
    db: Database,
) -> None:
    """Reactions whose events already waited (``late``) run at once, and a command queued
    beside them shares their transaction: under a stream of commands, reactions keep up."""
    await add_counter(db, "a")
    db.give_way_seconds = 30.0
    committed: list[tuple[str, int]] = []
    gate = asyncio.Event()
    hold, unit = held_by(gate), noting_commits(db, committed)

    request = CALLERS.begin()
    try:
        await asyncio.wait_for(db.write(unit("alone"), background=True, late=True), 5)
        first = asyncio.ensure_future(db.write(hold))
        await asyncio.sleep(0.01)
        reaction = asyncio.ensure_future(db.write(unit("reaction"), background=True, late=True))
        command = asyncio.ensure_future(db.write(unit("command")))
        await asyncio.sleep(0)
        gate.set()
        await asyncio.wait_for(asyncio.gather(first, reaction, command), 5)
    finally:
        CALLERS.answered(request)
    commits = dict(committed)
    assert commits["command"] == commits["reaction"], "one transaction for both"
