"""What the Hub's page says and asks at each stage: its checklist, form titles, choices and
the labels its error summary links to."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from models.enums import ActionKind, Goal, OnboardingProcess, Stage, Stance, TargetRole
from models.hub import Hub
from models.legislature import Legislator
from models.services.delegation import delegation
from plumbing.geography import geography


def checklist(cause: str) -> list[tuple[Stage, str]]:
    """The steps to being listed, as the Hub's page lists them."""
    return [
        (Stage.FIRST_ACTION, f"Organize a first action for {cause}"),
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
    Stage.LISTED: "Send your next progress report",
}


# The choices the forms offer, in words; "another way" asks to be described.
def form_choices(*, federal_bill: bool) -> dict[str, Any]:
    """The choices in the campaign's words; a plan's goals for each kind of legislator."""
    federal = [Goal.COSPONSOR_FEDERAL] if federal_bill else []
    goals = {
        role.value: [
            (g, g.label)
            for g in Goal
            if g.fits(role) and (g is not Goal.COSPONSOR_FEDERAL or g in federal)
        ]
        for role in TargetRole
    }
    state_hint = "It must go beyond where they stand: a co-sponsor cannot be won as a co-sponsor."
    congress_hint = (
        "Members of Congress vote on the federal bill, not the state one: ask them to "
        "co-sponsor it or to speak up for it."
        if federal_bill
        else "Members of Congress do not vote on the state bill: ask them to speak up for it."
    )
    return {
        "action_kinds": [(k, k.label) for k in ActionKind],
        "processes": [
            (p, "Another way (describe it)" if p is OnboardingProcess.OTHER else p.label)
            for p in OnboardingProcess
        ],
        "stances_for": {role.value: [(s, s.label) for s in Stance] for role in TargetRole},
        "goals_for": goals,
        "goal_hints": {
            role.value: congress_hint if role is TargetRole.MEMBER_OF_CONGRESS else state_hint
            for role in TargetRole
        },
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


_ASKS = {
    "stance": "choose where they stand now",
    "goal": "choose a goal",
    "tactics": "say how you will move them",
    "target_date": "give a target date",
}


def plan_asks(errors: dict[str, str], plan_rows: list[dict[str, Any]]) -> dict[str, str]:
    """A row the page marks optional asks for what it lacks only as the way to include its
    legislator: "this is required" would contradict the "(optional)" beside it."""
    out = dict(errors)
    for name, message in errors.items():
        parts = name.split("-")
        if len(parts) != 3 or parts[0] != "targets" or not parts[1].isdigit():
            continue
        index, field = int(parts[1]), parts[2]
        missing = ("This is required.", "Choose one of the options.")
        if index >= len(plan_rows) or field not in _ASKS or message not in missing:
            continue
        row = plan_rows[index]
        if row["role"] == "state_rep":
            out[name] = _ASKS[field][:1].upper() + _ASKS[field][1:] + "."
        else:
            who = row["name"] or f"this {row['who']}"
            out[name] = (
                f"To include {who} in your plan, {_ASKS[field]}; "
                "or clear this section to leave them out."
            )
    return out


def open_sections(
    errors: dict[str, str], values: dict[str, str], plan_rows: list[dict[str, Any]]
) -> set[int]:
    """The optional rows of the plan shown open: those with something typed or wrong in
    them. The others stay closed, so that the form is as short as the plan."""
    opened = set()
    for i, row in enumerate(plan_rows):
        p = f"targets-{i}-"
        typed = [f for f in ("goal", "tactics", "target_date") if values.get(p + f)]
        if not row["id"]:
            typed += [f for f in ("legislator", "legislator_id") if values.get(p + f)]
        if typed or any(name.startswith(p) for name in errors):
            opened.add(i)
    return opened


def field_labels(stage: Stage, plan_rows: list[dict[str, Any]] | None = None) -> dict[str, str]:
    """Each form field's name on the page, for the error summary's links."""
    if stage is Stage.FIRST_ACTION:
        return _FIRST_ACTION
    if stage is Stage.ONBOARDING:
        return _ONBOARDING
    labels = {"targets": "The plan"}
    for i, row in enumerate(plan_rows or []):
        for field, words in _PLAN_FIELDS.items():
            labels[f"targets-{i}-{field}"] = f"{row['who']}: {words}"
    return labels


def _row(role: str, legend: str, who: str, leg: Legislator | None = None) -> dict[str, Any]:
    return {
        "role": role,
        "legend": legend,
        "who": who,  # the row as the error summary names it
        "name": leg.name if leg else "",
        "id": leg.id if leg else None,
        "stance": leg.stance.value if leg else Stance.NOT_COSPONSOR.value,
        "district": leg.district.name if leg else "",
        "chamber": leg.chamber.value if leg else "",
    }


def plan_rows(session: Session, hub: Hub) -> list[dict[str, Any]]:
    """The plan form's rows: the Hub's State Rep (required), or each of them in a district
    with several seats; then, each optional, the State Senator(s) whose districts overlap
    the Hub's (the main one first), its U.S. Representative(s) and the two U.S. Senators.
    Where the district's geography is not known, a Senator to choose and a Member of
    Congress to name."""
    found = delegation(session, geography(), hub.district)
    title = TargetRole.STATE_REP.label
    if len(found.state_rep) > 1:
        rows = [
            _row("state_rep", f"Your {title}: {rep.name} (required)", rep.name, rep)
            for rep in found.state_rep
        ]
    else:
        rep = found.state_rep[0] if found.state_rep else None
        rows = [_row("state_rep", f"Your {title} (required)", "State Rep", rep)]
    senators = found.state_senators
    for n, leg in enumerate(senators):
        legend = (
            "Your State Senator" if n == 0 else "Also your State Senator (part of your district)"
        )
        rows.append(_row("state_senator", legend, leg.name, leg))
    if not senators:
        rows.append(_row("state_senator", "A State Senator", "State Senator"))
    for leg in found.us_representatives:
        rows.append(_row("member_of_congress", "Your U.S. Representative", leg.name, leg))
    if not found.us_representatives:
        rows.append(_row("member_of_congress", "A Member of Congress", "Member of Congress"))
    for leg in found.us_senators:
        rows.append(_row("member_of_congress", "Your U.S. Senator", leg.name, leg))
    return rows
