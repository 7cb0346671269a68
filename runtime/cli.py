"""The ``b2b`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console

from runtime.distributed.cli import register as register_distributed
from runtime.import_cli import register as register_import
from runtime.ops.cli import register as register_ops
from runtime.settings import Settings

app = typer.Typer(help="B2B ordering platform: run it, drive it, inspect it.", no_args_is_help=True)
console = Console(stderr=True)
register_ops(app)
register_distributed(app)
register_import(app)


@app.callback()
def main_options() -> None:
    """B2B ordering platform: run it, drive it, inspect it."""


@app.command()
def run(
    port: Annotated[int | None, typer.Option(help="Port (default $PORT or 8000)")] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="Data directory (default $DATA_DIR or ./var)")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    database_url: Annotated[
        str | None,
        typer.Option(help="PostgreSQL instead of SQLite files ($B2B_EMBEDDED_DATABASE_URL)"),
    ] = None,
) -> None:
    """Run the whole system embedded in one process: every service, SQLite stores, no servers."""
    from runtime.app import create_app

    settings = Settings()
    given = {"port": port, "data_dir": data_dir, "host": host, "database_url": database_url}
    updates = {k: v for k, v in given.items() if v is not None}
    settings = settings.model_copy(update=updates)
    url = f"http://{settings.host}:{settings.port}"
    console.print(
        f"[bold]B2B ordering[/] starting embedded on {url} "
        f"(data in {settings.data_dir.resolve()}); the URL and log-ins follow once it is ready"
    )

    def announce() -> None:
        console.print(f"[bold green]Ready[/]: open [link]{url}/[/] (API docs at {url}/docs)")
        if settings.development:
            from runtime.demo_accounts import demo_login_summary
            from runtime.demo_data import build_world

            for line in demo_login_summary(build_world()):
                console.print(f"  {line}")

    uvicorn.run(
        create_app(settings, on_ready=announce),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        log_config=None,  # the app configures logging: JSON lines with correlation ids
        access_log=False,  # one line per request costs more than the request; /metrics counts
        loop="uvloop",
        http="httptools",
    )


def main() -> None:
    app()


@app.command()
def topology() -> None:
    """Print who emits each event and who reacts to it (Markdown; docs/topology.md is this)."""
    from runtime.topology import declared_parts
    from shared.service.topology import markdown

    print(markdown(declared_parts()), end="")


@app.command()
def simulate(
    orders: Annotated[int, typer.Option(min=1, help="How many orders to drive")] = 100,
    concurrency: Annotated[int, typer.Option(min=1, help="Orders in flight at once")] = 10,
    url: Annotated[
        str | None, typer.Option(help="A running system (e.g. http://127.0.0.1:8000)")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed for the scenario mix")] = 42,
    timeout: Annotated[float, typer.Option(help="Seconds one step may wait")] = 60.0,
    scenario: Annotated[
        list[str] | None,
        typer.Option(help="Only these scenarios (repeat), e.g. --scenario happy; default: a mix"),
    ] = None,
) -> None:
    """Drive orders through the lifecycle via the public HTTP API; print one JSON summary.

    Without --url a fresh embedded system is started in a temporary directory and seeded.
    """
    import asyncio
    import json

    from runtime.simulate import SCENARIOS
    from runtime.simulate_cli import run_simulation

    unknown = sorted(set(scenario or ()) - set(SCENARIOS))
    if unknown:
        raise typer.BadParameter(f"unknown {unknown}; choose from {sorted(SCENARIOS)}")
    summary = asyncio.run(
        run_simulation(orders, concurrency, url, seed, timeout, console, scenario or None)
    )
    print(json.dumps(summary, indent=2))
    if summary["as_expected"] != summary["orders"]:
        raise typer.Exit(code=1)


if __name__ == "__main__":
    main()
