"""Readable flow-run names: what a run does and when, in the campaign's zone
(`sweep 2026-11-26 09:00`, `dispatch 14 emails`, `daily report 2026-11-26`), and what
events it handles (`hub-42 approved -> onboarding`)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from models.audit import DomainEvent
from models.base import utcnow
from models.enums import Stage
from models.events import EventType
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


def describe(event: DomainEvent) -> str:
    """How the Prefect UI names the work for this event: 'hub-42 approved -> onboarding'."""
    who = f"hub-{event.hub_id}" if event.hub_id is not None else "hubflow"
    stage = event.payload.get("stage", "")
    match EventType(event.type):
        case EventType.INTEREST_SUBMITTED:
            return f"{who} interest received"
        case EventType.SUBMISSION_RECEIVED:
            return f"{who} submitted {stage} v{event.payload.get('version', 1)}"
        case EventType.SUBMISSION_APPROVED:
            nxt = Stage(stage).next() if stage else None
            return f"{who} approved -> {nxt.value if nxt else 'listed'}"
        case EventType.CHANGES_REQUESTED:
            return f"{who} changes requested on {stage}"
        case EventType.SUBMISSION_DECLINED:
            return f"{who} declined"
        case EventType.STAGE_ENTERED:
            return f"{who} entered {stage}"
        case EventType.MOVED_BACK:
            return f"{who} moved back -> {stage}"
        case other:
            return f"{who} {other.value.removeprefix('hub.').replace('.', ' ')}"


# Events that say what a person did; the rest (stage entered, listed) follow from them.
HEADLINES = (
    EventType.INTEREST_SUBMITTED,
    EventType.SUBMISSION_RECEIVED,
    EventType.SUBMISSION_APPROVED,
    EventType.CHANGES_REQUESTED,
    EventType.SUBMISSION_DECLINED,
    EventType.MOVED_BACK,
    EventType.WITHDRAWN,
    EventType.PAUSED,
    EventType.RESUMED,
    EventType.STALLED,
)


def headline(events: list[DomainEvent]) -> str:
    """A readable name for a batch: its headline event, and how many others came with it."""
    if not events:
        return "no events waiting"
    head = next((e for e in events if e.type in HEADLINES), events[0])
    hubs = {e.hub_id for e in events}
    return describe(head) if len(hubs) == 1 else f"{describe(head)} (+{len(hubs) - 1} Hubs)"


def by_hub_action(events: list[DomainEvent]) -> list[list[DomainEvent]]:
    """Consecutive events of the same Hub: what one person's action set off."""
    groups: list[list[DomainEvent]] = []
    for event in events:
        if groups and groups[-1][0].hub_id == event.hub_id:
            groups[-1].append(event)
        else:
            groups.append([event])
    return groups
