"""The stage table and its guards: which action is allowed from which stage and status.

Plain Python: no database, no Prefect, no web. Services ask these functions before they
change anything, so a forbidden move never gets as far as a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.enums import Decision, Stage, Status, Term
from models.errors import TransitionNotAllowed


class Action(StrEnum):
    SUBMIT = "submit"
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    DECLINE = "decline"
    MOVE_BACK = "move_back"
    PAUSE = "pause"
    RESUME = "resume"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"

    @classmethod
    def for_decision(cls, decision: Decision) -> Action:
        return cls(decision.value)


_OPEN = frozenset({Status.ACTIVE, Status.STALLED})

# From which statuses each action may be taken.
ALLOWED_FROM_STATUS: dict[Action, frozenset[Status]] = {
    Action.SUBMIT: _OPEN,
    Action.APPROVE: _OPEN,
    Action.REQUEST_CHANGES: _OPEN,
    Action.DECLINE: _OPEN,
    Action.MOVE_BACK: _OPEN | {Status.PAUSED},
    Action.PAUSE: _OPEN,
    Action.RESUME: frozenset({Status.PAUSED}),
    Action.WITHDRAW: _OPEN | {Status.PAUSED},
    Action.REOPEN: frozenset({Status.DECLINED}),
}


@dataclass(frozen=True, slots=True)
class HubState:
    """What the rules need to know about a Hub."""

    stage: Stage
    status: Status
    waiting_for_staff: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where an allowed action leaves the Hub."""

    stage: Stage
    status: Status


def check(action: Action, hub: HubState, *, stage: Stage | None = None) -> Outcome:
    """Raise TransitionNotAllowed unless `action` may be taken; return the resulting state.

    `stage` is the stage the action is about (the submission's), where there is one.
    """
    if hub.status not in ALLOWED_FROM_STATUS[action]:
        raise TransitionNotAllowed(
            f"cannot {action.value.replace('_', ' ')} a Hub that is {hub.status.label.lower()}"
        )
    if stage is not None and stage is not hub.stage:
        raise TransitionNotAllowed(
            f"the Hub is in {hub.stage.label.lower()}; work for {stage.label.lower()} cannot be "
            f"{'submitted' if action is Action.SUBMIT else 'decided'} now"
        )
    return _RULES[action](hub)


def _submit(hub: HubState) -> Outcome:
    if not hub.stage.takes_submission():
        raise TransitionNotAllowed("a listed Hub has nothing left to submit")
    if hub.waiting_for_staff:
        raise TransitionNotAllowed(
            f"the Hub's {hub.stage.label.lower()} is already waiting for the {Term.TEAM.label}"
        )
    # Handing in work clears `stalled`: the Hub has met its part.
    return Outcome(hub.stage, Status.ACTIVE)


def _approve(hub: HubState) -> Outcome:
    nxt = hub.stage.next()
    if nxt is None:
        raise TransitionNotAllowed("a listed Hub has no further stage")
    return Outcome(nxt, Status.ACTIVE)


def _request_changes(hub: HubState) -> Outcome:
    return Outcome(hub.stage, Status.ACTIVE)


def _decline(hub: HubState) -> Outcome:
    return Outcome(hub.stage, Status.DECLINED)


def _move_back(hub: HubState) -> Outcome:
    prev = hub.stage.previous()
    if prev is None:
        raise TransitionNotAllowed("a Hub in interest has no earlier stage")
    return Outcome(prev, hub.status if hub.status is Status.PAUSED else Status.ACTIVE)


def _pause(hub: HubState) -> Outcome:
    return Outcome(hub.stage, Status.PAUSED)


def _resume(hub: HubState) -> Outcome:
    return Outcome(hub.stage, Status.ACTIVE)


def _withdraw(hub: HubState) -> Outcome:
    return Outcome(hub.stage, Status.WITHDRAWN)


def _reopen(hub: HubState) -> Outcome:
    """A decline undone: back to the stage it was declined in, active again."""
    return Outcome(hub.stage, Status.ACTIVE)


STATUS_ACTIONS = (Action.PAUSE, Action.RESUME, Action.WITHDRAW, Action.MOVE_BACK, Action.REOPEN)


def available(hub: HubState) -> list[Action]:
    """The status actions staff can take on a Hub now (the others would be refused)."""
    out = []
    for action in STATUS_ACTIONS:
        try:
            check(action, hub)
        except TransitionNotAllowed:
            continue
        out.append(action)
    return out


_RULES = {
    Action.SUBMIT: _submit,
    Action.APPROVE: _approve,
    Action.REQUEST_CHANGES: _request_changes,
    Action.DECLINE: _decline,
    Action.MOVE_BACK: _move_back,
    Action.PAUSE: _pause,
    Action.RESUME: _resume,
    Action.WITHDRAW: _withdraw,
    Action.REOPEN: _reopen,
}
