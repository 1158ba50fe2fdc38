"""A campaign in a file: read whole, refused with every wrong key named, Mass-Care's by
default; and under another campaign's file (tests/fixtures/vermont) nothing of
Mass-Care's in any page, email, CLI output or report (issue 18)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hubflow.web.app import create_app
from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import Stage
from models.review import ReviewTask
from models.services.staff import add_staff, set_password_hash
from plumbing.email.render import render
from plumbing.passwords import hash_password
from plumbing.settings import get_settings
from plumbing.tokens import hub_token, receipt_token
from tasks.reactions.clock import digest_context
from tasks.reports import report
from tests import email_samples, factories
from tests.integration.test_cli import hubflow
from tests.web.conftest import PASSWORD, VERMONT, csrf, log_in, reset_rate_limits
from tests.web.test_console import public_pages, staff_pages
from tests.web.visible import visible_text

FIXTURE = VERMONT
FORBIDDEN = ("Mass-Care", "Massachusetts", "GO! Team", "Health Care Financing")
# "160" as a number a person reads (not inside a signed token or a longer number).
SIXTY = re.compile(r"(?<![\w.-])160(?![\w.-])")


def found(text: str) -> list[str]:
    """The default campaign's words in `text` (links left out: their tokens are random)."""
    text = re.sub(r"https?://\S+", "", text)
    return [w for w in FORBIDDEN if w in text] + (["160"] if SIXTY.search(text) else [])


def test_a_second_campaign_file_is_read_whole(vermont: sessionmaker[Session]) -> None:
    campaign = get_settings().campaign
    assert (campaign.name, campaign.team, campaign.state_name) == (
        "Green Mountain Care Now",
        "Hub Support Crew",
        "Vermont",
    )
    settings = get_settings()
    assert settings.from_email == "crew@gmcnow.example.org"
    assert settings.policy.first_action_days == 45
    assert Stage.FIRST_ACTION.label == "First action"
    from models.enums import ActionKind, Goal

    assert ActionKind.EDUCATIONAL_EVENT.label == "Town hall or teach-in"
    assert Goal.PERSUADE_COLLEAGUES.label == "Persuade colleagues (e.g. Health Care)"


