"""The operators' ``b2b`` commands: history, state, replay, projections, dead-letters, export."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from runtime.ops.deployment import Deployment, DeploymentNotFound, open_deployment
from runtime.settings import Settings

T = TypeVar("T")
out = Console()
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option(help="Embedded data directory (default $DATA_DIR or ./var): <service>.db files"),
]
DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        envvar="B2B_DATABASE_URL",
        help="Distributed: the PostgreSQL server; each service's store is database "
        "<prefix>_<service> on it (B2B_DATABASE_PREFIX, default b2b)",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]


def _run(
    data_dir: Path | None, database_url: str | None, work: Callable[[Deployment], Awaitable[T]]
) -> T:
    async def main() -> T:
        directory = None if database_url else (data_dir or Settings().data_dir)
        prefix = os.environ.get("B2B_DATABASE_PREFIX", "b2b")
        async with open_deployment(
            data_dir=directory, database_url=database_url, database_prefix=prefix
        ) as deployment:
            return await work(deployment)

    try:
        return asyncio.run(main())
    except (DeploymentNotFound, KeyError, ValueError) as error:
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        err.print(f"[red]error:[/] {message}")
        raise typer.Exit(code=2) from error


def _instant(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise typer.BadParameter(
            f"{value!r} is not an ISO 8601 time; e.g. 2025-03-01T12:00:00Z"
        ) from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Only what was recorded by then (ISO 8601, UTC)")
]


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def history(
    order_id: Annotated[str, typer.Argument(help="The order id (the saga's correlation id)")],
    as_of: AsOf = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """One order's story across every service: time, service, event, actor, key facts."""
    from runtime.ops.asof import Kind, state_as_of
    from runtime.ops.history import order_history

    instant = _instant(as_of)

    async def work(deployment: Deployment) -> dict[str, Any]:
        entries = await order_history(deployment.stores, order_id, instant)
        state = None
        if instant is not None:
            state = await state_as_of(deployment.stores, Kind.order, order_id, instant)
        return {"order_id": order_id, "entries": [e.as_json() for e in entries], "state": state}

    found = _run(data_dir, database_url, work)
    if not found["entries"]:
        err.print(f"[yellow]no events about order {order_id}[/] (check the id and --data-dir)")
        raise typer.Exit(code=1)
    if as_json:
        _print_json(found)
        return
    table = Table(title=f"order {order_id}" + (f" as of {as_of}" if as_of else ""))
    for column in ("time (UTC)", "service", "event", "actor", "what"):
        table.add_column(column, overflow="fold")
    for entry in found["entries"]:
        at = entry["at"][:23].replace("T", " ")
        table.add_row(at, entry["service"], entry["event"], entry["actor"] or "", entry["summary"])
    out.print(table)
    services = sorted({e["service"] for e in found["entries"]})
    out.print(
        f"{len(found['entries'])} events from {len(services)} services: {', '.join(services)}"
    )
    if found["state"] is not None:
        out.print_json(data=found["state"])


