"""The `hubflow` command: set-up, listing, and clear errors that name the field."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from hubflow.cli.main import app
from plumbing.db import get_engine, reset_engines
from plumbing.settings import get_settings
from tests.integration.helpers import row_counts

runner = CliRunner()


def hubflow(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_init_in_an_empty_directory_creates_the_database_with_200_districts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("HUBFLOW_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    reset_engines()
    code, out = hubflow("init")
    assert code == 0, out
    assert (tmp_path / "hubflow.db").exists()
    code, out = hubflow("districts", "list", "--json")
    districts = json.loads(out)
    assert sum(d["chamber"] == "house" for d in districts) == 160
    assert sum(d["chamber"] == "senate" for d in districts) == 40
    assert {d["name"] for d in districts if d["vacant"]} == {"1st Franklin", "17th Middlesex"}
    code, out = hubflow("init")
    assert code == 0 and "Already up to date." in out
    get_engine().dispose()


def test_a_command_on_a_missing_or_unset_database_says_to_run_init(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.db"
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{missing}")
    get_settings.cache_clear()
    reset_engines()
    code, out = hubflow("hubs", "list")
    assert code == 1 and f"there is no database at {missing}: `hubflow init`" in out, out
    assert not missing.exists()  # nothing created by asking
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{empty}")
    get_settings.cache_clear()
    reset_engines()
    code, out = hubflow("districts", "list")
    assert code == 1 and "is not set up for this version of hubflow" in out, out
    assert "Traceback" not in out
    get_engine().dispose()


ADD = [
    "hubs",
    "add",
    "--name",
    "South Shore M4A",
    "--kind",
    "single_issue",
    "--towns",
    "Quincy, Braintree",
    "--district",
    "1st Norfolk",
    "--contact-name",
    "Bo Diaz",
    "--email",
    "bo@example.org",
    "--phone",
    "617-555-0123",
    "--consent",
]


def test_a_phoned_in_interest_goes_through_approval(clean_engine: Engine) -> None:
    assert hubflow("staff", "add", "--name", "Ann Lee", "--email", "Ann@MassCare.org")[0] == 0
    code, out = hubflow(*ADD, "--json")
    assert code == 0, out
    hub = json.loads(out)
    assert (hub["stage"], hub["district"], hub["towns"]) == (
        "interest",
        "1st Norfolk",
        ["Quincy", "Braintree"],
    )
    assert json.loads(hubflow(*ADD, "--json")[1])["id"] == hub["id"]  # a repeat is the same Hub
    [review] = json.loads(hubflow("reviews", "list", "--json")[1])
    code, out = hubflow("reviews", "approve", str(review["id"]), "--staff", "ann@masscare.org")
    assert code == 0 and "is at the first action stage" in out
    code, out = hubflow("reviews", "approve", str(review["id"]), "--staff", "ann@masscare.org")
    assert code == 2 and "was already approved by ann@masscare.org" in out
    assert (
        json.loads(hubflow("hubs", "list", "--stage", "first_action", "--json")[1])[0]["id"]
        == hub["id"]
    )
    code, out = hubflow(
        "hubs", "pause", str(hub["id"]), "--staff", "ann@masscare.org", "--reason", "summer break"
    )
    assert code == 0 and "paused" in out
    shown = json.loads(hubflow("hubs", "show", str(hub["id"]), "--json")[1])
    assert [h["reason"] for h in shown["history"]][-1] == "summer break"
    code, out = hubflow("hubs", "list")
    assert "South Shore M4A" in out and "Paused" in out
    assert "Ann Lee" in hubflow("staff", "list")[1]


def _arg(args: list[str], option: str, value: str) -> list[str]:
    args = list(args)
    args[args.index(option) + 1] = value
    return args


BAD = [
    (_arg(ADD, "--name", "x"), "--name: use at least 2 characters"),
    (_arg(ADD, "--towns", " , "), "--towns:"),
    (_arg(ADD, "--district", "99th Nowhere"), "--district:"),
    (_arg(ADD, "--contact-name", " "), "--contact-name: this is required"),
    (_arg(ADD, "--email", "bo.example.org"), "--email:"),
    (_arg(ADD, "--phone", "12"), "--phone:"),
    ([a for a in ADD if a != "--consent"], "--consent: the GO! Team can only follow up"),
    (["hubs", "list", "--stage", "finale"], "--stage:"),
    (["hubs", "list", "--status", "sleepy"], "--status:"),
    (["hubs", "show", "999"], "Hub 999 not found"),
    (["hubs", "pause", "1", "--staff", "nobody@masscare.org"], "--staff:"),
    (["hubs", "move-back", "1", "--staff", "nobody@masscare.org", "--reason", "x"], "--staff:"),
    (["reviews", "approve", "1", "--staff", "nobody@masscare.org"], "--staff:"),
    (["reviews", "decline", "1", "--staff", "ann@masscare.org", "--comment", " "], "--comment:"),
    (
        ["reviews", "request-changes", "1", "--staff", "ann@masscare.org", "--comment", ""],
        "--comment:",
    ),
    (["districts", "list", "--chamber", "congress"], "--chamber:"),
    (["districts", "import", "/nonexistent/people.csv"], "path"),
    (["staff", "add", "--name", "", "--email", "ann2@masscare.org"], "--name:"),
    (["staff", "add", "--name", "Al", "--email", "not-an-email"], "--email:"),
    (["staff", "add", "--name", "Al", "--email", "ann@masscare.org"], "already on the GO! Team"),
]


@pytest.mark.parametrize(("args", "named"), BAD, ids=[" ".join(a[:2]) + f" {n}" for a, n in BAD])
def test_bad_input_to_a_command_names_the_field_and_stores_nothing(
    session: Session, args: list[str], named: str
) -> None:
    assert hubflow("staff", "add", "--name", "Ann Lee", "--email", "ann@masscare.org")[0] == 0
    assert hubflow(*_arg(ADD, "--name", "Existing Hub"))[0] == 0
    before = row_counts(session)
    code, out = hubflow(*args)
    assert code == 2, out
    assert named in out
    assert row_counts(session) == before


def test_demo_takes_a_cohort_through_the_lifecycle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = hubflow("demo", "--dir", str(tmp_path / "demo"))
    assert code == 0, out
    assert "Quincy M4A: strategic plan approved" in out
    assert "Fall River for All: first action changes requested" in out
    emails = sorted(p.name.split("-", 1)[1] for p in (tmp_path / "demo" / "outbox").glob("*.eml"))
    assert emails.count("listed_welcome.eml") == 2 and "changes_requested.eml" in emails
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'demo' / 'demo.db'}")
    get_settings.cache_clear()
    reset_engines()
    listed = json.loads(hubflow("hubs", "list", "--stage", "listed", "--json")[1])
    assert [h["name"] for h in listed] == ["Quincy M4A"]
    get_engine().dispose()


def test_process_handles_what_a_command_recorded_once_without_prefect(
    clean_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hubflow("staff", "add", "--name", "Ann Lee", "--email", "ann@masscare.org")
    assert hubflow(*ADD)[0] == 0
    code, out = hubflow("process")
    assert code == 0, out
    assert "Processed 2 events; emails: 2 sent." in out  # received + the reviewer's task
    assert sorted(p.name.split("-", 1)[1] for p in (tmp_path / "outbox").glob("*.eml")) == [
        "interest_received.eml",
        "review_assigned.eml",
    ]
    assert hubflow("process")[1].strip() == "Processed 0 events; emails: nothing to send."


def test_relay_without_a_prefect_server_says_how_to_run_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    result = runner.invoke(app, ["relay"])
    assert result.exit_code == 1
    assert "hubflow relay needs a Prefect server: set PREFECT_API_URL" in result.output
    assert "`hubflow process` handles waiting events once" in result.output


def test_set_password_help_does_not_call_the_password_required_and_asks_for_it() -> None:
    code, out = hubflow("staff", "set-password", "--help")
    assert code == 0 and "asked for" in out
    options = out.split("Options:")[1].split("--help")[0]
    assert "[required]" not in options
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    first_login = readme.split("**The first login.**")[1].split("From the command line")[0]
    for step in ("hubflow init", "staff add", "staff set-password", "/staff/login"):
        assert step in first_login
    assert "../shared/" not in readme.split("## Layout")[0]
