"""The report writer: number formats, tables, and merging re-measured sections by title."""

import pytest

from bench.report import Section, fmt_rate, fmt_ratio, merge, render_table, split_sections

MACHINE = [("CPU", "Test CPU"), ("Cores available", "2")]


def section(title: str, figure: str) -> Section:
    return Section(
        title=title,
        method="Measured somehow.",
        headers=("Database", "Events/s"),
        rows=[("SQLite", figure)],
        notes=f"It did {figure}.",
        measured="2025-01-01 00:00 UTC, full run",
    )


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0, "0"),
        (0.5, "0.500"),
        (12.345, "12.3"),
        (203.6, "204"),
        (3876.4, "3,880"),
        (388_677.4, "389,000"),
        (1_234_567.0, "1,230,000"),
    ],
)
def test_rates_show_three_significant_digits_with_separators(value: float, shown: str) -> None:
    assert fmt_rate(value) == shown


def test_ratios_say_whether_the_goal_is_met() -> None:
    assert fmt_ratio(0.62, 0.6) == "0.62\u00d7 \u2713"
    assert fmt_ratio(0.41, 0.6) == "0.41\u00d7 \u2717"
    assert fmt_ratio(12.34) == "12.3\u00d7"
    assert fmt_ratio(None, 1.5) == "\u2014"


def test_a_table_right_aligns_numeric_columns_and_escapes_pipes() -> None:
    table = render_table(("Database", "Events/s", "Ratio"), [("a|b", "3,880", "0.62\u00d7 \u2713")])
    assert table.splitlines() == [
        "| Database | Events/s | Ratio |",
        "|---|---:|---:|",
        "| a\\|b | 3,880 | 0.62\u00d7 \u2713 |",
    ]


def test_a_section_refuses_a_row_that_does_not_fit_its_table() -> None:
    with pytest.raises(ValueError, match="3 cells"):
        Section("T", "m", ("a", "b"), [("1", "2", "3")], "n")


def test_merging_replaces_re_measured_sections_in_place_and_keeps_the_others() -> None:
    old = merge(None, MACHINE, [section("Append", "100"), section("HTTP", "5")], keep_others=False)
    new = merge(old, MACHINE, [section("Append", "200"), section("Kafka", "9")], keep_others=True)
    preamble, sections = split_sections(new)
    assert [title for title, _ in sections] == ["Machine", "Append", "HTTP", "Kafka"]
    bodies = dict(sections)
    assert "| SQLite | 200 |" in bodies["Append"]
    assert "100" not in bodies["Append"]
    assert "| SQLite | 5 |" in bodies["HTTP"]
    assert preamble.startswith("# Benchmarks")
    assert new.count("## Machine") == 1


def test_a_full_run_writes_only_what_it_measured() -> None:
    old = merge(None, MACHINE, [section("Append", "100"), section("HTTP", "5")], keep_others=False)
    new = merge(old, MACHINE, [section("Append", "200")], keep_others=False)
    assert [title for title, _ in split_sections(new)[1]] == ["Machine", "Append"]
