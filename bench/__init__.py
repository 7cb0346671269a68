"""Benchmarks: ``python -m bench [--quick] [--only NAME] [--output docs/BENCHMARKS.md]``.

``make bench`` runs it with DATABASE_URL pointing at a private PostgreSQL cluster; without
DATABASE_URL the PostgreSQL figures are skipped and the report says so.

Layout:

``bench/cli.py``        the runner: argument parsing, the registry of modules (``MODULES``), a
                        temporary work directory, progress, writing the report;
``bench/harness.py``    ``Context`` (quick?, DATABASE_URL, work directory, progress) and
                        ``BenchRun``, the signature of a module's entry point;
``bench/timing.py``     runs, rates, medians, spread, run sizing, progress lines;
``bench/report.py``     ``Section`` and the Markdown: tables, number formats, and ``merge``,
                        which replaces re-measured sections by title and keeps the others;
``bench/machine.py``    the machine table (CPU, cores, RAM, Python, SQLite, PostgreSQL);
``bench/eventstore/``   the event-store module: append and catch-up read rates of our SQLite
                        and PostgreSQL adapters beside raw driver SQL and ``eventsourcing``.

Adding a module (lifecycle throughput, HTTP rates, Kafka, projection rebuilds): a package or
module with ``async def run(ctx: Context) -> list[Section]`` that measures, prints progress with
``ctx.progress.say`` and returns its sections (each title unique across the report); register
it in ``bench/cli.py``'s ``MODULES``. Its sections then appear in the report, and
``--only NAME`` re-measures just it.
"""
