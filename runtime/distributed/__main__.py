"""``python -m runtime.distributed SERVICE --port N``: every role of one service in one process
(the same as ``b2b node --service SERVICE``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from runtime.distributed.launch import UnknownService, run_node
from runtime.distributed.node import ROLES

cli = typer.Typer(add_completion=False)


@cli.command()
def serve(
    service: Annotated[str, typer.Argument(help="order, pricing, inventory, logistics or payment")],
    port: Annotated[int | None, typer.Option(help="HTTP port (default $B2B_PORT or 8080)")] = None,
    host: Annotated[str | None, typer.Option(help="Interface to listen on")] = None,
    data_dir: Annotated[
        Path, typer.Option(help="This process's files (its identity database)")
    ] = Path("var/distributed"),
) -> None:
    """Serve one service: its API, its outbox relay to Kafka and its Kafka-fed consumers.

    Needs DATABASE_URL (PostgreSQL) and KAFKA_BOOTSTRAP_SERVERS in the environment.
    """
    try:
        run_node(service, ROLES, port=port, host=host, data_dir=data_dir)
    except UnknownService as error:
        raise typer.BadParameter(str(error)) from error


if __name__ == "__main__":
    cli()
