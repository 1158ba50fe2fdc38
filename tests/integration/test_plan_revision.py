"""A listed Hub revises its plan (#32): reviewed like the first plan; until it is approved
the plan staff approved before stays the Hub's plan (coverage, neighbours, reports)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import Decision, Goal, ReviewKind, ReviewState, Stage, Status
from models.errors import InvalidInput, TransitionNotAllowed
from models.review import ReviewTask
from models.services import progress, reviews, revisions
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tests import factories


def react(sessions: sessionmaker[Session]) -> None:
    process_waiting(sessions, settings=get_settings(), now=utcnow())


def goals(session: Session, hub_id: int) -> list[tuple[str, Goal]]:
    found = [(t.legislator_name, t.goal) for t in progress.plan_of(session, hub_id)]
    session.commit()
    return found


def test_a_revision_is_reviewed_and_the_approved_plan_stays_until_it_is_approved(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    ann = factories.staff(session, name="Ann Lee", email="ann@masscare.org")
    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann)
    react(sessions)
    today = utcnow().date()
    assert goals(session, hub.id) == [("Bruce Ayers", Goal.WIN_COSPONSORSHIP)]
    # Bruce Ayers co-sponsors now: the next goal is the caucus.
    caucus = factories.plan_target(today, stance="cosponsor", goal="join_caucus")
    with pytest.raises(InvalidInput) as err:
        revisions.revise_plan(
            session, hub.id, {"targets": [{**caucus, "goal": "win_cosponsorship"}]}
        )
    assert list(err.value.errors) == ["payload.targets.0.goal"]
    first = revisions.revise_plan(session, hub.id, {"targets": [caucus]})
    react(sessions)
    assert goals(session, hub.id) == [("Bruce Ayers", Goal.WIN_COSPONSORSHIP)]  # not yet
    task = session.scalars(select(ReviewTask).where(ReviewTask.submission_id == first.id)).one()
    session.commit()
    assert task.kind is ReviewKind.SUBMISSION and "revised plan (version 2)" in task.title
    with pytest.raises(TransitionNotAllowed, match="already with the team"):
        revisions.revise_plan(session, hub.id, {"targets": [caucus]})

    reviews.decide(
        session, first.id, Decision.REQUEST_CHANGES, staff_id=ann.id, comment="Add a date."
    )
    react(sessions)
    session.expire_all()
    assert session.get(type(hub), hub.id).stage is Stage.LISTED  # type: ignore[union-attr]
    assert goals(session, hub.id) == [("Bruce Ayers", Goal.WIN_COSPONSORSHIP)]
    later = {**caucus, "target_date": (today + timedelta(days=200)).isoformat()}
    second = revisions.revise_plan(session, hub.id, {"targets": [later]})
    reviews.decide(session, second.id, Decision.APPROVE, staff_id=ann.id)
    react(sessions)
    session.expire_all()
    listed = session.get(type(hub), hub.id)
    assert listed is not None and (listed.stage, listed.status) == (Stage.LISTED, Status.ACTIVE)
    assert goals(session, hub.id) == [("Bruce Ayers", Goal.JOIN_CAUCUS)]
    assert session.get(ReviewTask, task.id).state is ReviewState.DONE  # type: ignore[union-attr]
    session.commit()
    sent = session.execute(
        select(Email.kind, Email.subject).where(Email.hub_id == hub.id).order_by(Email.id)
    ).all()
    decided = [subject for kind, subject in sent if kind is MessageKind.REVISION_DECIDED]
    assert decided == [
        f"{hub.name}: a few changes to your revised plan",
        f"{hub.name}: a few changes to your revised plan",  # to each of its two contacts
        f"{hub.name}: your revised plan is approved",
        f"{hub.name}: your revised plan is approved",
    ]
    # Never a second "your Hub is listed" for a revision.
    assert [k for k, _ in sent].count(MessageKind.LISTED_WELCOME) == 2


def test_a_declined_revision_leaves_the_hub_listed_with_its_plan(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann)
    today = utcnow().date()
    revised = revisions.revise_plan(
        session, hub.id, {"targets": [factories.plan_target(today, goal="cohost_event")]}
    )
    reviews.decide(session, revised.id, Decision.DECLINE, staff_id=ann.id, comment="Not now.")
    react(sessions)
    session.expire_all()
    listed = session.get(type(hub), hub.id)
    assert listed is not None and (listed.stage, listed.status) == (Stage.LISTED, Status.ACTIVE)
    assert goals(session, hub.id) == [("Bruce Ayers", Goal.WIN_COSPONSORSHIP)]
    planning = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann, group_name="Other")
    with pytest.raises(TransitionNotAllowed, match="cannot be revised"):
        revisions.revise_plan(session, planning.id, {"targets": [factories.plan_target(today)]})
