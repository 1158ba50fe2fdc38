"""Turning posted forms into what the services take, and their errors back into fields."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from hubflow.web import security
from hubflow.web.boundary import unreadable
from models.errors import InvalidInput


class CSRFError(Exception):
    """A form posted without this browser's valid token."""


class Posted(dict[str, str]):
    """The posted fields, stripped. A field that cannot be taken as text (see
    hubflow.web.boundary) is left empty and named in `problems`."""

    problems: dict[str, str]

    def refuse(self) -> None:
        """InvalidInput naming every unreadable field, if there is one."""
        if self.problems:
            raise InvalidInput(self.problems)


async def read_form(request: Request) -> Posted:
    """The posted fields; refused unless the CSRF token matches the cookie."""
    form: FormData = await request.form()
    if not security.csrf_valid(request, str(form.get("csrf_token", ""))):
        raise CSRFError
    posted = Posted()
    posted.problems = {}
    for name, value in form.items():
        text = value if isinstance(value, str) else ""  # no form here uploads files
        problem = unreadable(name + text)
        if problem:
            posted.problems[_safe_name(name)] = problem
        elif name != "csrf_token":
            posted[name] = text.strip()
    return posted


def _safe_name(name: str) -> str:
    return name if unreadable(name) is None else "a field"


def checked(values: dict[str, str], name: str) -> bool:
    return values.get(name, "") in ("yes", "on", "true", "1")


def sentence(message: str) -> str:
    """A service's message as a page says it: a capital first, a full stop last. The page
    shows the options, so a list of codes to choose from is not repeated."""
    if message.startswith("choose one of:"):
        message = "choose one of the options"
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "?", "!", "”")) else message + "."


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """Service field paths ('payload.targets.0.goal') as form field names ('targets-0-goal'),
    with messages as sentences."""
    out: dict[str, str] = {}
    for path, message in errors.items():
        name = path.removeprefix("payload.").replace(".", "-")
        out.setdefault(name, sentence(message))
    return out


def first_action(values: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": values.get("kind", ""),
        "date": values.get("date", ""),
        "description": values.get("description", ""),
        "participants": values.get("participants", ""),
    }


def onboarding(values: dict[str, str]) -> dict[str, Any]:
    contacts = []
    for i in range(2):
        person = {k: values.get(f"contacts-{i}-{k}", "") for k in ("name", "email", "phone")}
        if i == 0 or any(person.values()):
            contacts.append(person)
    return {
        "contacts": contacts,
        "process": values.get("process", ""),
        "schedule": values.get("schedule", ""),
        "description": values.get("description", ""),
        "consent_to_publish": checked(values, "consent_to_publish"),
    }


_ROW_CONTENT = ("goal", "tactics", "target_date")
MAX_PLAN_ROWS = 12  # as many targets as a plan may have


def strategic_plan(values: dict[str, str]) -> tuple[dict[str, Any], list[int], dict[str, str]]:
    """The plan, for each target the form row it came from, and errors for rows that say
    something but name nobody. An optional row left without a goal, tactics or date is not
    part of the plan, whoever it names; one with content is never dropped."""
    targets, rows, errors = [], [], {}
    for i in range(MAX_PLAN_ROWS):
        p = f"targets-{i}-"
        role = values.get(p + "role", "")
        if not role:
            continue
        legislator_id = values.get(p + "legislator_id", "")
        name = values.get(p + "legislator", "")
        content = any(values.get(p + field) for field in _ROW_CONTENT)
        if role != "state_rep":
            if not content and (values.get(p + "offered") or not (legislator_id or name)):
                continue  # an optional row left as the page offered it
            if not (legislator_id or name):
                field = "legislator" if values.get(p + "free") else "legislator_id"
                errors[p + field] = sentence(
                    "name who this row is about, or clear its goal, tactics and date"
                )
                continue
        target: dict[str, Any] = {
            "role": role,
            "legislator": name,
            "stance": values.get(p + "stance", ""),
            "goal": values.get(p + "goal", ""),
            "tactics": values.get(p + "tactics", ""),
            "target_date": values.get(p + "target_date", ""),
        }
        if legislator_id:
            target["legislator_id"] = legislator_id
        targets.append(target)
        rows.append(i)
    return {"targets": targets}, rows, errors


def plan_errors(errors: dict[str, str], rows: list[int]) -> dict[str, str]:
    """Errors keyed by plan position, moved to the form row each target came from."""
    out = {}
    for name, message in field_errors(errors).items():
        parts = name.split("-")
        if len(parts) >= 3 and parts[0] == "targets" and parts[1].isdigit():
            index = int(parts[1])
            parts[1] = str(rows[index]) if index < len(rows) else parts[1]
        out["-".join(parts)] = message
    return out


def values_from(payload: dict[str, Any], plan_rows: list[dict[str, Any]]) -> dict[str, str]:
    """A sent submission as the form's fields, to edit it and send it again."""
    values: dict[str, str] = {}
    for key, value in payload.items():
        if key == "targets":
            values.update(_plan_values(value, plan_rows))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                for field, inner in (item or {}).items():
                    values[f"{key}-{i}-{field}"] = _field_value(inner)
        else:
            values[key] = _field_value(value)
    return values


def _plan_values(targets: list[dict[str, Any]], plan_rows: list[dict[str, Any]]) -> dict[str, str]:
    """Plan targets back in the form row of the same legislator, or else the first free
    row of their role."""
    values: dict[str, str] = {}
    taken: set[int] = set()
    for target in targets:
        role, chosen = str(target.get("role", "")), target.get("legislator_id")
        same = [i for i, r in enumerate(plan_rows) if i not in taken and r["role"] == role]
        row = next((i for i in same if chosen and plan_rows[i]["id"] == chosen), None)
        if row is None:
            row = next((i for i in same if not plan_rows[i]["id"] or role == "state_rep"), None)
        if row is None:
            continue
        taken.add(row)
        for field, inner in target.items():
            values[f"targets-{row}-{field}"] = _field_value(inner)
    return values


def _field_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else ""
    return "" if value is None else str(value)
