"""What an imported Hub had already done, where the spreadsheet knows it: its approved first
action, its on-boarding set-up and its plan for its State Rep, checked by the same rules as
the forms (SPEC §2)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import ActionKind, Goal, OnboardingProcess, Stage
from models.errors import InvalidInput
from models.forms import EVIDENCE, parse
from models.legislature import Legislator

COLUMNS: dict[Stage, dict[str, str]] = {
    Stage.FIRST_ACTION: {
        "first_action_kind": "kind",
        "first_action_date": "date",
        "first_action_description": "description",
        "first_action_participants": "participants",
    },
    Stage.ONBOARDING: {
        "onboarding_process": "process",
        "onboarding_schedule": "schedule",
        "onboarding_description": "description",
    },
    Stage.STRATEGIC_PLAN: {
        "plan_goal": "goal",
        "plan_tactics": "tactics",
        "plan_target_date": "target_date",
    },
}
EVIDENCE_COLUMNS = tuple(c for columns in COLUMNS.values() for c in columns)
_CHOICES = {"kind": ActionKind, "process": OnboardingProcess, "goal": Goal}


def evidence(
    session: Session,
    cell: dict[str, str],
    *,
    stage: Stage,
    district_id: int,
    onboarding_contact: dict[str, str] | None,
    choose: Any,
) -> tuple[dict[Stage, dict[str, Any]], dict[str, str]]:
    """For each stage the Hub has passed whose columns are filled in, the payload of its
    approved submission; problems by column."""
    found: dict[Stage, dict[str, Any]] = {}
    problems: dict[str, str] = {}
    for done, columns in COLUMNS.items():
        given = {field: cell.get(column, "") for column, field in columns.items()}
        if not any(given.values()):
            continue
        if done.order >= stage.order:
            first = next(c for c in columns if cell.get(c))
            problems[first] = f"the Hub is not past the {done.label.lower()} stage"
            continue
        for field, enum in _CHOICES.items():
            if given.get(field):
                try:
                    given[field] = choose(enum, given[field]).value
                except ValueError as exc:
                    problems[_column(done, field)] = str(exc)
        payload = _payload(session, done, given, district_id, onboarding_contact)
        try:
            parse(EVIDENCE[done], payload, today=None, prefix="payload.")  # past: any date
        except InvalidInput as exc:
            for path, message in exc.errors.items():
                problems.setdefault(_column_of(done, path), message)
            continue
        found[done] = payload
    return found, problems


def _payload(
    session: Session,
    stage: Stage,
    given: dict[str, str],
    district_id: int,
    contact: dict[str, str] | None,
) -> dict[str, Any]:
    if stage is Stage.FIRST_ACTION:
        return given
    if stage is Stage.ONBOARDING:
        return {
            **given,
            "contacts": [{k: contact[k] for k in ("name", "email", "phone")}] if contact else [],
            "consent_to_publish": bool(contact and contact.get("published")),
        }
    rep = session.scalar(
        select(Legislator).where(Legislator.district_id == district_id, Legislator.active)
    )
    target: dict[str, Any] = {
        "role": "state_rep",
        "legislator": rep.name if rep else "(vacant seat)",
        "stance": rep.stance.value if rep else "not_cosponsor",
        **given,
    }
    if rep is not None:
        target["legislator_id"] = rep.id
    return {"targets": [target]}


def _column(stage: Stage, field: str) -> str:
    return next(c for c, f in COLUMNS[stage].items() if f == field)


def _column_of(stage: Stage, path: str) -> str:
    """A form's field path ("payload.targets.0.goal") as the spreadsheet's column."""
    field = path.removeprefix("payload.").split(".")[-1]
    if stage is Stage.ONBOARDING and path.startswith("payload.contacts"):
        return f"onboarding_{field}" if field in ("name", "email", "phone") else "onboarding_email"
    if field in COLUMNS[stage].values():
        return _column(stage, field)
    return next(iter(COLUMNS[stage]))