def test_nothing_anyone_sees_names_the_default_campaign(
    vermont: sessionmaker[Session], tmp_path: Path
) -> None:
    seen: dict[str, list[str]] = {}
    with vermont() as session:
        reviewer = add_staff(session, name="Gil Oak", email="gil@gmcnow.example.org")
        set_password_hash(session, reviewer.email, hash_password(PASSWORD))
        made = factories.every_kind_of_hub(
            session,
            reviewer,
            place={"district": "Chittenden-18", "towns": ["Burlington"]},
            rep="Ben Maple",
            member_of_congress="Becca Balint",
        )
        task_id = session.scalar(select(ReviewTask.id).order_by(ReviewTask.id))
        session.commit()

    # Every page: the public ones, a Hub's page at every stage, the whole console.
    reset_rate_limits()
    with TestClient(create_app(), base_url="http://hubflow.test") as client:
        token = receipt_token(made["interest"].id, new=True)
        pages = ["/hub/link", "/hub/link/sent", "/staff/login", f"/join/thanks/{token}"]
        pages += ["/coverage?without=1", "/hubs?district=Chittenden-18", "/nowhere"]
        for path in pages + public_pages(made):
            response = client.get(path)
            assert response.status_code in (200, 404), (path, response.status_code)
            seen[path] = found(visible_text(response.text))
        intro = visible_text(client.get("/join").text)
        assert "Together we work to pass Green Mountain Care Act (H.276)" in intro
        join = client.post("/join", data={"csrf_token": csrf(client)})
        assert join.status_code == 422 and "Choose your district" in join.text
        seen["POST /join"] = found(visible_text(join.text))
        assert log_in(client, "gil@gmcnow.example.org").status_code == 303
        staff = [f"/staff/reviews/{task_id}", f"/staff/hubs/{made['listed'].id}/as-hub"]
        staff += [f"/staff/export/{kind}.csv" for kind in ("hubs", "contacts", "plans")]
        for path in staff_pages(made) + staff:
            response = client.get(path)
            assert response.status_code == 200, (path, response.text[:300])
            seen[path] = found(visible_text(response.text))
        hub = made["interest"]
        hub_page = visible_text(client.get(f"/hub/{hub_token(hub.id, hub.token_version)}").text)
        assert "Hub Support Crew" in hub_page

    # Every email kind: those the lifecycle queued, the rest from samples.
    with vermont() as session:
        emails = list(session.scalars(select(Email)))
        session.commit()
    for email in emails:
        seen[f"email {email.kind}"] = found(
            f"{email.subject}\n{email.text}\n{visible_text(email.html)}"
        )
    for kind in set(MessageKind) - {MessageKind.DAILY_DIGEST}:  # its sample's figures are MA's
        subject, html, text = render(kind, email_samples.context(kind))
        seen[f"sample {kind.value}"] = found(f"{subject}\n{text}\n{visible_text(html)}")
    code, out = hubflow("outbox", "dispatch")
    assert code == 0, out
    for eml in (tmp_path / "outbox").glob("*.eml"):
        seen[eml.name] = found(eml.read_text(encoding="utf-8"))
    assert any((tmp_path / "outbox").glob("*.eml"))

    # The daily report and digest.
    artifacts, _ = report(utcnow())
    seen["report"] = found(json.dumps([a.table or a.markdown for a in artifacts]))
    context = email_samples.context(MessageKind.DAILY_DIGEST)
    with vermont() as session:
        digest_now = digest_context(session, settings=get_settings(), now=utcnow())
    digest = render(MessageKind.DAILY_DIGEST, {**context, "digest": digest_now})
    seen["digest"] = found("\n".join(digest))

    # Every CLI command: its help, and the output of those that show or change something.
    for path in cli_commands():
        code, out = hubflow(*path, "--help")
        assert code == 0, (path, out)
        seen[" ".join(path) + " --help"] = found(out)
    hub_id = str(made["listed"].id)
    runs = [
        ["--help"],
        ["init", "--state", "VT"],
        ["init", "--state", "MA"],
        ["hubs", "list"],
        ["hubs", "show", hub_id],
        ["hubs", "show", hub_id, "--json"],
        ["reviews", "list"],
        ["reviews", "tasks"],
        ["districts", "list"],
        ["districts", "lookup", "Burlington"],
        ["legislators", "list", "--committee"],
        ["staff", "list"],
        ["staff", "add", "--name", "Hal Fir", "--email", "hal@gmcnow.example.org"],
        ["staff", "deactivate", "hal@gmcnow.example.org"],
        ["outbox", "list"],
        ["coverage"],
        ["coverage", "--by", "house"],
        ["coverage", "--by", "county"],
        ["export", "hubs"],
        ["export", "plans", "--json"],
        ["sweep", "--dry-run"],
        ["process"],
        ["backup", str(tmp_path / "backup.db")],
        ["hubs", "pause", hub_id, "--staff", "gil@gmcnow.example.org", "--reason", "winter"],
        ["contacts", "forget", "nobody@example.org", "--staff", "gil@gmcnow.example.org", "--yes"],
    ]
    for args in runs:
        code, out = hubflow(*args)
        seen[" ".join(args)] = found(out)
    assert "no town data for Vermont" in hubflow("districts", "lookup", "Burlington")[1]
    assert "is not the campaign's state" in hubflow("init", "--state", "MA")[1]
    assert {where: words for where, words in seen.items() if words} == {}


def cli_commands() -> list[list[str]]:
    """Every command's words, e.g. ["hubs", "add"]."""
    import typer.main

    from hubflow.cli.main import app

    out: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        commands = getattr(command, "commands", None)
        if commands is None:
            out.append(path)
            return
        for name, sub in commands.items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


def test_a_malformed_campaign_file_stops_hubflow_naming_each_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (FIXTURE / "campaign.toml").read_text(encoding="utf-8")
    text = text.replace('state = "VT"', 'state = "XY"').replace(
        'timezone = "America/New_York"', 'timezone = "Vermont/Montpelier"'
    )
    text = text.replace("first_action = 45", "first_action = 0").replace(
        'link = "https://legislature.vermont.gov/"', 'link = "legislature.vermont.gov"'
    )
    bad = tmp_path / "campaign.toml"
    bad.write_text(text + "\nslogan = 'Care for all'\n", encoding="utf-8")
    monkeypatch.setenv("HUBFLOW_CAMPAIGN_FILE", str(bad))
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    get_settings.cache_clear()
    code, out = hubflow("init")
    assert code == 1
    for line in (
        f"the campaign file {bad} is not right",
        "state: 'XY' is not a state Open States knows",
        "timezone: 'Vermont/Montpelier' is not a time zone",
        "deadlines.first_action: Input should be greater than or equal to 1",
        "bill.link: must be a web address starting with https://",
        "slogan: not a key hubflow knows",
    ):
        assert line in out, out
    assert not (tmp_path / "never.db").exists()  # nothing started
    bad.write_text("name = 'Unfinished\n", encoding="utf-8")
    get_settings.cache_clear()
    code, out = hubflow("hubs", "list")
    assert code == 1 and "file: not valid TOML" in out, out


def test_the_shipped_campaign_is_mass_cares(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUBFLOW_CAMPAIGN_FILE", raising=False)
    get_settings.cache_clear()
    campaign = get_settings().campaign
    assert (campaign.name, campaign.team, campaign.state) == ("Mass-Care", "GO! Team", "MA")
    assert campaign.coverage.goal == "a Hub in every one of the 160 State Rep districts"