def state(
    kind: Annotated[str, typer.Argument(help="order | stock | invoice")],
    key: Annotated[str, typer.Argument(help="The order id, SKU or invoice id")],
    as_of: AsOf = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """An order, a SKU's stock or an invoice: the fold of its events recorded by --as-of."""
    from runtime.ops.asof import Kind, state_as_of

    try:
        chosen = Kind(kind)
    except ValueError as error:
        raise typer.BadParameter(f"{kind!r}: use order, stock or invoice") from error
    instant = _instant(as_of) or datetime.now(UTC)

    async def work(deployment: Deployment) -> dict[str, Any]:
        return await state_as_of(deployment.stores, chosen, key, instant)

    found = _run(data_dir, database_url, work)
    if found["version"] == 0:
        err.print(f"[yellow]no events for {found['stream_id']} by {instant.isoformat()}[/]")
        raise typer.Exit(code=1)
    _print_json(found)


def replay(
    projection: Annotated[
        str | None, typer.Option(help="Projection name (or service:name)")
    ] = None,
    replay_all: Annotated[
        bool,
        typer.Option("--all", help="Every projection, in one pass over the event stores"),
    ] = False,
    verify: Annotated[
        bool, typer.Option(help="Compare every row with the live tables before swapping")
    ] = True,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Rebuild a projection (or --all) into new tables beside the live ones, verify, swap."""
    from runtime.ops.replay import replay as rebuild
    from runtime.ops.replay import replay_all as rebuild_all
    from shared.service.rebuild import RebuildMismatch, RebuildReport

    if (projection is None) == (not replay_all):
        err.print("[red]name one projection with --projection NAME, or give --all[/]")
        raise typer.Exit(code=2)
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*Progress.get_default_columns()[:1], *columns, console=err) as bar:
        task = bar.add_task(f"replaying {projection or 'every projection'}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        async def work(deployment: Deployment) -> list[RebuildReport]:
            if projection is None:
                return await rebuild_all(deployment, progress=progress, verify=verify)
            return [await rebuild(deployment, projection, progress=progress, verify=verify)]

        try:
            reports = _run(data_dir, database_url, work)
        except RebuildMismatch as error:
            err.print(f"[red]not swapped:[/] {error}")
            raise typer.Exit(code=1) from error
    for report in reports:
        rows = ", ".join(f"{name} {count}" for name, count in report.rows.items())
        rate = report.events_read / report.seconds if report.seconds else 0.0
        out.print(
            f"[green]swapped[/] {report.projection}: {report.events_read} events "
            f"({report.events_applied} applied) in {report.seconds:.1f}s ({rate:,.0f}/s); "
            f"rows {rows}; " + ("verified row for row" if report.verified else "not verified")
        )
        for skipped in report.skipped:
            err.print(f"[yellow]skipped (dead-lettered live too):[/] {skipped}")


def projections(
    as_json: AsJson = False, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Every projection's version, position per source and lag behind its sources."""
    from runtime.ops.status import projection_status

    async def work(deployment: Deployment) -> list[dict[str, Any]]:
        return [s.as_json() for s in await projection_status(deployment)]

    found = _run(data_dir, database_url, work)
    if as_json:
        _print_json(found)
        return
    table = Table(title="projections")
    for column in ("service", "projection", "version", "built", "positions", "lag", "dead"):
        table.add_column(column)
    for row in found:
        positions = " ".join(f"{s}@{p}/{row['heads'][s]}" for s, p in row["positions"].items())
        built = ",".join(map(str, row["built_versions"])) or "-"
        table.add_row(
            row["service"], row["name"], str(row["version"]), built, positions,
            str(row["lag"]), str(row["dead_letters"]),
        )  # fmt: skip
    out.print(table)


dead_letters = typer.Typer(help="Events a consumer could not handle: list, show, retry.")


@dead_letters.command("list")
def list_dead_letters(
    as_json: AsJson = False, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Every service's dead letters."""
    from runtime.ops.dead_letters import list_letters

    found = _run(data_dir, database_url, list_letters)
    if as_json:
        _print_json(found)
        return
    table = Table(title=f"{len(found)} dead letters")
    for column in ("id", "consumer", "event", "at", "error"):
        table.add_column(column, overflow="fold")
    for row in found:
        where = f"{row['source']}@{row['position']}"
        table.add_row(row["id"], row["consumer"], row["event_type"], where, row["error"][:120])
    out.print(table)


@dead_letters.command("show")
def show_dead_letter(
    letter_id: Annotated[str, typer.Argument(help="<service>:<number>, as listed")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """One dead letter: its event, the error, the attempts."""
    from runtime.ops.dead_letters import show_letter

    async def work(deployment: Deployment) -> dict[str, Any]:
        return await show_letter(deployment, letter_id)

    _print_json(_run(data_dir, database_url, work))


@dead_letters.command("retry")
def retry_dead_letter(
    letter_id: Annotated[str, typer.Argument(help="<service>:<number>, as listed")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Hand the event to its consumer again; removed when it succeeds."""
    from runtime.ops.dead_letters import retry_letter

    async def work(deployment: Deployment) -> str:
        return await retry_letter(deployment, letter_id)

    try:
        done = _run(data_dir, database_url, work)
    except Exception as error:
        if isinstance(error, typer.Exit):
            raise
        err.print(f"[red]retry failed, the dead letter stays:[/] {error!r}")
        raise typer.Exit(code=1) from error
    out.print(f"[green]retried[/] {done}")


def export(
    projection: Annotated[str, typer.Option(help="Projection name (or service:name)")],
    fmt: Annotated[str, typer.Option("--format", help="csv | parquet")] = "csv",
    out_dir: Annotated[Path, typer.Option("--out", help="Directory for the files")] = Path(
        "export"
    ),
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Write a projection's tables as CSV or Parquet files (one per table)."""
    from runtime.ops.export import ExportFormat, export_projection

    try:
        chosen = ExportFormat(fmt)
    except ValueError as error:
        raise typer.BadParameter(f"{fmt!r}: use csv or parquet") from error

    async def work(deployment: Deployment) -> list[tuple[Path, int]]:
        return await export_projection(deployment, projection, chosen, out_dir)

    for path, rows in _run(data_dir, database_url, work):
        out.print(f"{path}: {rows} rows")


def audit(
    event_type: Annotated[
        list[str] | None, typer.Option("--type", help="Only this event type (repeatable)")
    ] = None,
    who: Annotated[
        str | None, typer.Option(help="A user, party, key id or actor the event names")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this time (ISO 8601)")] = None,
    until: Annotated[str | None, typer.Option(help="Before this time (ISO 8601)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1_000_000, help="The newest N")] = 200,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of the screen")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="with --out: csv | jsonl | parquet")] = "csv",
    as_json: AsJson = False,
    data_dir: DataDir = None,
    store_url: Annotated[
        str | None,
        typer.Option(envvar="B2B_AUDIT_STORE", help="The audit event store's URL (distributed)"),
    ] = None,
) -> None:
    """The security audit trail: log-ins, API keys, webhook subscriptions, roles, denied access."""
    from runtime.ops.audit import AuditFormat, audit_url, search_audit, write_export
    from shared.service.auth.audit import AuditQuery

    try:
        chosen = AuditFormat(fmt)
    except ValueError as error:
        raise typer.BadParameter(f"{fmt!r}: use csv, jsonl or parquet") from error
    query = AuditQuery(frozenset(event_type or ()), who, _instant(since), _instant(until), limit)
    try:
        url = audit_url(data_dir or Settings().data_dir, store_url)
        found = asyncio.run(search_audit(url, query))
    except DeploymentNotFound as error:
        err.print(f"[red]error:[/] {error}")
        raise typer.Exit(code=2) from error
    if out_file is not None:
        write_export(found, out_file, chosen)
        out.print(f"{out_file}: {len(found)} audit events")
        return
    if as_json:
        _print_json(found)
        return
    table = Table(title=f"{len(found)} audit events, newest first")
    for column in ("time (UTC)", "event", "actor", "about", "details"):
        table.add_column(column, overflow="fold")
    for entry in found:
        details = ", ".join(
            f"{k}={v}"
            for k, v in entry["data"].items()
            if v not in (None, "", False)
            and k not in ("username", "key_id", "subscription_id", "path")
        )
        at = entry["at"][:19].replace("T", " ")
        table.add_row(at, entry["event_type"], entry["actor"], entry["subject"], details[:200])
    out.print(table)


def register(app: typer.Typer) -> None:
    """Add the operators' commands to the ``b2b`` CLI."""
    for command in (history, state, replay, projections, export, audit):
        app.command()(command)
    app.add_typer(dead_letters, name="dead-letters")
