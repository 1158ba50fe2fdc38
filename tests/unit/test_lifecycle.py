"""Every action from every stage and status: allowed ones land where SPEC §2 says,
forbidden ones are refused with a reason."""

from __future__ import annotations

import itertools

import pytest

from models.enums import Goal, Stage, Stance, Status
from models.errors import TransitionNotAllowed
from models.lifecycle import Action, HubState, check

S, St = Stage, Status
OPEN = (St.ACTIVE, St.STALLED)
NEXT = {
    S.INTEREST: S.FIRST_ACTION,
    S.FIRST_ACTION: S.ONBOARDING,
    S.ONBOARDING: S.STRATEGIC_PLAN,
    S.STRATEGIC_PLAN: S.LISTED,
}
PREV = {v: k for k, v in NEXT.items()}


def expected(action: Action, stage: Stage, status: Status) -> tuple[Stage, Status] | None:
    """The outcome SPEC §2 gives, written out independently of models.lifecycle."""
    if action is Action.SUBMIT:
        return (stage, St.ACTIVE) if status in OPEN and stage is not S.LISTED else None
    if action is Action.APPROVE:
        return (NEXT[stage], St.ACTIVE) if status in OPEN and stage in NEXT else None
    if action is Action.REQUEST_CHANGES:
        return (stage, St.ACTIVE) if status in OPEN else None
    if action is Action.DECLINE:
        return (stage, St.DECLINED) if status in OPEN else None
    if action is Action.MOVE_BACK:
        if status in OPEN and stage in PREV:
            return (PREV[stage], St.ACTIVE)
        return (PREV[stage], St.PAUSED) if status is St.PAUSED and stage in PREV else None
    if action is Action.PAUSE:
        return (stage, St.PAUSED) if status in OPEN else None
    if action is Action.RESUME:
        return (stage, St.ACTIVE) if status is St.PAUSED else None
    if action is Action.WITHDRAW:
        return (stage, St.WITHDRAWN) if status in (*OPEN, St.PAUSED) else None
    if action is Action.REOPEN:  # SPEC §9: a decline can be undone, at the same stage
        return (stage, St.ACTIVE) if status is St.DECLINED else None
    raise AssertionError(action)


CASES = list(itertools.product(Action, Stage, Status))


@pytest.mark.parametrize(
    ("action", "stage", "status"), CASES, ids=[f"{a}-{s}-{t}" for a, s, t in CASES]
)
def test_every_action_from_every_stage_and_status(
    action: Action, stage: Stage, status: Status
) -> None:
    want = expected(action, stage, status)
    hub = HubState(stage, status)
    if want is None:
        with pytest.raises(TransitionNotAllowed):
            check(action, hub)
    else:
        outcome = check(action, hub)
        assert (outcome.stage, outcome.status) == want


def test_a_hub_cannot_skip_onboarding() -> None:
    hub = HubState(S.FIRST_ACTION, St.ACTIVE)
    with pytest.raises(TransitionNotAllowed, match="is in first action"):
        check(Action.SUBMIT, hub, stage=S.STRATEGIC_PLAN)
    with pytest.raises(TransitionNotAllowed, match="is in first action"):
        check(Action.APPROVE, hub, stage=S.ONBOARDING)


def test_approval_moves_exactly_one_stage() -> None:
    assert check(Action.APPROVE, HubState(S.ONBOARDING, St.ACTIVE)).stage is S.STRATEGIC_PLAN


def test_a_hub_cannot_submit_twice_while_staff_review() -> None:
    with pytest.raises(TransitionNotAllowed, match="already waiting"):
        check(Action.SUBMIT, HubState(S.ONBOARDING, St.ACTIVE, waiting_for_staff=True))


def test_a_submission_clears_stalled() -> None:
    assert check(Action.SUBMIT, HubState(S.ONBOARDING, St.STALLED)).status is St.ACTIVE


@pytest.mark.parametrize("status", [St.WITHDRAWN, St.DECLINED])
def test_nothing_can_be_done_to_a_closed_hub_but_reopen_a_declined_one(status: Status) -> None:
    for action in Action:
        if action is Action.REOPEN and status is St.DECLINED:
            assert check(action, HubState(S.ONBOARDING, status)).status is St.ACTIVE
            continue
        with pytest.raises(TransitionNotAllowed, match=status.value):
            check(action, HubState(S.ONBOARDING, status))


def test_paused_withdrawn_and_declined_hubs_stop_the_clock() -> None:
    assert [s for s in Status if s.clock_runs()] == [St.ACTIVE, St.STALLED]


def test_stage_order() -> None:
    assert S.INTEREST.next() is S.FIRST_ACTION
    assert S.LISTED.next() is None
    assert S.INTEREST.previous() is None
    assert S.LISTED.previous() is S.STRATEGIC_PLAN


@pytest.mark.parametrize(
    ("stance", "goal", "fits"),
    [
        (Stance.NOT_COSPONSOR, Goal.WIN_COSPONSORSHIP, True),
        (Stance.COSPONSOR, Goal.WIN_COSPONSORSHIP, False),
        (Stance.CAUCUS_MEMBER, Goal.WIN_COSPONSORSHIP, False),
        (Stance.CHAMPION, Goal.WIN_COSPONSORSHIP, False),
        (Stance.COSPONSOR, Goal.JOIN_CAUCUS, True),
        (Stance.CAUCUS_MEMBER, Goal.JOIN_CAUCUS, False),
        (Stance.CHAMPION, Goal.JOIN_CAUCUS, False),
        (Stance.NOT_COSPONSOR, Goal.COHOST_EVENT, True),
        (Stance.CHAMPION, Goal.COHOST_EVENT, True),
        (Stance.CHAMPION, Goal.PERSUADE_COLLEAGUES, True),
        (Stance.COSPONSOR, Goal.PERSUADE_COLLEAGUES, True),
    ],
)
def test_a_goal_must_fit_the_stance(stance: Stance, goal: Goal, fits: bool) -> None:
    assert stance.allows(goal) is fits
