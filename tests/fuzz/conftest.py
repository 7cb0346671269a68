"""One embedded system served on a loopback port for the whole fuzzing session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fuzz.server import Served, served
from tests.security.conftest import test_settings


@pytest.fixture(scope="session")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("fuzz-data"), test_settings()) as running:
        yield running
