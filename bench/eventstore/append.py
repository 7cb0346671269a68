"""Append rate: ours beside raw INSERTs and eventsourcing, 1 and 100 events per commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from bench.eventstore.contenders import (
    Backend,
    EsWriter,
    OursWriter,
    PostgresBackend,
    Writer,
    count_statements,
)
from bench.eventstore.workload import Commit, Workload
from bench.harness import Context
from bench.report import TIMES, fmt_rate, fmt_ratio
from bench.timing import Stat, commits_for, ratio, timed

CONTENDERS = ("ours", "raw", "eventsourcing")
PER_COMMIT = (1, 100)
GOAL_VS_RAW = 0.6
GOAL_VS_ES = 1.5


@dataclass(frozen=True, slots=True)
class Settings:
    runs: int
    seconds_per_run: float
    warmup_commits: dict[int, int]
    limits: dict[int, tuple[int, int]]
    """Per events-per-commit: the fewest and most commits a run may have."""

    @classmethod
    def for_(cls, quick: bool) -> Settings:
        return cls(
            runs=3 if quick else 5,
            seconds_per_run=0.2 if quick else 1.0,
            warmup_commits={1: 30, 100: 3},
            limits={1: (20, 20_000), 100: (3, 400)},
        )


@dataclass(frozen=True, slots=True)
class AppendFigure:
    """One database, one batch size: each contender's events/s over its runs."""

    database: str
    per_commit: int
    rates: dict[str, Stat]
    commits_per_run: dict[str, int]
    ours_statements: int

    def events_per_second(self, contender: str) -> float:
        return self.rates[contender].median


async def _write(writer: Writer, plan: Sequence[Commit]) -> int:
    for commit in plan:
        await writer.append(commit)
    return sum(len(c.events) for c in plan)


async def measure(
    backend: Backend, ctx: Context, workload: Workload, per_commit: int
) -> AppendFigure:
    settings = Settings.for_(ctx.quick)
    say = ctx.progress.say
    tag = f"append {per_commit}/commit"
    if isinstance(backend, PostgresBackend):
        await backend.prepare_eventsourcing(f"append{per_commit}_es")
    writers: dict[str, Writer] = {
        "ours": OursWriter(await backend.ours(f"append{per_commit}_ours")),
        "raw": await backend.raw(f"append{per_commit}_raw"),
        "eventsourcing": EsWriter(backend.eventsourcing(f"append{per_commit}_es")),
    }
    ours = writers["ours"]
    assert isinstance(ours, OursWriter)
    statements = await count_statements(ours.store, workload.commits("stmts", 1, per_commit)[0])

    # Warm-up, which also sizes each contender's runs to last about seconds_per_run.
    low, high = settings.limits[per_commit]
    commits_per_run: dict[str, int] = {}
    for name, writer in writers.items():
        plan = workload.commits(f"{name}-warm", settings.warmup_commits[per_commit], per_commit)
        run = await timed(partial(_write, writer, plan))
        commits_per_second = run.rate / per_commit
        commits_per_run[name] = commits_for(
            commits_per_second, settings.seconds_per_run, low=low, high=high
        )
        say(
            f"{backend.name} {tag} {name}: warm-up {fmt_rate(run.rate)} events/s, "
            f"{commits_per_run[name]} commits per run"
        )

    runs: dict[str, list[float]] = {name: [] for name in writers}
    for index in range(settings.runs):
        for name, writer in writers.items():  # interleaved, so drift hits every contender alike
            plan = workload.commits(f"{name}-{index}", commits_per_run[name], per_commit)
            run = await timed(partial(_write, writer, plan))
            runs[name].append(run.rate)
            say(
                f"{backend.name} {tag} {name}: run {index + 1}/{settings.runs} "
                f"{fmt_rate(run.rate)} events/s"
            )
    return AppendFigure(
        backend.name,
        per_commit,
        {name: Stat(tuple(rates)) for name, rates in runs.items()},
        commits_per_run,
        statements,
    )


HEADERS = (
    "Database",
    "Events/commit",
    "Ours events/s",
    "Ours commits/s",
    "Raw events/s",
    "eventsourcing events/s",
    f"Ours ÷ raw (goal ≥ {GOAL_VS_RAW}{TIMES})",
    f"Ours ÷ eventsourcing (goal ≥ {GOAL_VS_ES}{TIMES})",
)


def row(figure: AppendFigure) -> list[str]:
    ours = figure.events_per_second("ours")
    raw = figure.events_per_second("raw")
    es = figure.events_per_second("eventsourcing")
    return [
        figure.database,
        str(figure.per_commit),
        fmt_rate(ours),
        fmt_rate(ours / figure.per_commit),
        fmt_rate(raw),
        fmt_rate(es),
        fmt_ratio(ratio(ours, raw), GOAL_VS_RAW),
        fmt_ratio(ratio(ours, es), GOAL_VS_ES),
    ]
