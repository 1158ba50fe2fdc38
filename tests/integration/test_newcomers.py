"""Newcomers (#31): introduced to their district's listed Hub with two emails exactly once,
reminded about on day 7 and a staff task on day 14 unless reached; the waiting list
introduced when a Hub there is listed, once; sign-ups merged; forgotten everywhere."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import Decision, ReviewKind, Stage
from models.errors import InvalidInput
from models.newcomer import Newcomer, NewcomerState
from models.review import ReviewTask
from models.services import hubs, newcomers, reviews
from models.services.common import Actor
from models.services.privacy import forget
from models.staff import StaffMember
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tasks.sweep import run_sweep
from tests import factories

INTERESTS = get_settings().campaign.get_involved.interests


def form(**overrides: object) -> dict[str, object]:
    base = {
        "name": "Pat Doe",
        "email": "pat@example.org",
        "phone": "",
        "town": "Quincy",
        "district": "1st Norfolk",
        "interests": ["phonebank"],
        "consent": True,
    }
    return {**base, **overrides}


def react(sessions: sessionmaker[Session], now: object = None) -> None:
    process_waiting(sessions, settings=get_settings(), now=now or utcnow())


def kinds(session: Session) -> list[tuple[str, str]]:
    session.commit()
    rows = session.execute(select(Email.kind, Email.to_email).order_by(Email.id)).all()
    return [(k.value, to) for k, to in rows if k.value.startswith("newcomer")]


@pytest.fixture
def ann(session: Session) -> StaffMember:
    return factories.staff(session, name="Ann Lee", email="ann@masscare.org")


def test_a_newcomer_in_a_district_with_a_listed_hub_gets_two_emails_then_day_7_and_day_14(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann, email="bo@example.org")
    react(sessions)
    t0 = utcnow()
    newcomers.sign_up(session, form(), interests=INTERESTS, now=t0)
    react(sessions, t0)
    react(sessions, t0)  # again: nothing more
    assert kinds(session) == [
        ("newcomer_welcome", "pat@example.org"),
        ("newcomer_to_hub", "cy@example.org"),  # the Hub's contact for new people
    ]
    welcome = session.scalars(select(Email).where(Email.kind == MessageKind.NEWCOMER_WELCOME)).one()
    assert "Cy Park" in welcome.text and "First Tuesday of each month" in welcome.text
    to_hub = session.scalars(select(Email).where(Email.kind == MessageKind.NEWCOMER_TO_HUB)).one()
    assert "Make phone calls" in to_hub.text and "/newcomer/" in to_hub.text
    assert to_hub.hub_id == hub.id and welcome.hub_id is None
    found = session.scalars(select(Newcomer)).one()
    assert (found.state, found.hub_id) == (NewcomerState.INTRODUCED, hub.id)

    seen: dict[int, list[str]] = {}
    for day in range(0, 21):
        before = len(kinds(session))
        run_sweep(sessions, now=t0 + timedelta(days=day, hours=1))
        seen[day] = [k for k, _ in kinds(session)[before:]]
    assert {d: k for d, k in seen.items() if k} == {7: ["newcomer_reminder"]}
    tasks = session.scalars(select(ReviewTask).where(ReviewTask.kind == ReviewKind.FOLLOW_UP)).all()
    assert len(tasks) == 1 and "Pat Doe asked to help 14 days ago" in tasks[0].title
    assert tasks[0].created_at.date() == (t0 + timedelta(days=14, hours=1)).date()


def test_a_newcomer_reached_gets_no_reminder_and_no_task(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann, email="bo@example.org")
    t0 = utcnow()
    signed = newcomers.sign_up(session, form(), interests=INTERESTS, now=t0)
    react(sessions, t0)
    newcomers.follow_up(
        session, signed.newcomer_id, reached=True, hub_id=hub.id, now=t0 + timedelta(days=2)
    )
    with pytest.raises(newcomers.AlreadyFollowedUp):
        newcomers.follow_up(session, signed.newcomer_id, reached=True, hub_id=hub.id, now=t0)
    with pytest.raises(Exception, match="not found"):  # another Hub's link
        newcomers.follow_up(session, signed.newcomer_id, reached=True, hub_id=hub.id + 99, now=t0)
    for day in range(0, 16):
        run_sweep(sessions, now=t0 + timedelta(days=day, hours=1))
    assert "newcomer_reminder" not in [k for k, _ in kinds(session)]
    assert (
        session.scalar(
            select(func.count(ReviewTask.id)).where(ReviewTask.kind == ReviewKind.FOLLOW_UP)
        )
        == 0
    )


def test_three_waiting_newcomers_are_introduced_once_when_their_hub_is_listed(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann, email="bo@example.org")
    react(sessions)
    for i in range(3):
        newcomers.sign_up(
            session,
            form(name=f"Pat {i}", email=f"pat{i}@example.org"),
            interests=INTERESTS,
            now=utcnow(),
        )
    react(sessions)
    assert Counter(k for k, _ in kinds(session)) == {"newcomer_waiting": 3}
    waiting = session.scalars(
        select(Email).where(Email.kind == MessageKind.NEWCOMER_WAITING)
    ).first()
    assert waiting is not None and hub.name in waiting.text  # the Hub forming there
    today = utcnow().date()
    plan = factories.evidence_for(Stage.STRATEGIC_PLAN, today)
    hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan)
    reviews.decide(session, factories.pending(session, hub).id, Decision.APPROVE, staff_id=ann.id)
    react(sessions)
    react(sessions)
    got = Counter(k for k, _ in kinds(session))
    assert got == {"newcomer_waiting": 3, "newcomer_welcome": 3, "newcomer_list": 1}
    [listing] = session.scalars(select(Email).where(Email.kind == MessageKind.NEWCOMER_LIST)).all()
    assert listing.subject == f"3 people waited for {hub.name}"
    assert all(f"Pat {i}" in listing.text for i in range(3))
    assert {n.state for n in session.scalars(select(Newcomer))} == {NewcomerState.INTRODUCED}


def test_signing_up_again_updates_the_same_person_and_sends_nothing_new(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    first = newcomers.sign_up(session, form(), interests=INTERESTS, now=utcnow())
    again = newcomers.sign_up(
        session,
        form(name="Pat Q. Doe", email="PAT@example.org", interests=["events"]),
        interests=INTERESTS,
        now=utcnow(),
    )
    assert first.newcomer_id == again.newcomer_id and first.new and not again.new
    react(sessions)
    assert kinds(session) == [("newcomer_waiting", "pat@example.org")]
    found = session.scalars(select(Newcomer)).one()
    assert (found.name, found.interests) == ("Pat Q. Doe", ["events"])


def test_a_wrong_form_names_every_field_and_stores_nothing(session: Session) -> None:
    with pytest.raises(InvalidInput) as refused:
        newcomers.sign_up(
            session,
            form(
                name="", email="not an address", phone="12", interests=["juggling"], consent=False
            ),
            interests=INTERESTS,
            now=utcnow(),
        )
    assert set(refused.value.errors) == {"name", "email", "phone", "interests", "consent"}
    assert session.scalar(select(func.count(Newcomer.id))) == 0


def test_forgetting_a_newcomer_removes_them_everywhere(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember
) -> None:
    factories.hub_in(session, Stage.LISTED, reviewer=ann, email="bo@example.org")
    newcomers.sign_up(session, form(phone="617-555-0199"), interests=INTERESTS, now=utcnow())
    react(sessions)
    forget(session, "pat@example.org", actor=Actor.staff(ann), key=get_settings().key())
    session.commit()
    assert session.scalar(select(func.count(Newcomer.id))) == 0
    for e in session.scalars(select(Email)):
        assert "pat@example.org" not in (e.to_email + e.text + e.html + e.subject).lower()
        assert "Pat Doe" not in e.text + e.html + e.subject


def test_the_cli_lists_and_exports_newcomers_and_the_follow_up_rate_counts(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember
) -> None:
    import json

    from models.services.newcomer_views import follow_up_rates
    from models.services.timeline import timeline
    from tests.integration.test_cli import hubflow

    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann, email="bo@example.org")
    react(sessions)
    t0 = utcnow() - timedelta(days=10)
    first = newcomers.sign_up(session, form(), interests=INTERESTS, now=t0)
    newcomers.sign_up(
        session, form(name="Sam Roe", email="sam@example.org"), interests=INTERESTS, now=t0
    )
    newcomers.sign_up(
        session,
        form(name="Kim Lu", email="kim@example.org", district="2nd Essex"),
        interests=INTERESTS,
        now=t0,
    )
    react(sessions, t0)
    newcomers.follow_up(
        session, first.newcomer_id, reached=True, hub_id=hub.id, now=t0 + timedelta(days=3)
    )
    rate = follow_up_rates(session)[hub.id]
    assert (rate.introduced, rate.reached_in_time) == (2, 1)
    code, out = hubflow("newcomers", "list", "--json")
    assert code == 0, out
    assert [(r["name"], r["state"], r["hub"]) for r in json.loads(out)] == [
        ("Pat Doe", "reached", hub.name),
        ("Sam Roe", "introduced", hub.name),
        ("Kim Lu", "waiting", ""),
    ]
    code, out = hubflow("export", "hubs", "--json")
    [row] = [r for r in json.loads(out) if r["group_name"] == hub.name]
    assert (row["new_people"], row["new_people_reached_within_a_week"]) == ("2", "1")
    code, out = hubflow("newcomers", "list", "--state", "nowhere")
    assert code == 2 and "--state: choose one of" in out
    code, out = hubflow("newcomers", "export")
    assert code == 2 and "--staff" in out
    code, out = hubflow("newcomers", "export", "--staff", "ann@masscare.org", "--json")
    assert code == 0, out
    rows = json.loads(out)
    assert (
        rows[0]["would_like_to"] == "Make phone calls" and rows[2]["state"] == "Waiting for a Hub"
    )
    session.expire_all()
    said = [
        e.text for e in timeline(session, session.get(type(hub), hub.id), today=utcnow().date())
    ]  # type: ignore[arg-type]
    assert "Pat Doe (pat@example.org) was introduced as a new person." in said
    assert "The Hub marked Pat Doe: reached." in said
