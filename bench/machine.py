"""What the numbers were measured on: CPU, cores, memory, interpreter and database versions."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime
from pathlib import Path


def cpu_model(cpuinfo: str | None = None) -> str:
    """The first ``model name`` of /proc/cpuinfo, else whatever the platform says."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "model name" and value.strip():
            return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1024 * 1024)
    except (OSError, ValueError, IndexError):
        pass
    return None


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def load() -> str:
    """The 1-, 5- and 15-minute load averages: other work on the machine skews every figure."""
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def load_1min() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


def busy_note(load_at_start: float) -> str | None:
    """A warning for a section when other work competed for the CPUs while it was measured."""
    peak = max(load_at_start, load_1min())
    if peak <= cores():
        return None
    return (
        f"Other processes competed for the CPUs while this was measured (1-minute load average "
        f"up to {peak:.1f} on {cores()} cores): absolute rates vary from run to run; compare "
        "the figures of one run with each other (contenders ran interleaved)."
    )


def describe(
    postgres: str | None,
    command: str,
    *,
    load_before: str,
    load_after: str,
    now: datetime | None = None,
) -> list[tuple[str, str]]:
    """Rows of the report's machine table. ``postgres`` is the server's version line, if any."""
    memory = memory_gib()
    now = now or datetime.now(UTC)
    return [
        ("CPU", cpu_model()),
        ("Cores available", str(cores())),
        ("RAM", f"{memory:.1f} GiB" if memory is not None else "unknown"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("SQLite (library)", sqlite3.sqlite_version),
        ("PostgreSQL (server)", postgres or "not measured (DATABASE_URL unset)"),
        ("Date (UTC)", now.strftime("%Y-%m-%d %H:%M")),
        ("Load average (1 / 5 / 15 min), start → end", f"{load_before} → {load_after}"),
        ("Command", f"`{command}`"),
    ]


def short(now: datetime | None = None) -> str:
    """A one-line stamp for a section: when, on what."""
    now = now or datetime.now(UTC)
    return f"{now:%Y-%m-%d %H:%M} UTC on {cpu_model()}, {cores()} cores"
