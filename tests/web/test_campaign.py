"""Another state's campaign (tests/fixtures/vermont): its legislature from Open States'
metadata and people files, districts of several seats, and nothing of Mass-Care's in any
page, email, CLI output or report (issue 18)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hubflow.db import get_engine, reset_engines
from hubflow.email.render import render
from hubflow.passwords import hash_password
from hubflow.settings import get_settings
from hubflow.tokens import hub_token, receipt_token
from hubflow.web import security
from hubflow.web.app import create_app
from hubflow.web.hub_content import plan_rows
from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import Stage
from models.review import ReviewTask
from models.services import hubs
from models.services.coverage import coverage
from models.services.staff import add_staff, set_password_hash
from tasks.reports import digest_context, report
from tests import email_samples, factories
from tests.integration.test_cli import hubflow
from tests.web.conftest import PASSWORD, csrf, log_in
from tests.web.test_console import public_pages, staff_pages
from tests.web.visible import visible_text

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "vermont"
FORBIDDEN = ("Mass-Care", "Massachusetts", "GO! Team", "Health Care Financing")
# "160" as a number a person reads (not inside a signed token or a longer number).
SIXTY = re.compile(r"(?<![\w.-])160(?![\w.-])")


def found(text: str) -> list[str]:
    """The default campaign's words in `text` (links left out: their tokens are random)."""
    text = re.sub(r"https?://\S+", "", text)
    return [w for w in FORBIDDEN if w in text] + (["160"] if SIXTY.search(text) else [])


@pytest.fixture
def vermont(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    """A Vermont campaign on a new database: `init --state VT`, then its people imported."""
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'vt.db'}")
    monkeypatch.setenv("HUBFLOW_CAMPAIGN_FILE", str(FIXTURE / "campaign.toml"))
    monkeypatch.setenv("HUBFLOW_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    reset_engines()
    code, out = hubflow("init", "--state", "VT")
    assert code == 0, out
    code, out = hubflow("districts", "import", str(FIXTURE / "data" / "vt"))
    assert code == 0, out
    yield sessionmaker(get_engine(), expire_on_commit=False)
    get_engine().dispose()


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


def test_init_and_import_give_vermonts_districts_seats_members_and_vacancies(
    vermont: sessionmaker[Session],
) -> None:
    code, out = hubflow("districts", "list", "--json")
    districts = {(d["chamber"], d["name"]): d for d in json.loads(out)}
    house = [d for (chamber, _), d in districts.items() if chamber == "house"]
    senate = [d for (chamber, _), d in districts.items() if chamber == "senate"]
    assert (len(house), sum(d["seats"] for d in house)) == (109, 150)
    assert (len(senate), sum(d["seats"] for d in senate)) == (16, 30)
    two_seats = districts["house", "Chittenden-18"]
    assert (two_seats["seats"], two_seats["vacant"]) == (2, 0)
    assert [m["name"] for m in two_seats["members"]] == ["Ben Maple", "Cora Spruce"]
    one_vacant = districts["house", "Addison-1"]  # Fay Hemlock's term ended
    assert (one_vacant["seats"], one_vacant["vacant"]) == (2, 1)
    assert [m["name"] for m in one_vacant["members"]] == ["Ada Birch"]
    assert districts["house", "Addison-2"]["vacant"] == 0
    assert districts["senate", "Addison"]["vacant"] == 1
    assert districts["house", "Bennington-1"]["vacant"] == 1  # nobody imported: all vacant

    code, out = hubflow("districts", "list", "--chamber", "house")
    assert code == 0 and "Ada Birch (Democratic), (vacant)" in out, out
    listed = json.loads(hubflow("legislators", "list", "--committee", "--json")[1])
    assert {(r["name"], r["committee_role"]) for r in listed} == {
        ("Ben Maple", "chair"),
        ("Ada Birch", "member"),
    }
    cover = json.loads(hubflow("coverage", "--json")[1])
    assert cover["counts"]["house_districts"] == 109 and cover["counts"]["seats"] == 150
    by_name = {d["district"]: d for d in cover["house"]}
    assert by_name["Chittenden-18"]["seats"] == 2 and by_name["Addison-2"]["seats"] == 1
    code, out = hubflow("coverage", "--csv", "-")
    assert out.splitlines()[0].startswith("district,seats,legislator")


def test_a_hub_in_a_two_member_district_plans_for_both_and_covers_it_once(
    vermont: sessionmaker[Session],
) -> None:
    with vermont() as session:
        reviewer = add_staff(session, name="Gil Oak", email="gil@gmcnow.example.org")
        hub = factories.hub_in(
            session,
            Stage.STRATEGIC_PLAN,
            reviewer=reviewer,
            district="Chittenden-18",
            towns=["Burlington"],
        )
        rows = plan_rows(session, hub)
        reps = [r for r in rows if r["role"] == "state_rep"]
        assert [r["name"] for r in reps] == ["Ben Maple", "Cora Spruce"]
        assert all("(required)" in r["legend"] for r in reps)
        # A second Hub in the same district: still one district covered.
        hubs.submit_interest(
            session,
            factories.interest_form(district="Chittenden-18", towns=["South Burlington"]),
        )
        today = utcnow().date()
        plan = factories.strategic_plan(
            today,
            *(
                factories.plan_target(today, legislator=r["name"], legislator_id=r["id"])
                for r in reps
            ),
        )
        hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan)
        result = coverage(session)
    entries = [d for d in result.house if d.district == "Chittenden-18"]
    assert len(entries) == 1 and entries[0].status == "in_progress"
    assert len(entries[0].in_progress) == 2
    assert [m.name for m in entries[0].members] == ["Ben Maple", "Cora Spruce"]
    assert all(m.targeted for m in entries[0].members)
    counts = result.counts()
    assert (counts["in_progress"], counts["none"]) == (1, 108)


