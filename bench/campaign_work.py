"""What a bench campaign's Hubs do once they have a plan (bench/campaign.py): the
legislators each plan targets, a listed Hub's progress report, a neighbour waiting for a
Hub."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

from models.enums import Goal, TargetRole
from models.names import name_key

ROLES = (TargetRole.STATE_REP, TargetRole.STATE_SENATOR)


def targets(submission_id: int, hub_id: int, members: list[Any], today: date) -> list[dict]:
    """A plan's rows: its State Rep and a State Senator (a vacant seat skipped)."""
    return [
        {
            "submission_id": submission_id,
            "hub_id": hub_id,
            "role": role,
            "legislator_id": member.id,
            "legislator_name": member.name,
            "name_key": name_key(member.name),
            "stance": member.stance,
            "goal": Goal.WIN_COSPONSORSHIP,
            "target_date": today + timedelta(days=90),
        }
        for role, member in zip(ROLES, members, strict=True)
        if member is not None
    ]


def progress(
    report_id: int, hub_id: int, i: int, entered: datetime, member: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A listed Hub's first report: a meeting with its State Rep."""
    report = {
        "id": report_id,
        "hub_id": hub_id,
        "version": 1,
        "note": "We met the Rep's aide.",
        "submitted_by": f"Cy {i}",
        "submitted_at": entered + timedelta(days=30),
    }
    if member is None:
        return report, []
    action = {
        "report_id": report_id,
        "hub_id": hub_id,
        "role": TargetRole.STATE_REP,
        "legislator_id": member.id,
        "legislator_name": member.name,
        "kind": "meeting",
        "done_on": (entered + timedelta(days=20)).date(),
        "people": 4,
        "response": "Said she would read the bill.",
    }
    return report, [action]


def newcomer(i: int, district_id: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    """A neighbour who signed up and waits for a Hub."""
    return {
        "name": f"Neighbour {i}",
        "email": f"n{i}@example.org",
        "district_id": district_id,
        "signed_up_at": now - timedelta(days=rng.randint(1, 20)),
    }
