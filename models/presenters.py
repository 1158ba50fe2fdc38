"""Submissions as documents a person reads: labels and values in words, one presenter per
stage, shared by the staff queue, the Hub's page, the timeline and the emails (SPEC §2).

Pure: no database. What a payload does not say (the Rep of a district) comes in `facts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.enums import (
    ActionKind,
    Goal,
    HubKind,
    OnboardingProcess,
    Stage,
    Stance,
    TargetRole,
    Term,
)
from models.words import day, longday, yes_no

NOT_GIVEN = "(not given)"


@dataclass(frozen=True, slots=True)
class Row:
    key: str  # stable across versions, for comparing them; never shown
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[str]]
    keys: list[str]  # one per row


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    rows: list[Row]
    table: Table | None = None

    def flat(self) -> dict[str, tuple[str, str]]:
        """Every value by its key, with its label: table cells as 'Row: column'."""
        out = {r.key: (r.label, r.value) for r in self.rows}
        if self.table:
            for key, cells in zip(self.table.keys, self.table.rows, strict=True):
                for column, cell in zip(self.table.columns[1:], cells[1:], strict=True):
                    out[f"{key}.{column}"] = (f"{cells[0]}: {column.lower()}", cell)
        return out


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Facts:
    """What the presenters need beyond the payload."""

    today: date
    rep_of: Mapping[str, str] = field(default_factory=dict)  # House district -> its Rep


def _word(enum: Any, value: Any) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return str(value) if value not in (None, "") else NOT_GIVEN


def _text(value: Any) -> str:
    return str(value).strip() if value not in (None, "") else NOT_GIVEN


def _interest(p: Mapping[str, Any], facts: Facts) -> Document:
    district = str(p.get("district", ""))
    rep = facts.rep_of.get(district)
    towns = p.get("towns") or []
    return Document(
        "Interest form",
        [
            Row("group_name", "Group", _text(p.get("group_name"))),
            Row("kind", "Kind of group", _word(HubKind, p.get("kind"))),
            Row("towns", "Towns", ", ".join(towns) if towns else NOT_GIVEN),
            Row(
                "district",
                Term.DISTRICT.label[:1].upper() + Term.DISTRICT.label[1:],
                f"{district} (Rep. {rep})" if rep else _text(district),
            ),
            Row("contact_name", "Contact", _text(p.get("contact_name"))),
            Row("email", "Email", _text(p.get("email"))),
            Row("phone", "Phone", _text(p.get("phone"))),
            Row("first_action_idea", "First-action idea", _text(p.get("first_action_idea"))),
            Row(
                "consent_to_contact",
                "Agreed to be contacted",
                # An imported Hub's interest does not say (the file has no such column).
                NOT_GIVEN
                if p.get("consent_to_contact") is None
                else yes_no(p.get("consent_to_contact")),
            ),
        ],
    )


def _first_action(p: Mapping[str, Any], facts: Facts) -> Document:
    return Document(
        "First action report",
        [
            Row("kind", "Kind of action", _word(ActionKind, p.get("kind"))),
            Row("date", "When", _date(p.get("date"), facts)),
            Row("description", "What happened", _text(p.get("description"))),
            Row("participants", "People who took part", _text(p.get("participants"))),
        ],
    )


def _onboarding(p: Mapping[str, Any], facts: Facts) -> Document:
    rows = []
    for i, person in enumerate(p.get("contacts") or []):
        n = f" {i + 1}" if i else ""
        rows += [
            Row(f"contacts.{i}.name", f"Contact for new people{n}", _text(person.get("name"))),
            Row(f"contacts.{i}.email", f"Their email{n}", _text(person.get("email"))),
            Row(f"contacts.{i}.phone", f"Their phone{n}", _text(person.get("phone"))),
        ]
    process = p.get("process")
    rows.append(Row("process", "How new people are brought in", _word(OnboardingProcess, process)))
    if p.get("schedule") or process == OnboardingProcess.MONTHLY_MEETING:
        rows.append(Row("schedule", "Meeting schedule", _text(p.get("schedule"))))
    if p.get("description") or process == OnboardingProcess.OTHER:
        rows.append(Row("description", "The process", _text(p.get("description"))))
    rows.append(
        Row(
            "consent_to_publish",
            "Publish these contacts in the directory",
            yes_no(p.get("consent_to_publish")),
        )
    )
    return Document("Onboarding plan", rows)


PLAN_COLUMNS = ["Legislator", "Role", "Where they stand", "Goal", "Tactics", "Target date"]


def _plan(p: Mapping[str, Any], facts: Facts) -> Document:
    rows, keys, seen = [], [], dict[str, int]()
    for target in p.get("targets") or []:
        role = str(target.get("role", ""))
        seen[role] = seen.get(role, 0) + 1
        keys.append(f"targets.{role}.{seen[role]}")
        rows.append(
            [
                _text(target.get("legislator")),
                _word(TargetRole, role),
                _word(Stance, target.get("stance")),
                _word(Goal, target.get("goal")),
                _text(target.get("tactics")),
                _date(target.get("target_date"), facts, short=True),
            ]
        )
    return Document(
        "Strategic plan", [], Table("The legislators in the plan", PLAN_COLUMNS, rows, keys)
    )


def _date(value: Any, facts: Facts, *, short: bool = False) -> str:
    try:
        return (day if short else longday)(value, today=facts.today) or NOT_GIVEN
    except (TypeError, ValueError):
        return _text(value)


PRESENTERS: dict[Stage, Callable[[Mapping[str, Any], Facts], Document]] = {
    Stage.INTEREST: _interest,
    Stage.FIRST_ACTION: _first_action,
    Stage.ONBOARDING: _onboarding,
    Stage.STRATEGIC_PLAN: _plan,
}


def present(stage: Stage, payload: Mapping[str, Any], facts: Facts) -> Document:
    """What a Hub handed in to leave `stage`, in words."""
    return PRESENTERS[stage](payload, facts)


def changes(old: Document, new: Document) -> list[Change]:
    """What differs between two versions, in the new version's order (removed ones last)."""
    before, after = old.flat(), new.flat()
    out = [
        Change(label, before.get(key, ("", NOT_GIVEN))[1], value)
        for key, (label, value) in after.items()
        if before.get(key, ("", NOT_GIVEN))[1] != value
    ]
    out += [
        Change(label, value, NOT_GIVEN)
        for key, (label, value) in before.items()
        if key not in after
    ]
    return out
