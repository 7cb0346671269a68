"""``python -m runtime.distributed SERVICE --port N``: run one service of the distributed mode."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from runtime.distributed.app import create_node_app
from runtime.distributed.settings import NodeSettings
from runtime.services import ALL_SERVICES

cli = typer.Typer(add_completion=False)


@cli.command()
def serve(
    service: Annotated[str, typer.Argument(help="order, pricing, inventory, logistics or payment")],
    port: Annotated[int, typer.Option(help="Port of this service's API")] = 8100,
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    data_dir: Annotated[
        Path, typer.Option(help="This process's files (its identity database)")
    ] = Path("var/distributed"),
) -> None:
    """Serve one service: its API, its outbox relay to Kafka and its Kafka-fed consumers.

    Needs DATABASE_URL (PostgreSQL) and KAFKA_BOOTSTRAP_SERVERS in the environment.
    """
    definitions = {d.name: d for d in ALL_SERVICES}
    if service not in definitions:
        choices = ", ".join(sorted(definitions))
        raise typer.BadParameter(f"unknown service {service!r}; choose one of {choices}")
    settings = NodeSettings(service=service, port=port, host=host)
    uvicorn.run(
        create_node_app(settings, definitions[service], data_dir / service),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    cli()
