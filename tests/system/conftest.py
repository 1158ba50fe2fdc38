"""A Prefect server for the system tests that bring their own hubflow processes to it: one
per test module, so that what one module leaves on it (a work pool whose worker has gone,
deployments whose scheduled runs turn late) does not load the server the next one uses
(its SQLite was seen locked for minutes, stalling a flow run's start)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from hubflow.runtime.serve import local_api, prefect_environment, start_prefect_server
from tests.system.helpers import free_port


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    """A `prefect server start` (its port, its API URL), as an operator runs one."""
    folder: Path = tmp_path_factory.mktemp("prefect-server")
    port = free_port()
    env = prefect_environment(home=folder / ".prefect", api_url=local_api(port))
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        server = start_prefect_server(port, log_file=folder / "prefect-server.log")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    try:
        yield port, local_api(port)
    finally:
        server.stop(grace=10)
