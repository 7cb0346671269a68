"""Event store bench: append and catch-up read rates of our adapters beside two baselines.

``workload``    the events written (order-like JSON of ~300 bytes) and the stream plan;
``contenders``  ours, raw driver SQL, and eventsourcing's recorder, for SQLite and PostgreSQL;
``append``      append rate at 1 and 100 events per commit;
``read``        catch-up read of a log from position 0;
``sections``    the report's text, written from the figures.
"""

from __future__ import annotations

import secrets

from bench.eventstore import append, read, sections
from bench.eventstore.contenders import Backend, PostgresBackend, SqliteBackend
from bench.eventstore.workload import Workload
from bench.harness import Context
from bench.report import Section

NAME = "eventstore"


async def run(ctx: Context) -> list[Section]:
    """Measure SQLite, and PostgreSQL when DATABASE_URL is set; return the two sections."""
    workload = Workload()
    directory = ctx.workdir / NAME
    directory.mkdir(parents=True, exist_ok=True)
    backends: list[Backend] = [SqliteBackend(directory)]
    if ctx.database_url:
        backends.append(PostgresBackend(ctx.database_url, prefix=f"bench_{secrets.token_hex(4)}"))
    else:
        ctx.progress.say("DATABASE_URL is unset: PostgreSQL is skipped")
    appends: list[append.AppendFigure] = []
    reads: list[read.ReadFigure] = []
    for backend in backends:
        try:
            for per_commit in append.PER_COMMIT:
                appends.append(await append.measure(backend, ctx, workload, per_commit))
            reads.append(await read.measure(backend, ctx, workload))
        finally:
            await backend.close()
    sample = [e for c in workload.commits("size", 200, 1) for e in c.events]
    return [
        sections.append_section(ctx, appends, sample, postgres=bool(ctx.database_url)),
        sections.read_section(ctx, reads, postgres=bool(ctx.database_url)),
    ]
