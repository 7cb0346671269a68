"""The processes the container image and the Kubernetes manifests start are real `b2b` commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runtime.cli import app

ROOT = Path(__file__).resolve().parents[3]
runner = CliRunner()


def _text(output: str) -> str:
    """The CLI's error box as one line of words."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


def _manifest_args() -> list[list[str]]:
    found = []
    for path in sorted((ROOT / "deploy/k8s/base").rglob("*.yaml")):
        for match in re.finditer(r"^\s*args: \[(.*)\]$", path.read_text(), re.MULTILINE):
            found.append([part.strip() for part in match.group(1).split(",")])
    return found


def test_the_manifests_start_serve_worker_relay_and_portal() -> None:
    commands = {args[0] for args in _manifest_args()}
    assert commands == {"serve", "worker", "relay", "portal"}


@pytest.mark.parametrize("args", _manifest_args(), ids=lambda args: args[0])
def test_every_manifest_command_exists_with_its_options(args: list[str]) -> None:
    concrete = ["order" if part == "SERVICE" else part for part in args]
    result = runner.invoke(app, [*concrete, "--help"])
    assert result.exit_code == 0, result.output
    if "--service" in args:
        assert "--service" in result.output


def test_an_unknown_service_is_refused_with_the_choices() -> None:
    result = runner.invoke(app, ["worker", "--service", "billing"])
    assert result.exit_code == 2
    assert "choose one of inventory, logistics, order, payment, pricing" in _text(result.output)


def test_the_portal_asks_for_the_gateway_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("B2B_PORTAL_API_URL", raising=False)
    result = runner.invoke(app, ["portal"])
    assert result.exit_code == 2
    assert "B2B_PORTAL_API_URL" in _text(result.output)
