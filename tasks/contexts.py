"""What the email templates are given: the same facts, built the same way everywhere."""

from __future__ import annotations

from typing import Any

from hubflow.settings import Settings
from hubflow.tokens import hub_url
from models.enums import Stage
from models.hub import Hub
from models.review import ReviewTask


def stage_label(stage: Stage | str) -> str:
    return Stage(stage).label


def hub_context(hub: Hub, settings: Settings) -> dict[str, Any]:
    return {
        "id": hub.id,
        "name": hub.name,
        "district": hub.district.name,
        "stage": hub.stage.value,
        "stage_label": hub.stage.label,
        "due_date": hub.stage_due_date.isoformat() if hub.stage_due_date else None,
        "link": hub_url(hub.id, hub.token_version, settings=settings),
    }


def staff_url(settings: Settings, path: str) -> str:
    return f"{settings.base_url.rstrip('/')}/staff/{path.lstrip('/')}"


def task_context(task: ReviewTask, settings: Settings, *, days_overdue: int = 0) -> dict[str, Any]:
    return {
        "id": task.id,
        "title": task.title,
        "due_date": task.due_date.isoformat(),
        "url": staff_url(settings, f"reviews/{task.id}"),
        "days_overdue": days_overdue,
    }
