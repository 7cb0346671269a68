"""A batch job collects garbage rarely, and leaves the collector as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from runtime.heap import BATCH_OLDER_THRESHOLD, YOUNG_THRESHOLD, collecting_rarely


@pytest.fixture(autouse=True)
def default_collector() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_a_batch_job_collects_rarely_and_restores_the_setting() -> None:
    with collecting_rarely():
        assert gc.get_threshold() == (YOUNG_THRESHOLD, BATCH_OLDER_THRESHOLD, BATCH_OLDER_THRESHOLD)
    assert gc.get_threshold() == (700, 10, 10)


def test_the_setting_is_restored_when_the_job_fails() -> None:
    with pytest.raises(RuntimeError), collecting_rarely():
        raise RuntimeError("rebuild failed")
    assert gc.get_threshold() == (700, 10, 10)
