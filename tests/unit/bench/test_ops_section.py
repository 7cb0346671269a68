"""The projection-rebuild section of the bench report, written from figures."""

from __future__ import annotations

from pathlib import Path

from bench.harness import Context
from bench.ops import Figure, Template, section
from bench.report import TIMES, render_section
from bench.timing import Progress


def test_the_section_shows_each_ratio_against_its_goal_and_the_total() -> None:
    ctx = Context(quick=True, database_url=None, workdir=Path("."), progress=Progress(quiet=True),
                  stamp="now")  # fmt: skip
    figures = [
        Figure("order", "order_facts", 1000, 400, 2.0, 0.1),  # 500/s vs 10,000/s raw
        Figure("payment", "payment.invoices", 1000, 10, 0.2, 0.1),  # 5,000/s vs 10,000/s
    ]
    text = render_section(
        section(ctx, figures, 2000, Template({}, {}, 3), ["x:late"], (1_000_000, 75.4, 20.0))
    )
    assert f"0.05{TIMES} ✗" in text
    assert f"0.50{TIMES} ✓" in text
    assert "all 3 projections together" in text
    assert "took **75 s** for a log of 1,000,000 events (goal ≤ 60 s ✗)" in text
    assert "took 20 s" in text
    assert "x:late" in text


def test_the_slowest_projection_named_is_one_that_had_events_to_rebuild() -> None:
    ctx = Context(quick=True, database_url=None, workdir=Path("."), progress=Progress(quiet=True),
                  stamp="now")  # fmt: skip
    figures = [
        Figure("order", "order_facts", 1000, 400, 2.0, 0.1),
        Figure("sourcing", "sourcing_rfqs", 0, 0, 0.001, 0.00001),  # nothing in its sources
        Figure("payment", "payment.invoices", 1000, 10, 0.2, 0.1),
    ]
    text = render_section(section(ctx, figures, 2000, Template({}, {}, 3)))
    assert "The slowest against its raw read was order:order_facts." in text
