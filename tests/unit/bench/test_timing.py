"""The rate arithmetic behind every figure of docs/BENCHMARKS.md."""

import pytest

from bench.timing import Run, Stat, commits_for, rate, ratio


def test_a_rate_is_things_per_second() -> None:
    assert rate(500, 2.0) == 250.0
    assert Run(count=3000, seconds=1.5).rate == 2000.0


@pytest.mark.parametrize("seconds", [0.0, -1.0])
def test_a_run_that_took_no_time_has_no_rate(seconds: float) -> None:
    with pytest.raises(ValueError, match="must take some time"):
        rate(10, seconds)


def test_a_figure_is_the_median_of_its_runs_and_reports_their_spread() -> None:
    stat = Stat.of([Run(100, 1.0), Run(300, 1.0), Run(200, 1.0), Run(1000, 1.0), Run(250, 1.0)])
    assert stat.median == 250.0
    assert stat.spread == pytest.approx((1000 - 100) / 250)
    assert Stat.of([Run(7, 1.0)]).spread == 0.0


def test_a_figure_needs_a_run() -> None:
    with pytest.raises(ValueError, match="at least one run"):
        Stat.of([])


def test_ratio_divides_ours_by_the_baseline_and_has_none_without_one() -> None:
    assert ratio(300.0, 1200.0) == 0.25
    assert ratio(300.0, 0.0) is None


def test_runs_are_sized_from_the_warm_up_rate_within_limits() -> None:
    assert commits_for(4000.0, 0.5, low=20, high=20_000) == 2000
    assert commits_for(10.0, 0.5, low=20, high=20_000) == 20
    assert commits_for(1e9, 1.0, low=20, high=20_000) == 20_000
