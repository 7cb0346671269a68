"""The event-store sections of the report: method, tables, and notes written from the figures."""

from __future__ import annotations

from collections.abc import Sequence

from bench import machine
from bench.eventstore import append, read
from bench.eventstore.workload import average_sizes
from bench.harness import Context
from bench.report import TIMES, Section, fmt_rate, render_table
from bench.timing import Stat
from shared.eventstore.port import NewEvent

APPEND_TITLE = "Event store: append rate"
READ_TITLE = "Event store: catch-up read rate"
_NO_POSTGRES = (
    "PostgreSQL was not measured: DATABASE_URL was unset (`make bench` starts a private cluster "
    "and sets it)."
)


def _spread(figures: Sequence[tuple[str, Stat]]) -> str:
    label, worst = max(figures, key=lambda item: item[1].spread)
    return (
        f"Runs of one figure differed by at most {worst.spread:.0%} of their median "
        f"((max - min) ÷ median; widest: {label})."
    )


def _with_load(notes: str, ctx: Context) -> str:
    busy = machine.busy_note(ctx.load_at_start)
    return f"{notes}\n\n{busy}" if busy else notes


def _times(ours: float, other: float) -> str:
    return f"{ours / other:.2f}{TIMES}"


def _us(seconds: float) -> str:
    micro = seconds * 1e6
    if micro >= 1000:
        return f"{micro / 1000:.2f} ms"
    return f"{micro:,.0f} µs" if micro >= 100 else f"{micro:.1f} µs"


def append_section(
    ctx: Context,
    figures: Sequence[append.AppendFigure],
    sample: Sequence[NewEvent],
    *,
    postgres: bool,
) -> Section:
    data, meta = average_sizes(sample)
    settings = append.Settings.for_(ctx.quick)
    method = (
        "One task appends commits one after another (no concurrency); each commit carries 1 "
        "or 100 events for one stream. Streams are fresh in every run and each gets 5 "
        "commits, round-robin, so consecutive commits hit different streams; the first commit "
        "of a stream creates it. Events: uuid7 ids, JSON `data` of "
        f"{data:.0f} bytes and `metadata` of {meta:.0f} bytes on average (an order line; "
        "correlation, causation, actor), generated before the clock starts; serialising them is "
        "part of every contender's time.\n\n"
        "- **Ours**: `SqliteEventStore.append` / `PostgresEventStore.append`"
        "(stream, events, expected_version) with the exact expected version.\n"
        "- **Raw**: the same rows through the same driver (aiosqlite / asyncpg) into tables "
        "created from our DDL (`shared/eventstore/schema.py`): per commit `BEGIN`, an upsert "
        "of the `streams` row, one `executemany` INSERT into `events`, `COMMIT`; positions "
        "from a counter in the process, no version check, no lock. The floor of writing "
        "those rows.\n"
        "- **eventsourcing** "
        "(`eventsourcing` 9.5): `SQLiteApplicationRecorder.insert_events` / "
        "`PostgresApplicationRecorder.insert_events` with one commit's `StoredEvent`s "
        "(text originator id = our stream "
        "id, state = the JSON of id, schema version, data and metadata). It is synchronous "
        "and is called directly on the bench's thread; its own optimistic concurrency is the "
        "primary key (stream, version), and on PostgreSQL it takes an EXCLUSIVE table lock "
        "per commit.\n\n"
        "Each contender has a place of its own: on SQLite a file in a temporary directory, "
        "all three with ours' PRAGMAs (WAL, `synchronous=NORMAL`; eventsourcing's default "
        "would be `FULL`); on PostgreSQL a fresh schema per contender in DATABASE_URL's "
        f"database. A warm-up run per contender sizes its runs to about "
        f"{settings.seconds_per_run:g} s; then {settings.runs} runs per contender, "
        f"interleaved; each figure is the **median of {settings.runs}** runs."
    )
    names = append.CONTENDERS
    commits = render_table(
        ("Database", "Events/commit", "Ours", "Raw", "eventsourcing"),
        [
            [f.database, str(f.per_commit), *(f"{f.commits_per_run[c]:,}" for c in names)]
            for f in figures
        ],
    )
    extra = [f"Commits per run:\n\n{commits}"]
    return Section(
        title=APPEND_TITLE,
        method=method,
        headers=append.HEADERS,
        rows=[append.row(f) for f in figures],
        notes=_with_load(append_notes(figures, postgres=postgres), ctx),
        measured=f"{ctx.stamp}, {ctx.mode}",
        extra=extra,
    )


