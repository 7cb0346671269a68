"""``b2b serve|worker|relay --service NAME``, ``b2b node --service NAME`` and ``b2b portal``: the
processes of the distributed mode (the container image's entrypoints, see docs/distributed.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ROLES = frozenset({"api", "worker", "relay"})  # as runtime.distributed.node names them

Service = Annotated[
    str, typer.Option("--service", help="order, pricing, inventory, logistics or payment")
]
Port = Annotated[int | None, typer.Option(help="HTTP port (default $B2B_PORT or 8080)")]
Host = Annotated[str | None, typer.Option(help="Interface (default $B2B_HOST or 127.0.0.1)")]
DataDir = Annotated[
    Path, typer.Option(help="This process's files (its identity database)", envvar="B2B_DATA_DIR")
]
DEFAULT_DATA = Path("var/distributed")


def _node(
    service: str, roles: frozenset[str], port: int | None, host: str | None, data: Path
) -> None:
    # Imported here: `b2b --help` and the embedded commands need neither uvicorn nor aiokafka.
    from runtime.distributed.launch import UnknownService, run_node

    try:
        run_node(service, roles, port=port, host=host, data_dir=data)
    except UnknownService as error:
        raise typer.BadParameter(str(error), param_hint="--service") from error


def register(app: typer.Typer) -> None:
    """Add the distributed-mode process commands to the ``b2b`` CLI."""

    @app.command()
    def serve(
        service: Service, port: Port = None, host: Host = None, data_dir: DataDir = DEFAULT_DATA
    ) -> None:
        """Distributed: a service's API (commands, queries, /health) on PostgreSQL."""
        _node(service, frozenset({"api"}), port, host, data_dir)

    @app.command()
    def worker(
        service: Service, port: Port = None, host: Host = None, data_dir: DataDir = DEFAULT_DATA
    ) -> None:
        """Distributed: a service's policies and projections fed by Kafka (/health only)."""
        _node(service, frozenset({"worker"}), port, host, data_dir)

    @app.command()
    def relay(
        service: Service, port: Port = None, host: Host = None, data_dir: DataDir = DEFAULT_DATA
    ) -> None:
        """Distributed: a service's outbox relay, its store to its Kafka topic (/health only)."""
        _node(service, frozenset({"relay"}), port, host, data_dir)

    @app.command()
    def node(
        service: Service, port: Port = None, host: Host = None, data_dir: DataDir = DEFAULT_DATA
    ) -> None:
        """Distributed: serve, worker and relay of one service in one process (make up)."""
        _node(service, ROLES, port, host, data_dir)

    @app.command()
    def portal(port: Port = None, host: Host = None) -> None:
        """Distributed: the portal alone, calling the APIs through B2B_PORTAL_API_URL."""
        from runtime.distributed.launch import run_portal

        try:
            run_portal(port=port, host=host)
        except RuntimeError as error:
            raise typer.BadParameter(str(error)) from error
