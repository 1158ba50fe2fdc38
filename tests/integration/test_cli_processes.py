"""A day's commands, each in a Python of its own as a terminal runs them: a command loads
only its part of the domain (models/__init__.py), so what it reads and writes must work
without the rest already imported (the other CLI tests run in one process with all of it
loaded)."""

from __future__ import annotations

import shlex
from pathlib import Path

from tests.system.helpers import cli, hubflow_env

STAFF = "ann@masscare.org"
DAY = [
    ["staff", "add", "--name", "Ann Staff", "--email", STAFF],
    shlex.split(
        'hubs add --name "South Shore M4A" --kind single_issue --towns "Quincy, Braintree" '
        '--district "1st Norfolk" --contact-name "Bo Diaz" --email bo@example.org '
        "--phone 617-555-0123 --consent"
    ),
    ["process"],
    ["hubs", "list"],
    ["reviews", "list"],
    ["reviews", "approve", "1", "--staff", STAFF, "--comment", "Welcome!"],
    ["hubs", "note", "1", "--staff", STAFF, "--text", "Called Bo", "--kind", "phone"],
    ["process"],
    ["hubs", "show", "1"],
    ["outbox", "list"],
    ["coverage"],
    ["status", "--json"],
    ["export", "hubs", "--out", "hubs.csv"],
    ["contacts", "forget", "bo@example.org", "--staff", STAFF, "--yes"],
    ["hubs", "show", "1", "--json"],
]


def test_each_command_works_in_a_process_of_its_own(tmp_path: Path) -> None:
    env = hubflow_env(f"sqlite:///{tmp_path / 'hubflow.db'}", tmp_path)
    cli(env, "init", cwd=tmp_path)
    # init records the campaign file as checked: later starts skip email-validator
    assert (tmp_path / "campaign.checked").read_text().strip()
    for args in DAY:
        done = cli(env, *args, cwd=tmp_path)
    shown = done.stdout  # the Hub after its contact was forgotten
    assert "South Shore M4A" in shown
    assert "bo@example.org" not in shown and "Bo Diaz" not in shown
    assert "South Shore M4A" in (tmp_path / "hubs.csv").read_text()
