"""What the runner hands each bench module, and what a module must be."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bench.report import Section
from bench.timing import Progress


@dataclass(frozen=True, slots=True)
class Context:
    """One bench run's settings.

    ``database_url`` is DATABASE_URL (None: PostgreSQL figures are skipped with a note);
    ``workdir`` is a temporary directory removed after the run (SQLite files go there).
    """

    quick: bool
    database_url: str | None
    workdir: Path
    progress: Progress
    stamp: str
    """When and on what, for each section's "Measured" line."""
    load_at_start: float = 0.0
    """The 1-minute load average when the run began (see ``machine.busy_note``)."""

    @property
    def mode(self) -> str:
        return "quick run (`--quick`)" if self.quick else "full run"


BenchRun = Callable[[Context], Awaitable[list[Section]]]
"""A bench module's entry point: measure, then describe the figures as sections."""
