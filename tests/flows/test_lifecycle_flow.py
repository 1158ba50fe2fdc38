"""A Hub from interest form to listed, with the Prefect flows reacting at every step."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from flows.process_events import process_events
from models.audit import DomainEvent, StageChange
from models.base import utcnow
from models.email import Email
from models.enums import Decision, ReviewKind, ReviewState, Stage, SubmissionState
from models.hub import Hub, Submission
from models.services import hubs, reviews
from plumbing.settings import get_settings
from tests import factories
from tests.flows.helpers import Watch, counts

BO, CY = "bo@example.org", "cy@example.org"


def today() -> date:
    return get_settings().policy.today(utcnow())


def hub_now(session: Session, hub_id: int) -> Hub:
    session.expire_all()
    hub = session.get(Hub, hub_id)
    session.commit()
    assert hub is not None
    return hub


def last_change(session: Session, hub_id: int) -> StageChange:
    change = session.scalars(
        select(StageChange).where(StageChange.hub_id == hub_id).order_by(StageChange.id.desc())
    ).first()
    session.commit()
    assert change is not None
    return change


def test_one_hub_goes_from_interest_to_listed_with_every_reaction(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUBFLOW_PUBLIC_DIR", str(tmp_path / "public"))
    get_settings.cache_clear()
    ann = factories.staff(session, name="Ann", email="ann@masscare.org")
    factories.staff(session, name="Bea", email="bea@masscare.org")
    watch = Watch(session)
    hub = hubs.submit_interest(session, factories.interest_form(email=BO))

    process_events()
    assert watch.emails() == [("interest_received", BO), ("review_assigned", ann.email)]
    [intro] = watch.tasks()
    assert (intro.kind, intro.owner_id, intro.due_date) == (
        ReviewKind.INTRO_CALL,
        ann.id,
        today() + timedelta(days=5),
    )
    assert intro.title == f"Intro call with {hub.name}"
    assert hub_now(session, hub.id).stage_due_date == today() + timedelta(days=14)

    steps = [
        (Stage.INTEREST, Stage.FIRST_ACTION, 60, [BO]),
        (Stage.FIRST_ACTION, Stage.ONBOARDING, 30, [BO]),
        (Stage.ONBOARDING, Stage.STRATEGIC_PLAN, 45, [BO, CY]),
        (Stage.STRATEGIC_PLAN, Stage.LISTED, 90, [BO, CY]),  # its first progress report
    ]
    for done, entered, days, contacts in steps:
        if done is not Stage.INTEREST:
            hubs.submit_stage_work(session, hub.id, done, factories.evidence_for(done, today()))
            process_events()
            before = [BO] if done is not Stage.STRATEGIC_PLAN else [BO, CY]
            assert watch.emails() == sorted(
                [("submission_received", c) for c in before] + [("review_assigned", ann.email)]
            )
            [task] = watch.tasks()
            assert (task.kind, task.stage, task.owner_id) == (ReviewKind.SUBMISSION, done, ann.id)
            assert task.due_date == today() + timedelta(days=5)
        sub = factories.pending(session, hub)
        reviews.decide(session, sub.id, Decision.APPROVE, staff_id=ann.id)
        process_events()
        kind = "listed_welcome" if entered is Stage.LISTED else "stage_approved"
        assert watch.emails() == sorted((kind, c) for c in contacts)
        assert watch.tasks() == []
        now = hub_now(session, hub.id)
        assert now.stage is entered
        assert now.stage_due_date == (today() + timedelta(days=days) if days else None)
        change = last_change(session, hub.id)
        assert (change.from_stage, change.to_stage, change.actor) == (
            done,
            entered,
            f"staff:{ann.email}",
        )
        done_task = session.scalars(select(Email).where(Email.kind == kind)).first()
        session.commit()
        assert done_task is not None

    tasks = session.scalars(select(Email.state)).all()
    session.commit()
    assert set(tasks) == {"sent"}  # the flow also sent what it queued (outbox backend)
    listing = json.loads((tmp_path / "public" / "hubs.json").read_text())["hubs"]
    assert [(h["name"], [c["email"] for c in h["contacts"]]) for h in listing] == [(hub.name, [CY])]
    welcome = session.scalars(select(Email).where(Email.kind == "listed_welcome")).first()
    assert welcome is not None and "http://hubflow.test/hubs" in welcome.text
    assert "http://hubflow.test/hub/" in welcome.text


def test_the_listed_welcome_names_hubs_near_it_without_any_plan(session: Session) -> None:
    ann = factories.staff(session)
    factories.hub_in(
        session, Stage.LISTED, reviewer=ann, group_name="Southie M4A", district="4th Suffolk"
    )
    # Its interest not yet reviewed: no one has seen its name, and it has no public contact.
    hubs.submit_interest(
        session, factories.interest_form(group_name="Unseen Eastie", district="4th Suffolk")
    )
    dorchester = factories.hub_in(
        session, Stage.LISTED, reviewer=ann, group_name="Dorchester M4A", district="13th Suffolk"
    )
    process_events()
    welcomes = session.scalars(
        select(Email).where(Email.kind == "listed_welcome", Email.hub_id == dorchester.id)
    ).all()
    session.commit()
    assert welcomes  # one to each of the Hub's contacts
    for welcome in welcomes:
        assert "Hubs near you share your State Senator or Member of Congress" in welcome.text
        assert "Southie M4A (4th Suffolk), also in the First Suffolk Senate district" in (
            welcome.text
        )
        assert "<strong>Southie M4A</strong> (4th Suffolk)" in welcome.html
        assert "Unseen Eastie" not in welcome.text


def test_review_tasks_go_round_robin_to_active_staff(session: Session) -> None:
    ann = factories.staff(session, name="Ann")
    bea = factories.staff(session, name="Bea")
    first = hubs.submit_interest(session, factories.interest_form())
    second = hubs.submit_interest(session, factories.interest_form())
    third = hubs.submit_interest(session, factories.interest_form())
    process_events()
    owners = dict(session.execute(select(Hub.id, Hub.owner_id)).tuples().all())
    assert [owners[first.id], owners[second.id], owners[third.id]] == [ann.id, bea.id, ann.id]


def test_rerunning_event_processing_over_the_same_events_changes_nothing(
    session: Session,
) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann)
    hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, factories.strategic_plan(today()))
    process_events()
    before, due = counts(session), hub_now(session, hub.id).stage_due_date
    assert process_events()["events"] == 0
    with session.begin():  # as if every event had never been marked processed
        session.execute(update(DomainEvent).values(processed_at=None))
    again = process_events()
    assert again["events"] > 0 and again["emails_queued"] == 0
    assert counts(session) == before
    assert hub_now(session, hub.id).stage_due_date == due


def test_request_changes_resubmit_approve_keeps_both_versions_and_emails_the_comment(
    session: Session,
) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(
        session, Stage.FIRST_ACTION, reviewer=ann, group_name="<script>alert(1)</script>", email=BO
    )
    process_events()
    watch = Watch(session)
    watch.emails()
    v1 = hubs.submit_stage_work(
        session, hub.id, Stage.FIRST_ACTION, factories.first_action(today())
    )
    reviews.decide(
        session,
        v1.id,
        Decision.REQUEST_CHANGES,
        staff_id=ann.id,
        comment="How many people signed the petition? <b>bold</b>",
    )
    process_events()
    assert ("changes_requested", BO) in watch.emails()
    email = session.scalars(select(Email).where(Email.kind == "changes_requested")).one()
    session.commit()
    assert "How many people signed the petition? <b>bold</b>" in email.text
    assert "How many people signed the petition? &lt;b&gt;bold&lt;/b&gt;" in email.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html and "<script>" not in email.html
    v2 = hubs.submit_stage_work(
        session, hub.id, Stage.FIRST_ACTION, factories.first_action(today(), participants=30)
    )
    process_events()
    reviews.decide(session, v2.id, Decision.APPROVE, staff_id=ann.id)
    process_events()
    assert watch.emails() == sorted(
        [("submission_received", BO), ("review_assigned", ann.email), ("stage_approved", BO)]
    )
    versions = session.execute(
        select(Submission.version, Submission.state)
        .where(Submission.hub_id == hub.id, Submission.stage == Stage.FIRST_ACTION)
        .order_by(Submission.version)
    ).all()
    assert versions == [(1, SubmissionState.CHANGES_REQUESTED), (2, SubmissionState.APPROVED)]
    tasks = watch.tasks()
    assert [(t.title, t.state) for t in tasks][-1] == (
        "Review <script>alert(1)</script>'s first action (version 2)",
        ReviewState.DONE,
    )


def test_no_review_task_is_opened_for_a_submission_decided_before_processing(
    session: Session,
) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.ONBOARDING, reviewer=ann)
    process_events()
    watch = Watch(session)
    watch.emails(), watch.tasks()
    sub = hubs.submit_stage_work(session, hub.id, Stage.ONBOARDING, factories.onboarding())
    reviews.decide(session, sub.id, Decision.APPROVE, staff_id=ann.id)
    process_events()
    assert watch.tasks() == []
    assert [kind for kind, _ in watch.emails()] == [
        "stage_approved",
        "stage_approved",
        "submission_received",
        "submission_received",
    ]