def append_notes(figures: Sequence[append.AppendFigure], *, postgres: bool) -> str:
    lines: list[str] = []
    for database in dict.fromkeys(f.database for f in figures):
        mine = {f.per_commit: f for f in figures if f.database == database}
        parts: list[str] = []
        for per_commit, f in sorted(mine.items()):
            ours = f.events_per_second("ours")
            raw = f.events_per_second("raw")
            es = f.events_per_second("eventsourcing")
            met = [
                ours / raw >= append.GOAL_VS_RAW,
                ours / es >= append.GOAL_VS_ES,
            ]
            verdict = (
                "meets both goals"
                if all(met)
                else "misses both goals"
                if not any(met)
                else "meets the raw goal only"
                if met[0]
                else "meets the eventsourcing goal only"
            )
            if per_commit == 1:
                parts.append(
                    f"at 1 event per commit ours takes {_us(1 / ours)} per commit against "
                    f"raw's {_us(1 / raw)} and eventsourcing's {_us(1 / es)} "
                    f"({_times(ours, raw)} raw, {_times(ours, es)} eventsourcing: {verdict}); "
                    f"one append of ours sends {f.ours_statements} SQL statements between "
                    "BEGIN and COMMIT, raw sends 2 (upsert, insert)"
                )
            else:
                parts.append(
                    f"at {per_commit} events per commit ours costs {_us(1 / ours)} per event "
                    f"against raw's {_us(1 / raw)} and eventsourcing's {_us(1 / es)} "
                    f"({_times(ours, raw)} raw, {_times(ours, es)} eventsourcing: {verdict})"
                )
        lines.append(f"On {database}, " + "; ".join(parts) + ".")
    stats = [
        (f"{f.database} {f.per_commit}/commit {name}", stat)
        for f in figures
        for name, stat in f.rates.items()
    ]
    if stats:
        lines.append(_spread(stats))
    if not postgres:
        lines.append(_NO_POSTGRES)
    return "\n\n".join(lines)


def read_section(ctx: Context, figures: Sequence[read.ReadFigure], *, postgres: bool) -> Section:
    runs = 3 if ctx.quick else 5
    sizes = ", ".join(f"{f.database} {f.events:,}" for f in figures)
    method = (
        f"A log of N events ({sizes}) is written first (raw INSERTs into our table, 5,000 "
        "events per transaction; the same events into eventsourcing's table), then read from "
        f"position 0 to the end in batches of {read.BATCH}:\n\n"
        "- **Ours read_all**: `read_all(after_position, limit)` in a loop; each batch is a list "
        "of `RecordedEvent` with `data` and `metadata` decoded from JSON.\n"
        f"- **Ours subscribe**: `subscribe(0, batch_size={read.BATCH})` until N events have "
        "arrived (its history phase; it reads through `read_all`).\n"
        "- **Raw SELECT**: `SELECT … FROM events WHERE position > ? ORDER BY position LIMIT ?` "
        "on our table through the same driver (aiosqlite / asyncpg), rows left as the driver "
        "returns them.\n"
        "- **Raw SELECT + decode**: the same, plus building the same `RecordedEvent`s as ours "
        "(two `json.loads`, uuid, timestamp): the floor for a reader that returns what ours "
        "returns.\n"
        "- **eventsourcing**: `select_notifications(start, limit, inclusive_of_start=False)` "
        "in a loop on its own table; it returns `Notification`s whose state stays bytes.\n\n"
        f"Every reader first reads the first {read.WARMUP_EVENTS:,} events as a warm-up; "
        f"then {runs} full reads per reader, interleaved; each figure is "
        f"the **median of {runs}**."
    )
    return Section(
        title=READ_TITLE,
        method=method,
        headers=read.HEADERS,
        rows=[read.row(f) for f in figures],
        notes=_with_load(read_notes(figures, postgres=postgres), ctx),
        measured=f"{ctx.stamp}, {ctx.mode}",
    )


def _beyond_floor(ours: float, floor: float) -> str:
    extra = 1 / ours - 1 / floor
    if extra <= 0.05 / floor:  # within 5% of the floor: no layer cost to speak of
        return "Ours is within 5% of that floor (or above it)."
    return (
        f"Ours spends {_us(extra)} an event beyond that floor, in the layers between the driver "
        "and `RecordedEvent` (SQLAlchemy Core and `_sql.recorded_event`)."
    )


def read_notes(figures: Sequence[read.ReadFigure], *, postgres: bool) -> str:
    lines: list[str] = []
    for f in figures:
        ours = f.events_per_second("ours read_all")
        sub = f.events_per_second("ours subscribe")
        raw = f.events_per_second("raw")
        decoded = f.events_per_second("raw + decode")
        es = f.events_per_second("eventsourcing")
        text = (
            f"On {f.database}, ours reads {fmt_rate(ours)} events/s ({_us(1 / ours)} an event), "
            f"subscribe {fmt_rate(sub)}/s. The bare driver delivers rows at {fmt_rate(raw)}/s "
            f"({_us(1 / raw)}); building the same `RecordedEvent`s from them costs "
            f"{_us(1 / decoded - 1 / raw)} more an event ({fmt_rate(decoded)}/s). "
            + _beyond_floor(ours, decoded)
            + f" eventsourcing, which does not decode its payloads, reads {fmt_rate(es)}/s."
        )
        if f.database == "SQLite":
            if ours >= read.SQLITE_GOAL:
                text += f" The goal of {fmt_rate(read.SQLITE_GOAL)}/s on SQLite is met."
            else:
                text += (
                    f" The goal of {fmt_rate(read.SQLITE_GOAL)}/s on SQLite is missed "
                    f"({ours / read.SQLITE_GOAL:.0%} of it)"
                    + (
                        f"; even the decode floor ({fmt_rate(decoded)}/s) is below it here."
                        if decoded < read.SQLITE_GOAL
                        else f"; the decode floor ({fmt_rate(decoded)}/s) shows it is reachable."
                    )
                )
        lines.append(text)
    stats = [(f"{f.database} {name}", stat) for f in figures for name, stat in f.rates.items()]
    if stats:
        lines.append(_spread(stats))
    if not postgres:
        lines.append(_NO_POSTGRES)
    return "\n\n".join(lines)
