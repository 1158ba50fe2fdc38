"""Turning posted forms into what the services take, and their errors back into fields."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData

from hubflow.web import security


class CSRFError(Exception):
    """A form posted without this browser's valid token."""


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields, stripped; refused unless the CSRF token matches the cookie."""
    form: FormData = await request.form()
    if not security.csrf_valid(request, str(form.get("csrf_token", ""))):
        raise CSRFError
    return {k: str(v).strip() for k, v in form.items() if k != "csrf_token"}


def checked(values: dict[str, str], name: str) -> bool:
    return values.get(name, "") in ("yes", "on", "true", "1")


def field_errors(errors: dict[str, str]) -> dict[str, str]:
    """Service field paths ('payload.targets.0.goal') as form field names ('targets-0-goal')."""
    out: dict[str, str] = {}
    for path, message in errors.items():
        name = path.removeprefix("payload.").replace(".", "-")
        out.setdefault(name, message)
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


def strategic_plan(values: dict[str, str]) -> tuple[dict[str, Any], list[int]]:
    """The plan, and for each target the form row it came from (optional rows left empty
    are not part of the plan)."""
    targets, rows = [], []
    for i in range(3):
        p = f"targets-{i}-"
        role = values.get(p + "role", "")
        if not role:
            continue
        legislator_id = values.get(p + "legislator_id", "")
        name = values.get(p + "legislator", "")
        if role != "state_rep" and not (legislator_id or name):
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
    return {"targets": targets}, rows


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
