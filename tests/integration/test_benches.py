"""Benches clean up after themselves: run small, from an empty folder, with their own
temporary folder, nothing is left in either (SPEC: a bench counts only work that really
happened and cleans up after itself)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.system.helpers import ROOT


@pytest.mark.parametrize(
    "argv",
    [
        ["bench.sweep", "--sizes", "300,600"],
        ["bench.dispatch", "--emails", "200", "--delay", "0.001"],
        ["bench.announce", "--sizes", "100,200", "--delay", "0.001"],
        ["bench.join", "--seconds", "1", "--connections", "4"],
        ["bench.pages", "--sizes", "60,120", "--clients", "2", "--rounds", "1"],
    ],
    ids=["sweep", "dispatch", "announce", "join", "pages"],
)
def test_a_bench_leaves_nothing_behind(tmp_path: Path, argv: list[str]) -> None:
    if argv[0] == "bench.join" and not shutil.which("wrk"):
        pytest.skip("bench/join.py drives its load with wrk (apt-get install wrk)")
    here, scratch = tmp_path / "cwd", tmp_path / "tmp"
    here.mkdir()
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch), "PYTHONPATH": str(ROOT)}
    for key in ("HUBFLOW_DATABASE_URL", "HUBFLOW_OUTBOX_DIR"):
        env.pop(key, None)
    done = subprocess.run(
        [sys.executable, "-m", *argv],
        cwd=here,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "left behind: nothing" in done.stdout
    assert list(here.iterdir()) == [] and list(scratch.iterdir()) == []
