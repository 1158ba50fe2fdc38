"""What the Hub's page says and asks at each stage: its checklist, form titles, choices and
the labels its error summary links to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hubflow.web.forms import PLAN_ROLES
from models.enums import ActionKind, Goal, OnboardingProcess, Stage, Stance, TargetRole
from models.hub import Hub
from models.legislature import Legislator

CHECKLIST = [
    (Stage.FIRST_ACTION, "Organize a first action for Medicare for All"),
    (Stage.ONBOARDING, "Set up on-boarding for new activists"),
    (Stage.STRATEGIC_PLAN, "Make a strategic plan to move your legislators"),
]
FORM_TITLES = {
    Stage.FIRST_ACTION: "Report your first action",
    Stage.ONBOARDING: "Set up on-boarding",
    Stage.STRATEGIC_PLAN: "Your strategic plan",
}
# What is due, said as the step to take by the due date.
DUE_WORDS = {
    Stage.FIRST_ACTION: "Report your first action",
    Stage.ONBOARDING: "Send your on-boarding set-up",
    Stage.STRATEGIC_PLAN: "Send your strategic plan",
}
# The choices the forms offer, in words; "another way" asks to be described.
LABELS = {
    "action_kinds": [(k, k.label) for k in ActionKind],
    "processes": [
        (p, "Another way (describe it)" if p is OnboardingProcess.OTHER else p.label)
        for p in OnboardingProcess
    ],
    "stances": [(s, s.label) for s in Stance],
    "goals": [(g, g.label) for g in Goal],
}
# An example of each kind of first action, for a group choosing one.
ACTION_EXAMPLES = {
    ActionKind.CANVASS: "knock on doors in a neighbourhood with a flyer and a petition",
    ActionKind.PHONEBANK: "call supporters to ask them to write to their State Rep",
    ActionKind.DELEGATION: "a few constituents meet your State Rep or their staff",
    ActionKind.EDUCATIONAL_EVENT: "a film screening or a talk at the library, with a Q&A",
}

_FIRST_ACTION = {
    "kind": "What kind of action",
    "date": "When it happened",
    "description": "What happened",
    "participants": "How many people took part",
}
_ONBOARDING = {
    "contacts-0-name": "Contact person: name",
    "contacts-0-email": "Contact person: email",
    "contacts-0-phone": "Contact person: phone",
    "contacts-1-name": "Second contact: name",
    "contacts-1-email": "Second contact: email",
    "contacts-1-phone": "Second contact: phone",
    "process": "How new people are brought in",
    "schedule": "Meeting schedule",
    "description": "The process",
    "consent_to_publish": "Publish these contacts",
}
_PLAN_FIELDS = {
    "legislator": "who",
    "legislator_id": "who",
    "stance": "where they stand",
    "goal": "goal",
    "tactics": "tactics",
    "target_date": "target date",
}


def field_labels(stage: Stage) -> dict[str, str]:
    """Each form field's name on the page, for the error summary's links."""
    if stage is Stage.FIRST_ACTION:
        return _FIRST_ACTION
    if stage is Stage.ONBOARDING:
        return _ONBOARDING
    labels = {"targets": "The plan"}
    for i, role in enumerate(PLAN_ROLES):
        for field, words in _PLAN_FIELDS.items():
            labels[f"targets-{i}-{field}"] = f"{TargetRole(role).label}: {words}"
    return labels


def plan_rows(session: Session, hub: Hub) -> list[dict[str, Any]]:
    """The plan form's rows: the Hub's State Rep (required), a State Senator and a Member
    of Congress (optional)."""
    rep = session.scalar(
        select(Legislator).where(Legislator.district_id == hub.district_id, Legislator.active)
    )
    return [
        {
            "role": "state_rep",
            "legend": "Your State Representative (required)",
            "name": rep.name if rep else "",
            "id": rep.id if rep else None,
            "stance": rep.stance.value if rep else Stance.NOT_COSPONSOR.value,
        },
        {
            "role": "state_senator",
            "legend": "Your State Senator (optional)",
            "name": "",
            "id": None,
            "stance": Stance.NOT_COSPONSOR.value,
        },
        {
            "role": "member_of_congress",
            "legend": "A Member of Congress (optional)",
            "name": "",
            "id": None,
            "stance": Stance.NOT_COSPONSOR.value,
        },
    ]
