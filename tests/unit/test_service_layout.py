"""Every service has the one shape docs/service-guide.md describes: learn one, know them all."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from runtime.services import ALL_SERVICES
from shared.eventstore.memory import InMemoryEventStore
from shared.service.definition import ServiceContext
from shared.service.idempotency import IdempotencyStore
from shared.sql.sqlite import SqliteDatabase

SERVICES = Path(__file__).resolve().parents[2] / "services"
NAMES = sorted(d.name for d in ALL_SERVICES)
TOP_LEVEL = {"__init__.py", "domain", "reactions.py", "views", "http", "service.py"}
DOMAIN = {"__init__.py", "commands.py", "state.py", "decide.py", "errors.py"}
LONGEST = 60
"""Lines a function in services/ may take (its body included, its decorators not)."""


def entries(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir() if p.name != "__pycache__"}


@pytest.mark.parametrize("name", NAMES)
def test_a_service_has_the_common_layout(name: str) -> None:
    root = SERVICES / name
    assert entries(root) == TOP_LEVEL, f"services/{name}: {sorted(entries(root) ^ TOP_LEVEL)}"
    assert entries(root / "domain") >= DOMAIN, sorted(DOMAIN - entries(root / "domain"))
    assert {"__init__.py"} <= entries(root / "views")
    assert {"__init__.py", "models.py"} <= entries(root / "http")


@pytest.mark.parametrize("name", NAMES)
def test_the_same_names_do_the_same_jobs(name: str) -> None:
    package = f"services.{name}"
    assert callable(importlib.import_module(f"{package}.http").routes)
    assert callable(importlib.import_module(f"{package}.reactions").reactions)
    service = importlib.import_module(f"{package}.service")
    assert callable(service.build)
    assert service.definition.name == name


@pytest.mark.parametrize("name", NAMES)
def test_reactions_and_views_name_events_by_class(tmp_path: Path, name: str) -> None:
    """A renamed event is then an error where it is used, not a subscription that goes quiet."""
    [definition] = [d for d in ALL_SERVICES if d.name == name]
    engine = SqliteDatabase(tmp_path / "never-opened.db")  # building a service does no I/O
    parts = definition.build(
        ServiceContext(name, InMemoryEventStore(), engine, IdempotencyStore(engine))
    )
    named = [(p.name, k) for p in parts.policies for k in p.event_types]
    named += [(v.name, k) for v in parts.projections for k in v.event_types]
    assert named
    assert [(who, kind) for who, kind in named if isinstance(kind, str)] == []


def test_no_function_in_services_is_longer_than_it_should_be() -> None:
    long = []
    for path in sorted(SERVICES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length >= LONGEST:
                    long.append(f"{path.relative_to(SERVICES)}:{node.lineno} {node.name} {length}")
    assert long == [], "split these into functions that each do one thing"
