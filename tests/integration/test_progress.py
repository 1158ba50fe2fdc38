"""A listed Hub's progress reports (#32): a claimed move becomes a review task; confirmed,
the legislator's stance changes with the Hub credited and every Hub targeting them is told;
declined, the stance stays and the Hub hears why. Every wrong field named at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import ClaimState, ReviewKind, ReviewState, Stage, Stance, Status
from models.errors import InvalidInput, TransitionNotAllowed
from models.hub import Hub
from models.legislature import Legislator, StanceChange
from models.progress import ProgressReport, ReportAction
from models.review import ReviewTask
from models.services import hubs, progress
from models.services.common import Actor
from models.services.legislators import stance_history
from models.staff import StaffMember
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tests import factories

ACTIONS = get_settings().campaign.progress.actions


def react(sessions: sessionmaker[Session]) -> None:
    process_waiting(sessions, settings=get_settings(), now=utcnow())


def action(target: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "target": target,
        "kind": "meeting",
        "done_on": (utcnow().date() - timedelta(days=3)).isoformat(),
        "people": 6,
        "response": "Said she would sign on after the hearing.",
    }
    return {**row, **overrides}


def emails(session: Session, kind: MessageKind) -> list[tuple[str, int | None]]:
    session.commit()
    rows = session.execute(
        select(Email.to_email, Email.hub_id).where(Email.kind == kind).order_by(Email.id)
    )
    return [(to, hub_id) for to, hub_id in rows]


@pytest.fixture
def ann(session: Session) -> StaffMember:
    return factories.staff(session, name="Ann Lee", email="ann@masscare.org")


@pytest.fixture
def two_hubs(session: Session, ann: StaffMember) -> tuple[Hub, Hub]:
    """Two listed Hubs of 1st Norfolk, both with its Rep (Bruce Ayers) in their plan."""
    first = factories.hub_in(session, Stage.LISTED, reviewer=ann, email="bo@example.org")
    other = factories.hub_in(
        session, Stage.LISTED, reviewer=ann, group_name="Quincy Care", email="di@example.org"
    )
    return first, other


def target_of(session: Session, hub: Hub) -> int:
    targets = progress.plan_of(session, hub.id)
    session.commit()
    assert [t.legislator_name for t in targets] == ["Bruce Ayers"]
    return targets[0].id


def test_a_confirmed_move_changes_the_stance_credits_the_hub_and_tells_every_hub_on_it(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember, two_hubs: tuple[Hub, Hub]
) -> None:
    first, other = two_hubs
    react(sessions)
    rep = factories.house_rep(session)
    assert rep.stance is Stance.NOT_COSPONSOR
    report = progress.report(
        session,
        first.id,
        {"actions": [action(target_of(session, first), moved_to="cosponsor")], "note": ""},
        actions=ACTIONS,
        actor=Actor.hub(first.id),
        now=utcnow(),
    )
    react(sessions)
    react(sessions)  # again: nothing more
    # Every contact of the Hub (its primary and its contact for new people), once.
    thanked = emails(session, MessageKind.PROGRESS_RECEIVED)
    assert thanked == [("bo@example.org", first.id), ("cy@example.org", first.id)]
    task = session.scalars(select(ReviewTask).where(ReviewTask.kind == ReviewKind.MOVE_CLAIM)).one()
    session.commit()
    assert task.owner_id == ann.id and task.state is ReviewState.OPEN
    assert "Bruce Ayers" in task.title and "Co-sponsor" in task.title
    claimed = session.scalars(select(ReportAction)).one()
    assert (claimed.report_id, claimed.claim_state) == (report.id, ClaimState.PENDING)

    progress.confirm_move(
        session, claimed.id, actor=Actor.staff(ann), comment="On the bill's list.", now=utcnow()
    )
    react(sessions)
    react(sessions)
    session.expire_all()
    assert session.get(Legislator, rep.id).stance is Stance.COSPONSOR  # type: ignore[union-attr]
    (change,) = stance_history(session, rep.id)
    assert (change.hub_id, change.report_action_id) == (first.id, claimed.id)
    assert change.actor == "staff:ann@masscare.org"
    assert "Said she would sign on" in change.reason and "On the bill's list." in change.reason
    assert session.get(ReviewTask, task.id).state is ReviewState.DONE  # type: ignore[union-attr]
    told = emails(session, MessageKind.LEGISLATOR_MOVED)
    assert sorted(told) == sorted(
        [
            ("bo@example.org", first.id),
            ("cy@example.org", first.id),
            ("di@example.org", other.id),
            ("cy@example.org", other.id),
        ]
    )
    mine, theirs = (
        session.scalars(
            select(Email).where(Email.kind == MessageKind.LEGISLATOR_MOVED, Email.hub_id == h.id)
        ).first()
        for h in (first, other)
    )
    assert mine is not None and theirs is not None
    assert "from your own report" in mine.text
    assert f"{first.name} reported it" in theirs.text
    with pytest.raises(progress.ClaimDecided, match="already confirmed"):
        progress.decline_move(
            session, claimed.id, actor=Actor.staff(ann), reason="Not on the list.", now=utcnow()
        )


def test_a_declined_move_leaves_the_stance_and_tells_the_hub_why(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember, two_hubs: tuple[Hub, Hub]
) -> None:
    first, _ = two_hubs
    progress.report(
        session,
        first.id,
        {"actions": [action(target_of(session, first), moved_to="caucus_member")]},
        actions=ACTIONS,
        actor=Actor.hub(first.id),
        now=utcnow(),
    )
    react(sessions)
    claimed = session.scalars(select(ReportAction)).one()
    session.commit()
    with pytest.raises(InvalidInput) as err:
        progress.decline_move(session, claimed.id, actor=Actor.staff(ann), reason=" ", now=utcnow())
    assert list(err.value.errors) == ["reason"]
    progress.decline_move(
        session,
        claimed.id,
        actor=Actor.staff(ann),
        reason="The caucus list does not have him yet; tell us when it does.",
        now=utcnow(),
    )
    react(sessions)
    session.expire_all()
    rep = factories.house_rep(session)
    assert rep.stance is Stance.NOT_COSPONSOR
    assert stance_history(session, rep.id) == []
    assert session.get(ReportAction, claimed.id).claim_state is ClaimState.DECLINED  # type: ignore[union-attr]
    assert emails(session, MessageKind.MOVE_DECLINED) == [
        ("bo@example.org", first.id),
        ("cy@example.org", first.id),
    ]
    assert emails(session, MessageKind.LEGISLATOR_MOVED) == []
    sent = session.scalars(select(Email).where(Email.kind == MessageKind.MOVE_DECLINED)).first()
    assert sent is not None
    assert "caucus list does not have him yet" in sent.text and "Not a co-sponsor" in sent.text


def test_every_wrong_field_of_a_report_is_named_at_once_and_nothing_is_stored(
    session: Session, ann: StaffMember, two_hubs: tuple[Hub, Hub]
) -> None:
    first, other = two_hubs
    mine, theirs = target_of(session, first), target_of(session, other)
    tomorrow = (utcnow().date() + timedelta(days=2)).isoformat()
    bad = {
        "actions": [
            action(mine, kind="tea", done_on=tomorrow, people=0, response=""),
            action(theirs, moved_to="promoted"),
        ]
    }
    with pytest.raises(InvalidInput) as err:
        progress.report(
            session, first.id, bad, actions=ACTIONS, actor=Actor.hub(first.id), now=utcnow()
        )
    assert set(err.value.errors) == {
        "actions.0.kind",
        "actions.0.done_on",
        "actions.0.people",
        "actions.0.response",
        "actions.1.moved_to",
    }
    assert "A meeting with the legislator" in err.value.errors["actions.0.kind"]
    # Valid fields, but another Hub's legislator and a claim that is no move.
    with pytest.raises(InvalidInput) as err:
        progress.report(
            session,
            first.id,
            {"actions": [action(theirs), action(mine, moved_to="not_cosponsor")]},
            actions=ACTIONS,
            actor=Actor.hub(first.id),
            now=utcnow(),
        )
    assert err.value.errors == {
        "actions.0.target": "choose a legislator of your plan",
        "actions.1.moved_to": (
            "Bruce Ayers is already “Not a co-sponsor”: choose where they stand now, beyond that"
        ),
    }
    with pytest.raises(InvalidInput) as err:
        progress.report(
            session,
            first.id,
            {"note": "ok"},
            actions=ACTIONS,
            actor=Actor.hub(first.id),
            now=utcnow(),
        )
    assert list(err.value.errors) == ["actions"]
    assert session.scalar(select(func.count(ProgressReport.id))) == 0
    assert session.scalar(select(func.count(ReportAction.id))) == 0


def test_only_a_listed_hub_reports_and_a_note_alone_is_a_report(
    session: Session, ann: StaffMember
) -> None:
    planning = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann)
    with pytest.raises(TransitionNotAllowed, match="not listed yet"):
        progress.report(
            session,
            planning.id,
            {"note": "We met twice this month."},
            actions=ACTIONS,
            actor=Actor.hub(planning.id),
            now=utcnow(),
        )
    listed = factories.hub_in(session, Stage.LISTED, reviewer=ann, group_name="Braintree M4A")
    first = progress.report(
        session,
        listed.id,
        {"note": "Quiet summer: two house meetings, nothing new from our Rep."},
        actions=ACTIONS,
        actor=Actor.hub(listed.id),
        now=utcnow(),
    )
    second = progress.report(
        session,
        listed.id,
        {"note": "A district event with 40 people."},
        actions=ACTIONS,
        actor=Actor.hub(listed.id),
        now=utcnow(),
    )
    assert (first.version, second.version) == (1, 2)  # both kept
    hubs.withdraw(session, listed.id, actor=Actor.hub(listed.id), now=utcnow())
    with pytest.raises(TransitionNotAllowed, match="withdrawn"):
        progress.report(
            session,
            listed.id,
            {"note": "One more thing to say."},
            actions=ACTIONS,
            actor=Actor.hub(listed.id),
            now=utcnow(),
        )
    assert session.get(Hub, listed.id).status is Status.WITHDRAWN  # type: ignore[union-attr]


def test_a_stance_typed_by_staff_also_tells_the_hubs_on_that_legislator(
    session: Session, sessions: sessionmaker[Session], ann: StaffMember, two_hubs: tuple[Hub, Hub]
) -> None:
    from models.services.legislators import set_stance

    react(sessions)
    rep = factories.house_rep(session)
    set_stance(session, rep.id, Stance.COSPONSOR, actor=Actor.staff(ann), reason="Signed on.")
    react(sessions)
    assert len(emails(session, MessageKind.LEGISLATOR_MOVED)) == 4  # two contacts each
    sent = session.scalars(select(Email).where(Email.kind == MessageKind.LEGISLATOR_MOVED)).first()
    assert sent is not None and "reported it" not in sent.text
    assert session.scalar(select(func.count(StanceChange.id))) == 1
