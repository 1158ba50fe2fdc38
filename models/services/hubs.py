"""What Hubs do, and what staff do to a Hub's status: one transaction each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, exists, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.enums import (
    Chamber,
    ContactRole,
    ReviewState,
    Stage,
    Status,
    SubmissionState,
    TargetRole,
)
from models.errors import InvalidInput
from models.events import EventType
from models.forms import InterestForm, StrategicPlan, parse, parse_evidence
from models.hub import Contact, Hub, Submission
from models.legislature import District, Legislator
from models.lifecycle import Action, check
from models.names import name_key
from models.plan import PlanTarget
from models.policy import Policy
from models.review import ReviewTask
from models.services.common import (
    Actor,
    append_audit,
    change_row,
    clock,
    current_policy,
    emit,
    event_row,
    load_hub,
    move,
    stage_entry,
    transaction,
)
from models.services.legislators import LegislatorIndex
from models.services.review_tasks import close_check_ins


def _unknown_district(name: str) -> InvalidInput:
    return InvalidInput.one(
        "district", f"{name!r} is not a Massachusetts State Rep district (e.g. '10th Bristol')"
    )


@dataclass(frozen=True, slots=True)
class Interest:
    """What an interest form became: a new Hub, or the one the same form made before."""

    hub_id: int
    hub_name: str
    district: str
    new: bool


def submit_interest(
    session: Session,
    data: dict[str, Any] | InterestForm,
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Record an interest form (or one taken by phone); the same form twice gives one Hub."""
    [outcome], [hub] = _record(session, [data], actor=actor, now=now, policy=policy, load=True)
    if isinstance(outcome, InvalidInput):
        raise outcome
    assert hub is not None
    return hub


