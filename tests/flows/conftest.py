"""One Prefect test harness (a temporary server in this process) for the flow tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="package")
def prefect_harness() -> Iterator[None]:
    """Torn down with this package: later tests talk to real Prefect servers of their own."""
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from prefect.testing.utilities import prefect_test_harness

    from plumbing.prefect_setup import configure

    configure()
    with prefect_test_harness(server_startup_timeout=None):
        yield


@pytest.fixture(autouse=True)
def _harness(prefect_harness: None) -> None:
    """Every flow test runs against the harness."""
