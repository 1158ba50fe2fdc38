"""A listed Hub's progress on its plan (#32): its reports (each kept, none changed), the
check-in clock they reset, and staff's word on a move a report claims. Each function is
one transaction's work."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import ClaimState, Decision, ReviewState, Stage, Status
from models.errors import HubflowError, InvalidInput, NotFound, TransitionNotAllowed
from models.events import EventType
from models.hub import Hub
from models.legislature import Legislator
from models.parsing import parse
from models.plan import PlanTarget
from models.policy import Policy
from models.progress import ProgressReport, ReportAction
from models.progress_form import ProgressForm
from models.review import ReviewTask
from models.services.common import Actor, current_policy, emit, load_hub, move, transaction
from models.services.coverage import CLOSED, is_current_plan
from models.services.legislators import change_stance
from models.services.review_tasks import close_check_ins
from models.services.staff import staff_names
from models.words import longday


class ClaimDecided(HubflowError):
    """A claimed move someone already confirmed or declined."""


def check(form: Mapping[str, Any], *, actions: Mapping[str, str], today: date) -> ProgressForm:
    """The report, valid, or InvalidInput naming every wrong field (`actions.0.kind`)."""
    return parse(ProgressForm, dict(form), today=today, context={"actions": actions})


def plan_of(session: Session, hub_id: int) -> list[PlanTarget]:
    """The legislators of the Hub's current plan, in the plan's order."""
    return list(
        session.scalars(
            select(PlanTarget)
            .join(Hub, Hub.id == PlanTarget.hub_id)
            .where(PlanTarget.hub_id == hub_id, Hub.status.not_in(CLOSED), is_current_plan())
            .order_by(PlanTarget.id)
        )
    )


def report(
    session: Session,
    hub_id: int,
    form: Mapping[str, Any],
    *,
    actions: Mapping[str, str],
    actor: Actor,
    now: datetime,
    policy: Policy | None = None,
) -> ProgressReport:
    """Record a listed Hub's report: its clock starts again (a stalled Hub is active
    again, its check-in done), and each move it claims waits for staff."""
    policy = current_policy(policy)
    valid = check(form, actions=actions, today=policy.today(now))
    with transaction(session):
        hub = load_hub(session, hub_id)
        if hub.stage is not Stage.LISTED or hub.status.is_final():
            what = hub.status.label.lower() if hub.status.is_final() else "not listed yet"
            raise TransitionNotAllowed(
                f"{hub.name} is {what}: progress reports are for listed Hubs"
            )
        targets = {t.id: t for t in plan_of(session, hub.id)}
        rows = _actions(session, valid, targets)
        version = (
            session.scalar(
                select(func.max(ProgressReport.version)).where(ProgressReport.hub_id == hub.id)
            )
            or 0
        ) + 1
        saved = ProgressReport(
            hub_id=hub.id,
            version=version,
            note=valid.note.strip(),
            submitted_by=actor.label,
            submitted_at=now,
        )
        session.add(saved)
        session.flush()
        for row in rows:
            row.report_id, row.hub_id = saved.id, hub.id
            session.add(row)
        session.flush()
        _restart_clock(session, hub, actor=actor, now=now, policy=policy)
        emit(
            session,
            EventType.PROGRESS_REPORTED,
            hub,
            now,
            report_id=saved.id,
            version=version,
            claims=[r.id for r in rows if r.claimed_stance is not None],
        )
        return saved


def _actions(
    session: Session, valid: ProgressForm, targets: Mapping[int, PlanTarget]
) -> list[ReportAction]:
    errors: dict[str, str] = {}
    rows = []
    for i, action in enumerate(valid.actions):
        target = targets.get(action.target)
        if target is None:
            errors[f"actions.{i}.target"] = "choose a legislator of your plan"
            continue
        claim = action.moved_to
        if claim is not None:
            legislator = (
                session.get(Legislator, target.legislator_id) if target.legislator_id else None
            )
            if legislator is None:
                errors[f"actions.{i}.moved_to"] = (
                    f"we keep no stance for {target.legislator_name}: say what they did above"
                )
            elif claim.rank <= legislator.stance.rank:
                errors[f"actions.{i}.moved_to"] = (
                    f"{legislator.name} is already “{legislator.stance.label}”: "
                    "choose where they stand now, beyond that"
                )
        rows.append(
            ReportAction(
                role=target.role,
                legislator_id=target.legislator_id,
                legislator_name=target.legislator_name,
                kind=action.kind,
                done_on=action.done_on,
                people=action.people,
                response=action.response.strip(),
                claimed_stance=claim,
                claim_state=ClaimState.PENDING if claim is not None else None,
            )
        )
    if errors:
        raise InvalidInput(errors)
    return rows


def _restart_clock(
    session: Session, hub: Any, *, actor: Actor, now: datetime, policy: Policy
) -> None:
    if hub.status is Status.PAUSED:
        # The clock stays stopped; resumed, it has every day of the rhythm.
        hub.paused_days_left = policy.listed_days
    else:
        hub.stage_due_date = policy.today(now) + timedelta(days=policy.listed_days)
    close_check_ins(session, hub.id, now=now, why="the Hub sent its progress report")
    if hub.status is Status.STALLED:
        move(
            session,
            hub,
            stage=hub.stage,
            status=Status.ACTIVE,
            actor=actor,
            reason="a progress report clears stalled",
            now=now,
            policy=policy,
        )


def _open_claim(session: Session, action_id: int) -> tuple[ReportAction, Legislator]:
    action = session.get(ReportAction, action_id, with_for_update=True)
    if action is None or action.claimed_stance is None:
        raise NotFound("claimed move", action_id)
    state = action.claim_state
    if state is not ClaimState.PENDING:
        label = action.decided_by or ""
        by = staff_names(session).get(label) or label.partition(":")[2] or "someone"
        what = "confirmed" if state is ClaimState.CONFIRMED else "declined"
        raise ClaimDecided(f"this move was already {what} by {by}")
    legislator = session.get(Legislator, action.legislator_id, with_for_update=True)
    if legislator is None:
        raise NotFound("legislator", action.legislator_id)
    return action, legislator


def _close_task(
    session: Session,
    action: ReportAction,
    decision: Decision,
    *,
    actor: Actor,
    comment: str,
    now: datetime,
) -> None:
    task = session.scalar(select(ReviewTask).where(ReviewTask.key == claim_key(action.id)))
    if task is not None and task.state is ReviewState.OPEN:
        task.state, task.decision, task.comment = ReviewState.DONE, decision, comment
        task.decided_by_id, task.decided_at = actor.staff_id, now
    action.decided_by, action.decided_at, action.decision_comment = actor.label, now, comment


def claim_key(action_id: int) -> str:
    """The identity of the review task a claimed move opens."""
    return f"claim:{action_id}"


def confirm_move(
    session: Session, action_id: int, *, actor: Actor, comment: str = "", now: datetime
) -> ReportAction:
    """The move happened: the legislator's stance changes, with the Hub credited and the
    report as evidence (and every Hub targeting them is told: the reaction table)."""
    with transaction(session):
        action, legislator = _open_claim(session, action_id)
        report = session.get(ProgressReport, action.report_id)
        assert action.claimed_stance is not None and report is not None
        hub = load_hub(session, action.hub_id)
        said = f"{hub.name}'s report {report.version} ({longday(action.done_on, today=None)})"
        reason = f"{said}: “{action.response}” {comment.strip()}".strip()
        if action.claimed_stance.rank > legislator.stance.rank:
            change_stance(
                session,
                legislator,
                action.claimed_stance,
                actor=actor,
                reason=reason,
                now=now,
                hub_id=action.hub_id,
                report_action_id=action.id,
            )
        action.claim_state = ClaimState.CONFIRMED
        _close_task(
            session, action, Decision.APPROVE, actor=actor, comment=comment.strip(), now=now
        )
        return action


def decline_move(
    session: Session, action_id: int, *, actor: Actor, reason: str, now: datetime
) -> ReportAction:
    """Not (yet) a move: the stance stays, and the Hub is told why."""
    reason = reason.strip()
    with transaction(session):
        action, legislator = _open_claim(session, action_id)
        if len(reason) < 5:
            raise InvalidInput.one("reason", "say why, in a sentence: the Hub reads it")
        action.claim_state = ClaimState.DECLINED
        _close_task(session, action, Decision.DECLINE, actor=actor, comment=reason, now=now)
        hub = load_hub(session, action.hub_id)
        emit(
            session,
            EventType.MOVE_DECLINED,
            hub,
            now,
            action_id=action.id,
            legislator_id=legislator.id,
            claimed=action.claimed_stance.value if action.claimed_stance else "",
            reason=reason,
        )
        return action