def record_interests(
    session: Session,
    forms: Sequence[dict[str, Any] | InterestForm],
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> list[Interest | InvalidInput]:
    """Record many interest forms in one transaction (what `/join` does under load).

    Each form's outcome is in its place: its Interest, or why the form was refused (the
    others are recorded all the same). Forms for the same group (group name and contact
    email) give one Hub, within the batch as across time; a withdrawn or declined group
    may apply again. Everything is Core INSERTs, several rows per statement.
    """
    return _record(session, forms, actor=actor, now=now, policy=policy, load=False)[0]


def _record(
    session: Session,
    forms: Sequence[dict[str, Any] | InterestForm],
    *,
    actor: Actor | None,
    now: datetime | None,
    policy: Policy | None,
    load: bool,
) -> tuple[list[Interest | InvalidInput], list[Hub | None]]:
    """`record_interests`, and with `load` each new or found Hub (loaded in the same
    transaction, so that none is left open on the caller's session)."""
    parsed: list[InterestForm | InvalidInput] = []
    for data in forms:
        try:
            parsed.append(data if isinstance(data, InterestForm) else parse(InterestForm, data))
        except InvalidInput as exc:
            parsed.append(exc)
    if not any(isinstance(f, InterestForm) for f in parsed):  # nothing to write
        return [f for f in parsed if isinstance(f, InvalidInput)], [None] * len(parsed)
    now, policy = clock(now), current_policy(policy)
    for attempt in range(3):
        try:
            with transaction(session):
                outcomes = _record_interests(session, parsed, actor=actor, now=now, policy=policy)
                loaded = [
                    session.get(Hub, o.hub_id) if load and isinstance(o, Interest) else None
                    for o in outcomes
                ]
                return outcomes, loaded
        except IntegrityError:
            # Another process created one of these Hubs between our look-up and our
            # insert; looking again finds it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


_INSERT_HUB = insert(Hub.__table__).returning(  # type: ignore[arg-type]
    Hub.__table__.c.id, sort_by_parameter_order=True
)
_INSERT_CONTACT = insert(Contact.__table__)  # type: ignore[arg-type]
_INSERT_SUBMISSION = insert(Submission.__table__).returning(  # type: ignore[arg-type]
    Submission.__table__.c.id, sort_by_parameter_order=True
)


def _record_interests(
    session: Session,
    parsed: list[InterestForm | InvalidInput],
    *,
    actor: Actor | None,
    now: datetime,
    policy: Policy,
) -> list[Interest | InvalidInput]:
    forms = [f for f in parsed if isinstance(f, InterestForm)]
    districts = _house_districts(session, {_district_key(f) for f in forms})
    known = _open_hubs(session, {f.dedup_key() for f in forms}, now=now)
    outcomes: list[InterestForm | InvalidInput] = []
    new: dict[str, InterestForm] = {}  # by dedup key, in order
    for form in parsed:
        if isinstance(form, InterestForm) and _district_key(form) not in districts:
            form = _unknown_district(form.district)
        elif isinstance(form, InterestForm) and form.dedup_key() not in known:
            new.setdefault(form.dedup_key(), form)
        outcomes.append(form)
    if new:
        _insert_hubs(session, new, districts, known, actor=actor, now=now, policy=policy)
    return [o if isinstance(o, InvalidInput) else known[o.dedup_key()] for o in outcomes]


def _district_key(form: InterestForm) -> str:
    return form.district.strip().lower()


# Built once, with the varying lists as expanding parameters: they compile once.
_HOUSE_DISTRICTS = select(District.id, District.name).where(
    District.chamber == Chamber.HOUSE,
    func.lower(District.name).in_(bindparam("keys", expanding=True)),
)
_HUBS_BY_KEY = (
    select(Hub.id, Hub.name, Hub.status, Hub.dedup_key, District.name)
    .join(District, Hub.district_id == District.id)
    .where(Hub.dedup_key.in_(bindparam("keys", expanding=True)))
)


def _house_districts(session: Session, keys: set[str]) -> dict[str, tuple[int, str]]:
    """House districts by lower-cased name: (id, name)."""
    rows = session.execute(_HOUSE_DISTRICTS, {"keys": sorted(keys)})
    return {name.lower(): (district_id, name) for district_id, name in rows}


def _open_hubs(session: Session, keys: set[str], *, now: datetime) -> dict[str, Interest]:
    """The Hubs these dedup keys already name. A withdrawn or declined group may apply
    again: its old Hub gives up the key."""
    rows = session.execute(_HUBS_BY_KEY, {"keys": sorted(keys)}).all()
    known = {}
    for hub_id, name, status, key, district in rows:
        if status.is_final():
            session.execute(
                update(Hub)
                .where(Hub.id == hub_id)
                .values(dedup_key=f"{key}#{hub_id}", updated_at=now, version=Hub.version + 1)
            )
        else:
            known[key] = Interest(hub_id, name, district, new=False)
    return known


def _insert_hubs(
    session: Session,
    new: dict[str, InterestForm],
    districts: dict[str, tuple[int, str]],
    known: dict[str, Interest],
    *,
    actor: Actor | None,
    now: datetime,
    policy: Policy,
) -> None:
    """New Hubs with their first contact, their interest form, audit rows and events."""
    entry = stage_entry(Stage.INTEREST, now=now, policy=policy)
    forms = list(new.values())
    hub_ids = session.scalars(
        _INSERT_HUB,
        [
            {
                **entry,
                "name": f.group_name,
                "kind": f.kind,
                "towns": list(f.towns),
                "district_id": districts[_district_key(f)][0],
                "status": Status.ACTIVE,
                "first_action_idea": f.first_action_idea,
                "dedup_key": key,
                "created_at": now,
                "updated_at": now,
            }
            for key, f in new.items()
        ],
    ).all()
    actors = [actor or Actor(f"applicant:{str(f.email).lower()}") for f in forms]
    session.execute(
        _INSERT_CONTACT,
        [
            {
                "hub_id": hub_id,
                "name": f.contact_name,
                "email": str(f.email).lower(),
                "phone": f.phone,
                "role": ContactRole.PRIMARY,
                "created_at": now,
            }
            for hub_id, f in zip(hub_ids, forms, strict=True)
        ],
    )
    submission_ids = session.scalars(
        _INSERT_SUBMISSION,
        [
            {
                "hub_id": hub_id,
                "stage": Stage.INTEREST,
                "version": 1,
                "payload": f.model_dump(mode="json"),
                "submitted_by": who.label,
                "submitted_at": now,
            }
            for hub_id, f, who in zip(hub_ids, forms, actors, strict=True)
        ],
    ).all()
    changes, events = [], []
    for hub_id, submission_id, who in zip(hub_ids, submission_ids, actors, strict=True):
        changes.append(
            change_row(
                hub_id,
                actor=who,
                now=now,
                to=(Stage.INTEREST, Status.ACTIVE),
                from_=None,
                reason="interest form submitted",
            )
        )
        events.append(event_row(EventType.STAGE_ENTERED, hub_id, now, stage=Stage.INTEREST.value))
        events.append(
            event_row(EventType.INTEREST_SUBMITTED, hub_id, now, submission_id=submission_id)
        )
    append_audit(session, changes=changes, events=events)
    for (key, f), hub_id in zip(new.items(), hub_ids, strict=True):
        known[key] = Interest(hub_id, f.group_name, districts[_district_key(f)][1], new=True)


def waiting_for_staff(session: Session, hub: Hub) -> bool:
    """Whether the Hub's work for its current stage is with the GO! Team."""
    return bool(
        session.scalar(
            select(
                exists().where(
                    Submission.hub_id == hub.id,
                    Submission.stage == hub.stage,
                    Submission.state == SubmissionState.PENDING,
                )
            )
        )
    )


def submit_stage_work(
    session: Session,
    hub_id: int,
    stage: Stage | str,
    payload: dict[str, Any],
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Submission:
    """Hand in the work that leaves `stage`; a resubmission after changes is a new version."""
    now, policy = clock(now), current_policy(policy)
    try:
        stage = Stage(stage)
    except ValueError:
        raise InvalidInput.one("stage", f"unknown stage {stage!r}") from None
    evidence = parse_evidence(stage, payload, today=policy.today(now))
    with transaction(session):
        hub = load_hub(session, hub_id)
        outcome = check(
            Action.SUBMIT, hub.state(waiting_for_staff=waiting_for_staff(session, hub)), stage=stage
        )
        targets = _plan_targets(session, evidence) if isinstance(evidence, StrategicPlan) else []
        actor = actor or Actor.hub(hub.id)
        version = (
            session.scalar(
                select(func.max(Submission.version)).where(
                    Submission.hub_id == hub.id, Submission.stage == stage
                )
            )
            or 0
        ) + 1
        submission = Submission(
            hub_id=hub.id,
            stage=stage,
            version=version,
            payload=evidence.model_dump(mode="json"),
            submitted_by=actor.label,
            submitted_at=now,
        )
        session.add(submission)
        session.flush()
        for target in targets:
            target.submission_id, target.hub_id = submission.id, hub.id
            session.add(target)
        close_check_ins(session, hub.id, now=now, why="the Hub handed in its work")
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason="submission clears stalled",
            now=now,
            policy=policy,
        )
        emit(
            session,
            EventType.SUBMISSION_RECEIVED,
            hub,
            now,
            submission_id=submission.id,
            stage=stage.value,
            version=version,
        )
        return submission


_CHAMBER_OF = {TargetRole.STATE_REP: Chamber.HOUSE, TargetRole.STATE_SENATOR: Chamber.SENATE}


def _plan_targets(session: Session, plan: StrategicPlan) -> list[PlanTarget]:
    """One row per target; state legislators are found by id, or else by name."""
    rows, indexes = [], {}
    for i, target in enumerate(plan.targets):
        chamber = _CHAMBER_OF.get(target.role)
        legislator = None
        if target.legislator_id is not None:
            legislator = session.get(Legislator, target.legislator_id)
            if legislator is None or (chamber is not None and legislator.chamber != chamber):
                raise InvalidInput.one(
                    f"payload.targets.{i}.legislator_id",
                    f"no {target.role.value.replace('_', ' ')} with id {target.legislator_id}",
                )
        elif chamber is not None:
            if chamber not in indexes:
                indexes[chamber] = LegislatorIndex.load(session, chamber)
            legislator = indexes[chamber].find(target.legislator)
        rows.append(
            PlanTarget(
                role=target.role,
                legislator_id=legislator.id if legislator else None,
                legislator_name=legislator.name if legislator else target.legislator,
                name_key=name_key(legislator.name if legislator else target.legislator),
                stance=target.stance,
                goal=target.goal,
                target_date=target.target_date,
            )
        )
    return rows


def _close_open_work(session: Session, hub: Hub, *, now: datetime, why: str) -> None:
    """Withdraw what waits for staff and cancel the open review tasks, e.g. on withdrawal."""
    session.execute(
        update(Submission)
        .where(Submission.hub_id == hub.id, Submission.state == SubmissionState.PENDING)
        .values(state=SubmissionState.WITHDRAWN, decided_at=now, comment=why)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ReviewTask)
        .where(ReviewTask.hub_id == hub.id, ReviewTask.state == ReviewState.OPEN)
        .values(state=ReviewState.CANCELLED, decided_at=now, comment=why)
        .execution_options(synchronize_session=False)
    )


