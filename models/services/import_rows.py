"""Reading a spreadsheet of Hubs (`hubflow hubs import`): every row checked against the
legislature and the forms' rules, and every problem named by line and column at once."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Chamber, HubKind, Stage, Status, Worded
from models.errors import InvalidInput
from models.forms import Email, check_phone
from models.legislature import District
from models.parsing import from_spreadsheet, unreadable
from models.services.import_evidence import evidence

REQUIRED = ("group_name", "kind", "towns", "district", "stage", "contact_name", "contact_email")

_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
W = TypeVar("W", bound=Worded)


@dataclass(frozen=True)
class Row:
    line: int
    external_id: str | None
    name: str
    kind: HubKind
    towns: list[str]
    district_id: int
    district: str
    stage: Stage
    status: Status
    entered: date
    due: date | None  # as the file gives it; else what the stage implies from `entered`
    listed_on: date | None
    contact_name: str
    contact_email: str
    contact_phone: str
    created: date
    onboarding: tuple[str, str, str, bool] | None  # name, email, phone, published
    # What it had already done, approved: the payload of each stage's submission.
    evidence: dict[Stage, dict[str, Any]]


def _choice(enum: type[W], value: str) -> W:
    """A stage, status or kind by its words ("First action") or its code."""

    def plain(text: str) -> str:
        return re.sub(r"[\s_-]+", " ", text).strip().casefold()

    for member in enum:
        if plain(value) in (plain(member.label), plain(member.value)):
            return member
    raise ValueError("choose one of: " + ", ".join(m.label for m in enum))


def _date(value: str, today: date) -> date:
    parsed = _any_date(value)
    if parsed > today:
        raise ValueError("must not be in the future")
    return parsed


# Columns whose cells may hold several lines (a description, tactics); every other cell is
# one line, as the forms' fields are.
MULTILINE = ("first_action_description", "onboarding_description", "plan_tactics")


def read_rows(session: Session, text: str, *, today: date) -> list[Row]:
    """Every row checked; InvalidInput naming each problem by line and column, all at once.
    Each cell passes the input boundary the web's forms do (no control characters; one line
    but where a form takes several)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        columns = [c.strip() for c in reader.fieldnames or []]
    except csv.Error as exc:
        raise InvalidInput.one("line 1", f"the header cannot be read: {exc}") from None
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise InvalidInput.one("file", "the file names a column twice: " + ", ".join(twice))
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidInput.one("file", "the file has no column " + ", ".join(missing))
    districts = {
        name.casefold(): (district_id, name)
        for district_id, name in session.execute(
            select(District.id, District.name).where(District.chamber == Chamber.HOUSE)
        )
    }
    rows: list[Row] = []
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for line, raw in _records(reader):
        if raw is None:  # the record could not be read at all
            errors[f"line {line}"] = "a cell is longer than 131,072 characters, or not CSV"
            continue
        cell = {k.strip(): from_spreadsheet((v or "").strip()) for k, v in raw.items() if k}
        unread = {
            column: problem
            for column, value in cell.items()
            if (problem := unreadable(value, multiline=column in MULTILINE))
        }
        if unread:
            for column, message in unread.items():
                errors[f"line {line}, {column}"] = message
            continue
        row, problems = _row(session, line, cell, districts, today)
        key = row.external_id or f"{row.name.casefold()}|{row.district}" if row else ""
        if row is not None and key in seen:
            column = "external_id" if row.external_id else "group_name"
            problems[column] = f"the same Hub as line {seen[key]}"
        if problems:
            for column, message in problems.items():
                errors[f"line {line}, {column}"] = message
            continue
        assert row is not None
        seen[key] = line
        rows.append(row)
    if errors:
        raise InvalidInput(errors)
    if not rows:
        raise InvalidInput.one("file", "the file has no rows")
    return rows


def _records(reader: csv.DictReader[str]) -> Iterator[tuple[int, dict[str, str] | None]]:
    """(the line a record starts on, the record) for each, a cell over several lines
    counted; None for a record the csv module refuses."""
    start = reader.line_num + 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield start, None
            start = reader.line_num + 1
            continue
        yield start, record
        start = reader.line_num + 1


