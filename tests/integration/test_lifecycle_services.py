"""The services that move a Hub through its life, against a real database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import StageChange
from models.enums import ContactRole, Decision, Stage, Status, SubmissionState
from models.errors import AlreadyDecided, InvalidInput, NotFound, TransitionNotAllowed
from models.hub import Hub, Submission
from models.services import hubs, reviews
from models.services.common import Actor
from plumbing.settings import get_settings
from tests import factories
from tests.integration.helpers import event_types, row_counts

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 10:00 in Boston
TODAY = date(2026, 3, 2)


def test_an_interest_form_creates_a_hub_in_interest_with_its_clock(session: Session) -> None:
    hub = hubs.submit_interest(
        session, factories.interest_form(group_name="South Shore M4A"), now=NOW
    )
    assert (hub.stage, hub.status) == (Stage.INTEREST, Status.ACTIVE)
    assert hub.stage_due_date == TODAY + timedelta(days=14)
    assert hub.district.name == "1st Norfolk"
    [contact] = hub.contacts
    assert (contact.role, contact.email) == (ContactRole.PRIMARY, contact.email.lower())
    assert event_types(session, hub.id) == ["hub.stage.entered", "hub.interest.submitted"]
    [change] = session.scalars(select(StageChange).where(StageChange.hub_id == hub.id)).all()
    assert (change.from_stage, change.to_stage, change.to_status) == (
        None,
        Stage.INTEREST,
        Status.ACTIVE,
    )


def test_submitting_the_same_interest_twice_yields_one_hub(session: Session) -> None:
    form = factories.interest_form()
    first = hubs.submit_interest(session, form, now=NOW)
    again = hubs.submit_interest(session, {**form, "email": form["email"].upper()}, now=NOW)
    assert again.id == first.id
    assert row_counts(session)["hubs"] == 1
    assert row_counts(session)["submissions"] == 1


def test_an_unknown_district_is_refused_and_nothing_is_stored(session: Session) -> None:
    before = row_counts(session)
    with pytest.raises(InvalidInput) as exc:
        hubs.submit_interest(session, factories.interest_form(district="99th Nowhere"))
    assert "no Massachusetts State Rep district called" in exc.value.errors["district"]
    assert row_counts(session) == before


def test_a_senate_district_is_not_a_state_rep_district(session: Session) -> None:
    with pytest.raises(InvalidInput, match="district"):
        hubs.submit_interest(session, factories.interest_form(district="First Middlesex"))


def test_one_hub_goes_from_interest_to_listed(session: Session) -> None:
    ann = factories.staff(session)
    hub = hubs.submit_interest(session, factories.interest_form(), now=NOW)
    for stage in (Stage.INTEREST, Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN):
        if stage is not Stage.INTEREST:
            sub = hubs.submit_stage_work(
                session, hub.id, stage, factories.evidence_for(stage, TODAY), now=NOW
            )
            assert sub.state is SubmissionState.PENDING
        reviews.decide(
            session, factories.pending(session, hub).id, Decision.APPROVE, staff_id=ann.id, now=NOW
        )
        session.expire_all()
        refreshed = session.get(Hub, hub.id)
        assert refreshed is not None
        assert refreshed.stage is stage.next()
    # Listed, its clock runs to its first progress report.
    assert refreshed.listed_at == NOW
    assert refreshed.stage_due_date == NOW.date() + timedelta(days=90)
    onboarding = [c for c in refreshed.contacts if c.role is ContactRole.ONBOARDING]
    assert [(c.email, c.consent_to_publish) for c in onboarding] == [("cy@example.org", True)]
    history = session.scalars(
        select(StageChange).where(StageChange.hub_id == hub.id).order_by(StageChange.id)
    ).all()
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, Stage.INTEREST),
        (Stage.INTEREST, Stage.FIRST_ACTION),
        (Stage.FIRST_ACTION, Stage.ONBOARDING),
        (Stage.ONBOARDING, Stage.STRATEGIC_PLAN),
        (Stage.STRATEGIC_PLAN, Stage.LISTED),
    ]
    assert all(h.actor == f"staff:{ann.email}" for h in history[1:])
    assert event_types(session, hub.id)[-3:] == [
        "hub.submission.approved",
        "hub.stage.entered",
        "hub.listed",
    ]


def test_entering_a_stage_sets_its_due_date_from_policy(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.ONBOARDING, reviewer=ann, now=NOW)
    assert hub.stage_due_date == TODAY + timedelta(days=30)


def test_a_hub_cannot_skip_onboarding(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, now=NOW)
    before = row_counts(session)
    with pytest.raises(TransitionNotAllowed, match="is in first action"):
        hubs.submit_stage_work(
            session, hub.id, Stage.STRATEGIC_PLAN, factories.strategic_plan(TODAY), now=NOW
        )
    assert row_counts(session) == before


def test_changes_requested_never_cut_the_time_a_hub_had_left(session: Session) -> None:
    """SPEC §9: with 30 days left when it handed in, 30 days; with 3 left, 14."""
    ann = factories.staff(session)
    policy = get_settings().policy
    for left, expected in ((30, 30), (3, 14)):
        hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, now=NOW)
        handed_in = NOW + timedelta(days=60 - left)
        sub = hubs.submit_stage_work(
            session,
            hub.id,
            Stage.FIRST_ACTION,
            factories.first_action(handed_in.date()),
            now=handed_in,
            policy=policy,
        )
        decided = handed_in + timedelta(days=9)  # nine days with staff: not the Hub's
        reviews.decide(
            session,
            sub.id,
            Decision.REQUEST_CHANGES,
            staff_id=ann.id,
            comment="Tell us how many came.",
            now=decided,
            policy=policy,
        )
        session.expire_all()
        due = session.get(Hub, hub.id).stage_due_date  # type: ignore[union-attr]
        assert due == policy.today(decided) + timedelta(days=expected), (left, due)


def test_request_changes_keeps_both_versions_and_gives_a_fresh_due_date(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, now=NOW)
    v1 = hubs.submit_stage_work(
        session, hub.id, Stage.FIRST_ACTION, factories.first_action(TODAY), now=NOW
    )
    later = NOW + timedelta(days=20)
    reviews.decide(
        session,
        v1.id,
        Decision.REQUEST_CHANGES,
        staff_id=ann.id,
        comment="Tell us how many people joined.",
        now=later,
    )
    session.expire_all()
    # It handed in with 60 days left and its clock stood still for the 20 days of review:
    # 60 days from the decision (the 14 of changes_requested are a floor, not a cut).
    assert session.get(Hub, hub.id).stage_due_date == TODAY + timedelta(days=80)  # type: ignore[union-attr]
    v2 = hubs.submit_stage_work(
        session,
        hub.id,
        Stage.FIRST_ACTION,
        factories.first_action(TODAY, participants=14),
        now=later,
    )
    reviews.decide(session, v2.id, Decision.APPROVE, staff_id=ann.id, now=later)
    versions = session.scalars(
        select(Submission)
        .where(Submission.hub_id == hub.id, Submission.stage == Stage.FIRST_ACTION)
        .order_by(Submission.version)
    ).all()
    assert [(s.version, s.state, s.payload["participants"]) for s in versions] == [
        (1, SubmissionState.CHANGES_REQUESTED, 9),
        (2, SubmissionState.APPROVED, 14),
    ]
    assert versions[0].comment == "Tell us how many people joined."
    assert "hub.changes.requested" in event_types(session, hub.id)


def test_request_changes_and_decline_need_a_comment(session: Session) -> None:
    ann = factories.staff(session)
    hub = hubs.submit_interest(session, factories.interest_form(), now=NOW)
    sub = factories.pending(session, hub)
    before = row_counts(session)
    for decision in (Decision.REQUEST_CHANGES, Decision.DECLINE):
        with pytest.raises(InvalidInput) as exc:
            reviews.decide(session, sub.id, decision, staff_id=ann.id, comment="  ")
        assert list(exc.value.errors) == ["comment"]
    assert row_counts(session) == before


def test_decline_closes_the_hub(session: Session) -> None:
    ann = factories.staff(session)
    hub = hubs.submit_interest(session, factories.interest_form(), now=NOW)
    reviews.decide(
        session,
        factories.pending(session, hub).id,
        Decision.DECLINE,
        staff_id=ann.id,
        comment="Not in Massachusetts.",
        now=NOW,
    )
    session.expire_all()
    hub = session.get(Hub, hub.id)  # type: ignore[assignment]
    assert (hub.status, hub.stage_due_date) == (Status.DECLINED, None)
    with pytest.raises(TransitionNotAllowed, match="declined"):
        hubs.pause(session, hub.id, actor=Actor.staff(ann))


def test_approving_an_already_decided_submission_says_who_and_when(session: Session) -> None:
    ann, bea = factories.staff(session), factories.staff(session, name="Bea")
    hub = hubs.submit_interest(session, factories.interest_form(), now=NOW)
    sub = factories.pending(session, hub)
    reviews.decide(session, sub.id, Decision.APPROVE, staff_id=ann.id, now=NOW)
    before = row_counts(session)
    with pytest.raises(AlreadyDecided) as exc:
        reviews.decide(session, sub.id, Decision.DECLINE, staff_id=bea.id, comment="no", now=NOW)
    assert f"was already approved by {ann.email} at Mar 2, 2026 15:00 UTC" in str(exc.value)
    assert row_counts(session) == before


def test_deciding_needs_an_active_staff_member(session: Session) -> None:
    hub = hubs.submit_interest(session, factories.interest_form(), now=NOW)
    with pytest.raises(InvalidInput) as exc:
        reviews.decide(session, factories.pending(session, hub).id, Decision.APPROVE, staff_id=999)
    assert list(exc.value.errors) == ["staff"]


def test_deciding_an_unknown_submission_is_not_found(session: Session) -> None:
    ann = factories.staff(session)
    with pytest.raises(NotFound):
        reviews.decide(session, 4242, Decision.APPROVE, staff_id=ann.id)


def test_an_unknown_decision_is_refused_by_name(session: Session) -> None:
    with pytest.raises(InvalidInput) as exc:
        reviews.decide(session, 1, "maybe", staff_id=1)
    assert list(exc.value.errors) == ["decision"]


def test_acting_on_a_withdrawn_hub_is_refused(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, now=NOW)
    sub = hubs.submit_stage_work(
        session, hub.id, Stage.FIRST_ACTION, factories.first_action(TODAY), now=NOW
    )
    hubs.withdraw(session, hub.id, actor=Actor.hub(hub.id), reason="members moved away", now=NOW)
    session.expire_all()
    assert session.get(Submission, sub.id).state is SubmissionState.WITHDRAWN  # type: ignore[union-attr]
    with pytest.raises(AlreadyDecided):
        reviews.decide(session, sub.id, Decision.APPROVE, staff_id=ann.id)
    with pytest.raises(TransitionNotAllowed, match="withdrawn"):
        hubs.submit_stage_work(session, hub.id, Stage.FIRST_ACTION, factories.first_action(TODAY))
    for service in (hubs.pause, hubs.resume, hubs.withdraw):
        with pytest.raises(TransitionNotAllowed, match="withdrawn"):
            service(session, hub.id, actor=Actor.staff(ann))


def test_pause_stops_the_clock_and_resume_gives_back_the_remaining_days(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.ONBOARDING, reviewer=ann, now=NOW)  # due in 30 days
    hubs.pause(
        session, hub.id, actor=Actor.staff(ann), reason="summer", now=NOW + timedelta(days=10)
    )
    session.expire_all()
    paused = session.get(Hub, hub.id)
    assert (paused.status, paused.stage_due_date, paused.paused_days_left) == (  # type: ignore[union-attr]
        Status.PAUSED,
        None,
        20,
    )
    session.rollback()
    resumed_at = NOW + timedelta(days=40)
    hubs.resume(session, hub.id, actor=Actor.staff(ann), now=resumed_at)
    session.expire_all()
    resumed = session.get(Hub, hub.id)
    assert resumed.status is Status.ACTIVE  # type: ignore[union-attr]
    assert resumed.stage_due_date == TODAY + timedelta(days=40 + 20)  # type: ignore[union-attr]
    changes = session.scalars(
        select(StageChange).where(StageChange.hub_id == hub.id).order_by(StageChange.id)
    ).all()
    assert [(c.from_status, c.to_status, c.reason) for c in changes[-2:]] == [
        (Status.ACTIVE, Status.PAUSED, "summer"),
        (Status.PAUSED, Status.ACTIVE, ""),
    ]


def test_a_paused_hub_cannot_submit(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, now=NOW)
    hubs.pause(session, hub.id, actor=Actor.staff(ann), now=NOW)
    with pytest.raises(TransitionNotAllowed, match="paused"):
        hubs.submit_stage_work(session, hub.id, Stage.FIRST_ACTION, factories.first_action(TODAY))


def test_move_back_needs_a_reason_and_reopens_the_earlier_stage(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann, now=NOW)
    with pytest.raises(InvalidInput) as exc:
        hubs.move_back(session, hub.id, actor=Actor.staff(ann), reason=" ")
    assert list(exc.value.errors) == ["reason"]
    later = NOW + timedelta(days=3)
    hubs.move_back(session, hub.id, actor=Actor.staff(ann), reason="redo the plan", now=later)
    session.expire_all()
    back = session.get(Hub, hub.id)
    assert (back.stage, back.listed_at) == (Stage.STRATEGIC_PLAN, None)  # type: ignore[union-attr]
    assert back.stage_due_date == TODAY + timedelta(days=3 + 45)  # type: ignore[union-attr]
    last = session.scalars(
        select(StageChange).where(StageChange.hub_id == hub.id).order_by(StageChange.id.desc())
    ).first()
    assert (last.from_stage, last.to_stage, last.reason) == (  # type: ignore[union-attr]
        Stage.LISTED,
        Stage.STRATEGIC_PLAN,
        "redo the plan",
    )


def test_a_plan_naming_an_unknown_legislator_id_is_refused(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann, now=NOW)
    before = row_counts(session)
    plan = factories.strategic_plan(TODAY, factories.plan_target(TODAY, legislator_id=99999))
    with pytest.raises(InvalidInput) as exc:
        hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan, now=NOW)
    assert list(exc.value.errors) == ["payload.targets.0.legislator_id"]
    assert row_counts(session) == before


def test_a_plan_naming_its_state_rep_by_id_is_accepted(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.STRATEGIC_PLAN, reviewer=ann, now=NOW)
    rep = factories.house_rep(session)
    plan = factories.strategic_plan(TODAY, factories.plan_target(TODAY, legislator_id=rep.id))
    sub = hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan, now=NOW)
    assert sub.payload["targets"][0]["legislator_id"] == rep.id


def test_bad_stage_work_names_the_field_and_stores_nothing(session: Session) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, now=NOW)
    before = row_counts(session)
    with pytest.raises(InvalidInput) as exc:
        hubs.submit_stage_work(
            session,
            hub.id,
            Stage.FIRST_ACTION,
            factories.first_action(TODAY, participants=-1),
            now=NOW,
        )
    assert list(exc.value.errors) == ["payload.participants"]
    with pytest.raises(InvalidInput) as exc:
        hubs.submit_stage_work(session, hub.id, "finale", {}, now=NOW)
    assert list(exc.value.errors) == ["stage"]
    with pytest.raises(NotFound):
        hubs.submit_stage_work(session, 9999, Stage.FIRST_ACTION, factories.first_action(TODAY))
    assert row_counts(session) == before