def _require_reason(reason: str, *, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.one(field, "say why, so the Hub's history explains it")
    if len(reason) > 2000:
        raise InvalidInput.one(field, "keep it under 2000 characters")
    return reason


def move_back(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Staff send a Hub back one stage (e.g. to redo its plan), with a reason."""
    reason = _require_reason(reason)
    now, policy = clock(now), current_policy(policy)
    with transaction(session):
        hub = load_hub(session, hub_id)
        outcome = check(Action.MOVE_BACK, hub.state())
        _close_open_work(session, hub, now=now, why=f"moved back: {reason}")
        was_paused = hub.status is Status.PAUSED
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason=reason,
            now=now,
            policy=policy,
        )
        if was_paused:  # the clock of the stage re-entered stays stopped until resume
            hub.paused_days_left = policy.stage_days(outcome.stage)
            hub.stage_due_date = None
        emit(session, EventType.MOVED_BACK, hub, now, stage=outcome.stage.value, reason=reason)
        return hub


ClockChange = Callable[[Session, Hub, datetime, Policy], None]


def _change_status(
    session: Session,
    hub_id: int,
    action: Action,
    event: EventType,
    *,
    actor: Actor,
    reason: str,
    now: datetime | None,
    policy: Policy | None,
    clock_change: ClockChange,
) -> Hub:
    """Pause, resume and withdraw: the rule, the clock, the audit row and the event."""
    now, policy = clock(now), current_policy(policy)
    reason = reason.strip()
    with transaction(session):
        hub = load_hub(session, hub_id)
        outcome = check(action, hub.state())
        clock_change(session, hub, now, policy)
        move(
            session,
            hub,
            stage=outcome.stage,
            status=outcome.status,
            actor=actor,
            reason=reason,
            now=now,
            policy=policy,
        )
        emit(session, event, hub, now, reason=reason)
        return hub


def _stop_clock(session: Session, hub: Hub, now: datetime, policy: Policy) -> None:
    if hub.stage_due_date is not None:
        hub.paused_days_left = max(0, (hub.stage_due_date - policy.today(now)).days)
    hub.stage_due_date = None


def _restart_clock(session: Session, hub: Hub, now: datetime, policy: Policy) -> None:
    if hub.paused_days_left is not None:
        hub.stage_due_date = policy.today(now) + timedelta(days=hub.paused_days_left)
    hub.paused_days_left = None


def _end_clock(session: Session, hub: Hub, now: datetime, policy: Policy) -> None:
    _close_open_work(session, hub, now=now, why="the Hub withdrew")
    hub.stage_due_date, hub.paused_days_left = None, None


def pause(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Staff pause a Hub: its clock stops with the days it had left."""
    return _change_status(
        session,
        hub_id,
        Action.PAUSE,
        EventType.PAUSED,
        actor=actor,
        reason=reason,
        now=now,
        policy=policy,
        clock_change=_stop_clock,
    )


def resume(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Restart a paused Hub's clock with the days it had left."""
    return _change_status(
        session,
        hub_id,
        Action.RESUME,
        EventType.RESUMED,
        actor=actor,
        reason=reason,
        now=now,
        policy=policy,
        clock_change=_restart_clock,
    )


def withdraw(
    session: Session,
    hub_id: int,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """The Hub steps away (or staff record that it did); nothing more is sent to it."""
    return _change_status(
        session,
        hub_id,
        Action.WITHDRAW,
        EventType.WITHDRAWN,
        actor=actor,
        reason=reason,
        now=now,
        policy=policy,
        clock_change=_end_clock,
    )
