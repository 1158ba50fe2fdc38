"""What the email templates are given: the same facts, built the same way everywhere."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from models.enums import Stage
from models.hub import Hub, Submission
from models.presenters import Document
from models.review import ReviewTask
from models.services.timeline import facts_for, versions
from plumbing.settings import Settings
from plumbing.tokens import hub_url


def stage_label(stage: Stage | str) -> str:
    return Stage(stage).label


def hub_fields(
    *,
    id: int,
    name: str,
    district: str,
    stage: Stage,
    due: date | None,
    token_version: int,
    settings: Settings,
) -> dict[str, Any]:
    """The `hub` every Hub email shows: its name, stage, due date and private link."""
    return {
        "id": id,
        "name": name,
        "district": district,
        "stage": stage.value,
        "stage_label": stage.label,
        # What is due: the stage's work, or once listed the Hub's next progress report.
        "due_label": "progress report" if stage is Stage.LISTED else stage.label.lower(),
        "due_date": due.isoformat() if due else None,
        # What a reminder asks for next (templates/email/next_steps/).
        "next_steps": "report" if stage is Stage.LISTED else stage.value,
        "link": hub_url(id, token_version, settings=settings),
    }


def hub_context(hub: Hub, settings: Settings) -> dict[str, Any]:
    return hub_fields(
        id=hub.id,
        name=hub.name,
        district=hub.district.name,
        stage=hub.stage,
        due=hub.stage_due_date,
        token_version=hub.token_version,
        settings=settings,
    )


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


def document_context(doc: Document) -> dict[str, Any]:
    """A presented submission (models/presenters.py) as plain data for a template."""
    table = doc.table
    return {
        "title": doc.title,
        "rows": [[r.label, r.value] for r in doc.rows],
        "table": {"caption": table.caption, "columns": table.columns, "rows": table.rows}
        if table
        else None,
    }


def submission_context(session: Session, submission: Submission, *, today: date) -> dict[str, Any]:
    """What a Hub handed in, for the emails that quote it."""
    facts = facts_for(session, submission.hub, today=today)
    [version] = versions([submission], facts)
    return {
        "stage_label": submission.stage.label,
        "version": submission.version,
        "sent": document_context(version.document),
    }