def _row(
    session: Session,
    line: int,
    cell: dict[str, str],
    districts: dict[str, tuple[int, str]],
    today: date,
) -> tuple[Row | None, dict[str, str]]:
    """One line as a Row, or the problem with each of its columns."""
    problems: dict[str, str] = {}

    def check(column: str, parse: Any) -> Any:
        value = cell.get(column, "")
        if not value:
            if column in REQUIRED:
                problems[column] = "this is required"
            return None
        try:
            return parse(value)
        except ValidationError:
            problems[column] = "enter a valid email address, e.g. name@example.org"
        except ValueError as exc:
            problems[column] = str(exc)
        return None

    def district(v: str) -> tuple[int, str]:
        return districts.get(v.casefold()) or _bad(f"there is no State Rep district “{v}”")

    name = check(
        "group_name", lambda v: v if 2 <= len(v) <= 120 else _bad("use 2 to 120 characters")
    )
    values = {
        "kind": check("kind", lambda v: _choice(HubKind, v)),
        "towns": check("towns", lambda v: [t.strip() for t in re.split(r"[;,]", v) if t.strip()]),
        "district": check("district", district),
        "stage": check("stage", lambda v: _choice(Stage, v)),
        "status": check("status", lambda v: _choice(Status, v)) or Status.ACTIVE,
        "entered": check("stage_entered", lambda v: _date(v, today)) or today,
        "due": check("due_date", _any_date),
        "listed_on": check("listed_on", lambda v: _date(v, today)),
        "contact": check("contact_name", lambda v: v[:200]),
        "email": check("contact_email", lambda v: str(_EMAIL.validate_python(v)).lower()),
        "phone": check("contact_phone", check_phone) or "",
        "created": check("created", lambda v: _date(v, today)),
        "onboarding_email": check(
            "onboarding_email", lambda v: str(_EMAIL.validate_python(v)).lower()
        ),
        "onboarding_phone": check("onboarding_phone", check_phone) or "",
        "published": check("onboarding_published", _yes_no) or False,
    }
    if values["onboarding_email"] and not cell.get("onboarding_name"):
        problems["onboarding_name"] = "give the on-boarding contact's name with their email"
    if problems:
        return None, problems
    contact = (
        {
            "name": cell.get("onboarding_name", ""),
            "email": values["onboarding_email"],
            "phone": values["onboarding_phone"],
            "published": "yes" if values["published"] else "",
        }
        if values["onboarding_email"]
        else None
    )
    done, problems = evidence(
        session,
        cell,
        stage=values["stage"],
        district_id=values["district"][0],
        onboarding_contact=contact,
        choose=_choice,
    )
    if problems:
        return None, problems
    entered = values["entered"]
    return (
        Row(
            line=line,
            external_id=cell.get("external_id") or None,
            name=name,
            kind=values["kind"],
            towns=values["towns"],
            district_id=values["district"][0],
            district=values["district"][1],
            stage=values["stage"],
            status=values["status"],
            entered=entered,
            due=values["due"],
            listed_on=values["listed_on"] if values["stage"] is Stage.LISTED else None,
            contact_name=values["contact"],
            contact_email=values["email"],
            contact_phone=values["phone"],
            created=min(values["created"] or entered, entered),
            onboarding=(
                (
                    cell["onboarding_name"][:200],
                    values["onboarding_email"],
                    values["onboarding_phone"],
                    values["published"],
                )
                if values["onboarding_email"]
                else None
            ),
            evidence=done,
        ),
        problems,
    )


def _yes_no(value: str) -> bool:
    answer = value.strip().casefold()
    if answer in ("yes", "y", "true", "1"):
        return True
    if answer in ("no", "n", "false", "0"):
        return False
    raise ValueError("say yes or no")


def _any_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("enter a date as YYYY-MM-DD") from None


def _bad(message: str) -> Any:
    raise ValueError(message)
