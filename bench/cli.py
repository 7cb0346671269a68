"""The runner: choose bench modules, run them, write docs/BENCHMARKS.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import sys
import tempfile
import traceback
from pathlib import Path

from bench import distributed, eventstore, imports, machine, ops, pipeline
from bench.eventstore.contenders import PostgresBackend
from bench.harness import BenchRun, Context
from bench.report import Section, merge
from bench.timing import Progress

MODULES: dict[str, BenchRun] = {
    eventstore.NAME: eventstore.run,
    pipeline.NAME: pipeline.run,
    distributed.NAME: distributed.run,
    ops.NAME: ops.run,
    imports.NAME: imports.run,
}
"""Every bench module by name, in report order. Register a new module here."""

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "BENCHMARKS.md"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure the platform and write the results to a Markdown report.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="a short smoke run: small logs, fewer, shorter runs"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help=f"run only these modules (repeat or comma-separate): {', '.join(MODULES)}; "
        "the report keeps the other sections it already has",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="the report to write (default: docs/BENCHMARKS.md)",
    )
    parser.add_argument("--no-write", action="store_true", help="measure and print, write nothing")
    parser.add_argument("--list", action="store_true", help="list the modules and exit")
    return parser.parse_args(argv)


def selected(only: list[str] | None) -> list[str]:
    if not only:
        return list(MODULES)
    names = [name.strip() for item in only for name in item.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODULES]
    if unknown:
        known = ", ".join(MODULES)
        raise SystemExit(f"unknown bench module(s): {', '.join(unknown)}; known: {known}")
    return [name for name in MODULES if name in names]


async def _postgres_version(url: str | None) -> str | None:
    if not url:
        return None
    backend = PostgresBackend(url, prefix="unused")
    return await backend.server_version()


def _write(
    output: Path,
    existing: str | None,
    machine_rows: list[tuple[str, str]],
    sections: list[Section],
    *,
    keep_others: bool,
) -> None:
    document = merge(existing, machine_rows, sections, keep_others=keep_others)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(document)


async def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the selected modules; the report is rewritten after each one.

    Until the last module ends the other sections of the file are kept (a slow or failing
    module never costs the figures already measured); a full run that succeeded then writes
    exactly the sections it measured.
    """
    names = selected(args.only)
    progress = Progress()
    url = os.environ.get("DATABASE_URL") or None
    command = shlex.join(["python", "-m", "bench", *argv])
    load_before = machine.load()
    postgres = await _postgres_version(url)
    output: Path = args.output
    existing = output.read_text() if output.exists() else None  # noqa: ASYNC240
    sections: list[Section] = []
    failed: list[str] = []

    def write(*, final: bool) -> None:
        if args.no_write or not sections:
            return
        rows = machine.describe(
            postgres, command, load_before=load_before, load_after=machine.load()
        )
        keep_others = not final or bool(args.only) or bool(failed)
        _write(output, existing, rows, sections, keep_others=keep_others)
        progress.say(f"wrote {output}")

    with tempfile.TemporaryDirectory(prefix="b2b-bench-") as workdir:
        ctx = Context(
            quick=args.quick,
            database_url=url,
            workdir=Path(workdir),
            progress=progress,
            stamp=machine.short(),
            load_at_start=machine.load_1min(),
        )
        for name in names:
            progress.say(f"{name}: starting ({ctx.mode})")
            try:
                sections += await MODULES[name](ctx)
            except Exception:
                traceback.print_exc()
                failed.append(name)
                progress.say(f"{name}: FAILED, its sections are not updated")
            if name != names[-1]:
                write(final=False)
    progress.say(f"done in {progress.elapsed():.0f}s")
    if args.no_write:
        for section in sections:
            print(f"\n## {section.title}\n")
            for row in section.rows:
                print(" | ".join(row))
    write(final=True)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.list:
        for name in MODULES:
            print(name)
        return 0
    return asyncio.run(run(args, argv))
