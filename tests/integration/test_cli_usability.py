"""The CLI as people script it: help for everything, every error at once naming its flag,
output that pipes cleanly, and a demo whose steps show their own emails (SPEC §6)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from sqlalchemy.orm import Session

from hubflow.cli.main import app
from models.email import Email
from models.hub import Hub
from plumbing.db import reset_engines, session_factory
from plumbing.settings import get_settings
from tests.integration.helpers import row_counts
from tests.integration.test_cli import ADD, _arg, hubflow


def commands(group: Any, prefix: str = "hubflow") -> list[tuple[str, Any]]:
    """Every command under `group` (Typer's own click: groups are told by their commands)."""
    found: list[tuple[str, Any]] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if hasattr(command, "commands"):
            found += commands(command, path)
    return found


def test_every_command_option_and_argument_has_help_and_every_command_an_example() -> None:
    root = typer.main.get_command(app)
    assert len(commands(root)) > 30
    missing = []
    for path, command in commands(root):
        if not command.help:
            missing.append(f"{path}: no description")
        if not hasattr(command, "commands") and "Example:" not in (command.epilog or ""):
            missing.append(f"{path}: no example")
        for param in command.params:
            if not getattr(param, "help", None):
                missing.append(f"{path} {param.name}: no help")
    assert missing == []


def test_hubs_add_reports_every_bad_value_at_once_each_naming_its_flag(
    session: Session,
) -> None:
    args = _arg(_arg(_arg(ADD, "--email", "bo.example.org"), "--phone", "12"), "--kind", "party")
    args = _arg(_arg(args, "--district", "99th Nowhere"), "--name", "x")
    args = [a for a in args if a != "--consent"]
    before = row_counts(session)
    code, out = hubflow(*args)
    assert code == 2
    for flag in ("--name", "--kind", "--district", "--email", "--phone", "--consent"):
        assert re.search(rf"^  {flag}: [a-z]", out, re.M), (flag, out)
    assert "Value error" not in out and "consent_to_contact" not in out
    assert row_counts(session) == before


def test_piped_output_never_breaks_a_path_url_or_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")  # what a pipe reports; the output must not care
    folder = tmp_path / ("a-rather-long-folder-name-for-the-demo" * 2)
    code, out = hubflow("demo", "--dir", str(folder))
    assert code == 0, out
    assert f"HUBFLOW_DATABASE_URL=sqlite:///{folder / 'demo.db'} hubflow hubs list" in out
    assert f"Emails are in {folder / 'outbox'} (open the .eml files)" in out
    for line in out.splitlines():
        if "outbox/" in line:
            assert re.search(r"outbox/\d{7}-\w+\.eml$", line), line


def test_each_demo_step_shows_exactly_the_emails_it_caused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = hubflow("demo", "--dir", str(tmp_path / "demo"))
    assert code == 0, out
    printed: dict[str, str] = {}  # email file -> the Hub of the step it was printed under
    hub = ""
    for line in out.splitlines():
        step = re.match(r"\w{3} \d\d (.+?): ", line)
        if step:
            hub = step.group(1)
        email = re.search(r"outbox/(\S+\.eml)$", line)
        if email:
            assert email.group(1) not in printed, f"{email.group(1)} printed twice"
            printed[email.group(1)] = hub
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'demo' / 'demo.db'}")
    get_settings.cache_clear()
    reset_engines()
    with session_factory()() as session:
        sent = {
            (e.provider_message_id or "").removeprefix("outbox:"): session.get(Hub, e.hub_id)
            for e in session.scalars(select(Email))
        }
        owners = {path: h.name if h else "" for path, h in sent.items()}
    reset_engines()
    assert set(printed) == set(owners)  # every email printed, once
    assert {path: owners[path] for path in printed} == printed  # under its own Hub's step
