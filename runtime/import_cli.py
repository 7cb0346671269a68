"""``b2b import KIND FILE``: upload a CSV or XLSX file to a running system's import route and
follow the job with a progress bar; print the row errors of a rejected file."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

KINDS = ("products", "price-lists", "quantity-breaks", "customer-prices", "stock", "buyers")
SHOWN_ERRORS = 30


def register(app: typer.Typer) -> None:
    app.command(name="import")(import_file)


def import_file(
    kind: Annotated[str, typer.Argument(help=f"one of: {', '.join(KINDS)}")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or XLSX")],
    url: Annotated[
        str, typer.Option(envvar="B2B_URL", help="the running system")
    ] = "http://127.0.0.1:8000",
    username: Annotated[str | None, typer.Option(envvar="B2B_USERNAME")] = None,
    password: Annotated[str | None, typer.Option(envvar="B2B_PASSWORD", hide_input=True)] = None,
    token: Annotated[str | None, typer.Option(envvar="B2B_TOKEN", help="a bearer token")] = None,
    skip_invalid: Annotated[
        bool, typer.Option(help="apply the valid rows even when some rows fail")
    ] = False,
    timeout: Annotated[float, typer.Option(help="seconds to wait for the job")] = 3600.0,
) -> None:
    """Import a sheet of KIND through the API: every row is validated first, and nothing is
    applied while any row fails (unless --skip-invalid). The same file again changes nothing."""
    console = Console(stderr=True)
    if kind not in KINDS:
        raise typer.BadParameter(f"choose one of {', '.join(KINDS)}", param_hint="KIND")
    with httpx.Client(base_url=url, timeout=300.0) as client:
        headers = {"Authorization": f"Bearer {_token(client, token, username, password)}"}
        with file.open("rb") as content:
            response = client.post(
                f"/api/v1/imports/{kind}",
                files={"file": (file.name, content, "application/octet-stream")},
                params={"on_error": "skip" if skip_invalid else "reject"},
                headers={**headers, "Prefer": "respond-async"},
            )
        if response.status_code == 202:
            job = _follow(client, response.headers["Location"], headers, timeout, console)
        elif response.status_code in (200, 201):
            job = response.json()
        elif response.status_code == 422 and "job_id" in response.json():
            job = client.get(response.headers["Location"], headers=headers).json()
        else:
            console.print(f"[red]{response.status_code}[/] {response.text[:500]}")
            raise typer.Exit(code=2)
        if response.headers.get("Idempotent-Replayed"):
            console.print("this file was imported before: its job is shown again")
    _report(job, client_errors=job.get("errors", []), console=console)
    if job["status"] != "done":
        raise typer.Exit(code=1)


def _token(
    client: httpx.Client, token: str | None, username: str | None, password: str | None
) -> str:
    if token:
        return token
    username = username or os.environ.get("USER", "")
    if not username or not password:
        raise typer.BadParameter("give --token, or --username and --password", param_hint="auth")
    answer = client.post("/api/v1/auth/token", data={"username": username, "password": password})
    if answer.status_code != 200:
        raise typer.BadParameter(f"log-in refused ({answer.status_code})", param_hint="auth")
    return str(answer.json()["access_token"])


def _follow(
    client: httpx.Client, location: str, headers: dict[str, str], timeout: float, console: Console
) -> dict[str, Any]:
    columns = (
        TextColumn("{task.description:<11}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    deadline = time.monotonic() + timeout
    with Progress(*columns, console=console) as progress:
        checking = progress.add_task("validating", total=None)
        applying = progress.add_task("applying", total=None, visible=False)
        while True:
            job: dict[str, Any] = client.get(location, headers=headers).json()
            total = job["rows_total"] or None
            progress.update(checking, total=total, completed=job["rows_validated"])
            if job["status"] in ("applying", "done"):
                progress.update(
                    applying,
                    visible=True,
                    total=job["rows_to_apply"] or None,
                    completed=job["rows_applied"],
                )
            if job["status"] in ("done", "rejected", "failed"):
                return job
            if time.monotonic() > deadline:
                console.print(f"[yellow]still {job['status']}[/]; follow it at {location}")
                raise typer.Exit(code=3)
            time.sleep(0.2)


def _report(job: dict[str, Any], client_errors: list[dict[str, Any]], console: Console) -> None:
    colour = {"done": "green", "rejected": "red", "failed": "red"}.get(job["status"], "yellow")
    console.print(
        f"[bold {colour}]{job['status']}[/]: {job['kind']}, {job['rows_total']} rows, "
        f"{job['rows_applied']} applied, {job['rows_rejected']} with errors (job {job['job_id']})"
    )
    if job.get("message"):
        console.print(job["message"])
    if client_errors:
        table = Table("row", "column", "reason", title="row errors")
        for error in client_errors[:SHOWN_ERRORS]:
            table.add_row(str(error["row"]), error["column"], error["reason"])
        console.print(table)
        more = job.get("errors_total", len(client_errors)) - SHOWN_ERRORS
        if more > 0:
            console.print(
                f"... and {more} more (GET /api/v1/imports/{job['kind']}/{job['job_id']})"
            )