def test_a_plan_names_no_more_state_reps_than_the_district_has_seats(
    vermont: sessionmaker[Session],
) -> None:
    with vermont() as session:
        reviewer = add_staff(session, name="Gil Oak", email="gil@gmcnow.example.org")
        hub = factories.hub_in(
            session, Stage.STRATEGIC_PLAN, reviewer=reviewer, district="Addison-2"
        )
        today = utcnow().date()
        rep = factories.plan_target(today, legislator="Dan Ash")
        with pytest.raises(Exception, match="names 2 State Reps, but the district elects one"):
            hubs.submit_stage_work(
                session, hub.id, Stage.STRATEGIC_PLAN, factories.strategic_plan(today, rep, rep)
            )


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
    security.reset_rate_limits()
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
    digest = render(MessageKind.DAILY_DIGEST, {**context, "digest": digest_context(utcnow())})
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


def test_a_unicameral_legislature_is_the_chamber_covered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (FIXTURE / "campaign.toml").read_text(encoding="utf-8")
    nebraska = tmp_path / "campaign.toml"
    nebraska.write_text(
        text.replace('state = "VT"', 'state = "NE"').replace(
            'chamber = "lower"', 'chamber = "legislature"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("HUBFLOW_DATA_DIR", str(tmp_path))  # found beside the database
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'ne.db'}")
    get_settings.cache_clear()
    reset_engines()
    code, out = hubflow("init", "--state", "ne")
    assert code == 0, out
    districts = json.loads(hubflow("districts", "list", "--json")[1])
    assert len(districts) == 49 and {d["chamber"] for d in districts} == {"house"}
    from models.enums import Chamber, TargetRole

    assert (Chamber.HOUSE.label, TargetRole.STATE_REP.label) == (
        "Nebraska Legislature",
        "State Senator",
    )
    assert "of 49 Nebraska Legislature districts" in hubflow("coverage")[1]
    get_engine().dispose()

    nebraska.write_text(text.replace('state = "VT"', 'state = "NE"'), encoding="utf-8")
    get_settings.cache_clear()
    code, out = hubflow("hubs", "list")
    assert code == 1
    assert "coverage.chamber: Nebraska has no 'lower' chamber; use 'legislature'" in out, out
