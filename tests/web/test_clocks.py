"""Whose move it is, on every surface (SPEC §9): a Hub waiting on staff is never called
late; a name no one on staff has seen is never published."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.base import utcnow
from models.email import MessageKind
from models.enums import Decision, Stage, Status
from models.hub import Hub
from models.services import hubs, reviews
from models.staff import StaffMember
from plumbing.email.render import render
from plumbing.settings import get_settings
from plumbing.tokens import hub_token
from tasks.reactions.clock import digest_context
from tasks.sweep import run_sweep
from tests import email_samples, factories
from tests.web.conftest import react
from tests.web.visible import visible_text

BOSTON = ZoneInfo("America/New_York")
WAITING = "waiting on the GO! Team for 20 days"


def noon_days_ago(days: int) -> datetime:
    """Noon in Boston `days` days before today: whole campaign days, whatever the hour."""
    today = utcnow().astimezone(BOSTON).date()
    return datetime(today.year, today.month, today.day, 12, tzinfo=BOSTON) - timedelta(days=days)


def test_a_hub_waiting_20_days_on_staff_is_not_late_anywhere(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    """It handed in its first action 3 days before its deadline and has waited 20 days for
    a decision: not overdue, not nudged, not stalled, and every staff surface says so."""
    start = noon_days_ago(77)
    hub = factories.hub_in(
        session, Stage.FIRST_ACTION, reviewer=staff_member, now=start, group_name="Patient M4A"
    )
    assert hub.stage_due_date == (start + timedelta(days=60)).date()
    handed_in = start + timedelta(days=57)
    hubs.submit_stage_work(
        session,
        hub.id,
        Stage.FIRST_ACTION,
        factories.first_action(handed_in.date()),
        now=handed_in,
    )
    react()  # its review task opens

    swept = run_sweep(now=utcnow())
    assert [e for e in swept.emails if e.hub_id == hub.id] == [] and swept.stalled == []
    session.expire_all()
    assert session.get(Hub, hub.id).status is Status.ACTIVE  # type: ignore[union-attr]

    surfaces = {
        "list": visible_text(staff_client.get("/staff/hubs").text),
        "waiting list": visible_text(staff_client.get("/staff/hubs?whose=team&sort=waiting").text),
        "hub page": visible_text(staff_client.get(f"/staff/hubs/{hub.id}").text),
        "dashboard": visible_text(staff_client.get("/staff").text),
    }
    [row] = csv.DictReader(io.StringIO(staff_client.get("/staff/export/hubs.csv").text))
    surfaces["csv"] = " ".join(row.values())
    digest = render(
        MessageKind.DAILY_DIGEST,
        {
            **email_samples.context(MessageKind.DAILY_DIGEST),
            "digest": digest_context(session, settings=get_settings(), now=utcnow()),
        },
    )
    surfaces["digest"] = digest[2]
    for name, text in surfaces.items():
        assert WAITING in text.replace("Waiting on", "waiting on"), (name, text[:600])
        for late in ("overdue", "past its deadline", "past the deadline"):
            assert late not in text.lower(), (name, late)
    assert row["whose_move"] == "The GO! Team" and row["next_move"] == WAITING
    # The Hub's own list filter: not among the Hubs whose move it is.
    assert "Patient M4A" not in staff_client.get("/staff/hubs?whose=hub").text


def test_a_name_typed_into_join_is_published_only_once_staff_approved_its_interest(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed = factories.hub_in(
        session,
        Stage.LISTED,
        reviewer=staff_member,
        group_name="Quincy M4A",
        district="7th Plymouth",
    )
    spam = hubs.submit_interest(
        session,
        factories.interest_form(group_name="Buy Cheap Pills dot com", district="5th Plymouth"),
    )
    react()

    def public() -> dict[str, str]:
        return {
            path: visible_text(client.get(path).text)
            for path in (
                "/coverage",
                "/coverage?view=senate",
                "/coverage?view=congress",
                "/hubs",
                "/hubs?district=5th+Plymouth",
                f"/hub/{hub_token(listed.id, listed.token_version)}",  # Hubs near you
            )
        } | {"/hubs.json": client.get("/hubs.json").text}

    before = public()
    for path, text in before.items():
        assert "Cheap Pills" not in text, path
    # Counted toward its district, without a name.
    assert re.search(
        r"(?<![0-9])5th Plymouth [A-Z][^0-9]*? In progress a group is forming", before["/coverage"]
    )
    assert json.loads(before["/hubs.json"])["hubs"][0]["name"] == "Quincy M4A"

    pending = factories.pending(session, spam)
    reviews.decide(session, pending.id, Decision.APPROVE, staff_id=staff_member.id)
    after = public()
    assert "Buy Cheap Pills dot com (on its way)" in after["/coverage"]
    assert "Cheap Pills" not in after["/hubs.json"]  # the directory lists listed Hubs only
    assert "Cheap Pills" not in after["/hubs"]


def test_the_dashboard_shows_the_time_figures_of_the_history(
    staff_client: TestClient, session: Session
) -> None:
    from tests.integration.test_figures import History, build

    build(History(session))
    page = staff_client.get("/staff").text
    text = visible_text(page)
    assert "First action 3 20 d 35 d 4 d 4 d 3 of 4 (75%)" in text
    assert "Interest 4 0 d 0 d 2 d 4 d 4 of 5 (80%)" in text
    assert "Onboarding 0 0 0 2" in text  # B and C, in onboarding since March
    # Drawn as SVG, each value written beside its bar: readable without colour.
    assert page.count("<svg") == 4 and "Hub: 20 d (90%: 35 d)" in text  # and co-sponsors by month
