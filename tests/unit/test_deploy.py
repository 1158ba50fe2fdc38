"""The deployment files (deploy/): the systemd units pass `systemd-analyze verify`, and
every hubflow command and flag that a unit or the compose file runs exists in the CLI."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest
import typer.main
import yaml

from hubflow.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def unit_commands() -> list[list[str]]:
    found = []
    for unit in UNITS:
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                found.append(shlex.split(line.removeprefix("ExecStart=")))
    return found


def compose_commands() -> list[list[str]]:
    compose = yaml.safe_load((DEPLOY / "container" / "compose.yaml").read_text())
    found = [
        s["command"] for s in compose["services"].values() if isinstance(s.get("command"), list)
    ]
    image = (DEPLOY / "container" / "Dockerfile").read_text()
    cmd = next(line for line in image.splitlines() if line.startswith("CMD "))
    found.append(yaml.safe_load(cmd.removeprefix("CMD ")))
    return found


def hubflow_argv(argv: list[str]) -> list[str] | None:
    """The arguments after `hubflow`, or None for another program."""
    name = Path(argv[0]).name
    return argv[1:] if name == "hubflow" else None


def test_there_are_units_for_both_topologies() -> None:
    assert {u.stem for u in UNITS} == {
        "hubflow-serve",
        "prefect-server",
        "hubflow-worker",
        "hubflow-relay",
        "hubflow-web",
    }
    for unit in UNITS:
        text = unit.read_text()
        for hardening in ("User=hubflow", "ProtectSystem=strict", "PrivateTmp=yes"):
            assert hardening in text, (unit.name, hardening)


@pytest.mark.parametrize("argv", unit_commands() + compose_commands(), ids=" ".join)
def test_every_hubflow_command_and_flag_they_run_exists(argv: list[str]) -> None:
    args = hubflow_argv(argv)
    if args is None:
        return  # prefect's, python's, sh's own commands
    command: Any = typer.main.get_command(app)
    words = [a for a in args if not a.startswith("-")]
    while hasattr(command, "get_command") and words:  # a group: its subcommand
        found = command.get_command(click.Context(command), words[0])
        assert found is not None, (argv, words[0])
        command, words = found, words[1:]
    assert not hasattr(command, "get_command"), argv  # a command, not a group's help
    flags = {opt for p in command.params for opt in p.opts + p.secondary_opts}
    assert {a for a in args if a.startswith("--")} <= flags, (argv, flags)


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian: apt-get install systemd)")
    venv = Path(typer.__file__).resolve().parents[4]  # where this test's hubflow and prefect are
    for unit in UNITS:
        # As installed: /opt/hubflow is the checkout with its .venv.
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/hubflow/.venv", str(venv)))
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / u.name) for u in UNITS)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "is not executable" not in result.stderr
