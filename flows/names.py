"""Readable flow-run names: what a run does and when, in the campaign's zone
(`sweep 2026-11-26 09:00`, `dispatch 14 emails`, `daily report 2026-11-26`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from models.base import utcnow
from plumbing.settings import get_settings


def _moment() -> datetime:
    """The run's `now` parameter if it has one, else the time it starts, in the campaign zone."""
    from prefect.runtime import flow_run

    now = flow_run.parameters.get("now") or utcnow()
    if isinstance(now, str):
        now = datetime.fromisoformat(now)
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo("UTC"))
    return now.astimezone(ZoneInfo(get_settings().policy.timezone))


def sweep_name() -> str:
    dry = " (dry run)" if _param("dry_run") else ""
    return f"sweep {_moment():%Y-%m-%d %H:%M}{dry}"


def report_name() -> str:
    return f"daily report {_moment():%Y-%m-%d}"


def directory_name() -> str:
    return f"publish directory {_moment():%Y-%m-%d %H:%M}"


def dispatch_name() -> str:
    from plumbing.db import session_factory
    from plumbing.email.claims import due_count

    due = due_count(session_factory())
    limit = _param("limit")
    if isinstance(limit, int):
        due = min(due, limit)
    return f"dispatch {due} email{'' if due == 1 else 's'}"


def _param(name: str) -> object:
    from prefect.runtime import flow_run

    return flow_run.parameters.get(name)
