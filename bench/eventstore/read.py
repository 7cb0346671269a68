"""Catch-up read rate: a log of N events from position 0; ours beside raw SELECTs, eventsourcing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from eventsourcing.persistence import ApplicationRecorder

from bench.eventstore.contenders import (
    Backend,
    EsReader,
    OursReadAll,
    OursSubscribe,
    PostgresBackend,
    RawPostgres,
    RawSqlite,
    Reader,
    stored_events,
)
from bench.eventstore.workload import Commit, Workload
from bench.harness import Context
from bench.report import fmt_rate, fmt_ratio
from bench.timing import Stat, ratio, timed

BATCH = 1000
POPULATE_CHUNK = 5000
"""Events per transaction when the log is written (setup, not timed)."""
SQLITE_GOAL = 200_000.0
WARMUP_EVENTS = 10 * BATCH

READERS = ("ours read_all", "ours subscribe", "raw", "raw + decode", "eventsourcing")


@dataclass(frozen=True, slots=True)
class ReadFigure:
    database: str
    events: int
    rates: dict[str, Stat]

    def events_per_second(self, reader: str) -> float:
        return self.rates[reader].median


def log_size(database: str, quick: bool) -> int:
    if quick:
        return 10_000
    return 100_000 if database == "SQLite" else 50_000


def _chunks(plan: Sequence[Commit], events: int) -> list[list[Commit]]:
    chunks: list[list[Commit]] = [[]]
    size = 0
    for commit in plan:
        if size >= events:
            chunks.append([])
            size = 0
        chunks[-1].append(commit)
        size += len(commit.events)
    return chunks


async def _populate(
    plan: list[Commit], raw: RawSqlite | RawPostgres, recorder: ApplicationRecorder
) -> None:
    """Write the log to our table (raw INSERTs) and to eventsourcing's; the plan dies here."""
    for chunk in _chunks(plan, POPULATE_CHUNK):
        await raw.write(chunk)
        recorder.insert_events([e for commit in chunk for e in stored_events(commit)])


async def measure(backend: Backend, ctx: Context, workload: Workload) -> ReadFigure:
    say = ctx.progress.say
    total = log_size(backend.name, ctx.quick)
    runs = 3 if ctx.quick else 5
    say(f"{backend.name} read: writing a log of {total:,} events (setup)")
    store = await backend.ours("read")
    raw = await backend.raw("read")  # our events table, through the bare driver
    if isinstance(backend, PostgresBackend):
        await backend.prepare_eventsourcing("read_es")
    recorder = backend.eventsourcing("read_es")
    await _populate(workload.log("log", total), raw, recorder)
    head = await store.head_position()
    if head != total:
        raise RuntimeError(f"the log has {head} events, not {total}")

    readers: dict[str, Reader] = {
        "ours read_all": OursReadAll(store),
        "ours subscribe": OursSubscribe(store),
        "raw": raw,
        "raw + decode": await backend.raw("read", decode=True),
        "eventsourcing": EsReader(recorder),
    }
    warm = min(total, WARMUP_EVENTS)
    for name, reader in readers.items():
        got = await reader.read_log(warm, BATCH)
        if got != warm:
            raise RuntimeError(f"{name} read {got} events in warm-up, not {warm}")
    rates: dict[str, list[float]] = {name: [] for name in readers}
    for index in range(runs):
        for name, reader in readers.items():
            run = await timed(partial(reader.read_log, total, BATCH))
            if run.count != total:
                raise RuntimeError(f"{name} read {run.count} events, not {total}")
            rates[name].append(run.rate)
            say(f"{backend.name} read {name}: run {index + 1}/{runs} {fmt_rate(run.rate)} events/s")
    return ReadFigure(backend.name, total, {n: Stat(tuple(r)) for n, r in rates.items()})


HEADERS = (
    "Database",
    "Events in log",
    "Ours read_all events/s",
    "Ours subscribe events/s",
    "Raw SELECT events/s",
    "Raw SELECT + decode events/s",
    "eventsourcing events/s",
    "read_all ÷ raw",
    "read_all ÷ eventsourcing",
    f"Goal: SQLite read_all ≥ {fmt_rate(SQLITE_GOAL)}/s",
)


def row(figure: ReadFigure) -> list[str]:
    ours = figure.events_per_second("ours read_all")
    raw = figure.events_per_second("raw")
    es = figure.events_per_second("eventsourcing")
    if figure.database == "SQLite":
        goal = f"{'✓' if ours >= SQLITE_GOAL else '✗'} ({ours / SQLITE_GOAL:.0%} of it)"
    else:
        goal = "— (none set)"
    return [
        figure.database,
        f"{figure.events:,}",
        fmt_rate(ours),
        fmt_rate(figure.events_per_second("ours subscribe")),
        fmt_rate(raw),
        fmt_rate(figure.events_per_second("raw + decode")),
        fmt_rate(es),
        fmt_ratio(ratio(ours, raw)),
        fmt_ratio(ratio(ours, es)),
        goal,
    ]
