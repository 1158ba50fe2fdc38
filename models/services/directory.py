"""The public directory: listed Hubs, with only the contacts they agreed to publish."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from models.enums import ContactRole, OnboardingProcess, Stage, Status, SubmissionState
from models.hub import Hub, Submission
from models.legislature import District

LISTED_STATUSES = (Status.ACTIVE, Status.STALLED, Status.PAUSED)


@dataclass(frozen=True)
class Search:
    """Listed Hubs, in a House district (by name), and for a town: those whose towns name it
    or, when `covering` gives the House districts the town lies in, whose district is one."""

    town: str | None = None
    district: str | None = None
    covering: frozenset[str] | None = None


def _listed(search: Search) -> list[ColumnElement[bool]]:
    town, district, covering = search.town, search.district, search.covering
    where: list[ColumnElement[bool]] = [
        Hub.stage == Stage.LISTED,
        Hub.status.in_(LISTED_STATUSES),
    ]
    if district:
        where.append(func.lower(District.name) == district.strip().lower())
    if town and town.strip():
        # The towns are a JSON list: its text holds each name, quoted.
        named = func.lower(cast(Hub.towns, Text)).contains(town.strip().lower(), autoescape=True)
        where.append(or_(named, District.name.in_(covering)) if covering else named)
    return where


def listed_hubs(
    session: Session, search: Search = Search(), *, offset: int = 0, limit: int | None = None
) -> list[Hub]:
    """The listed Hubs found, in the order people count districts, then by name; `limit`
    of them from `offset`, or all."""
    stmt = (
        select(Hub)
        .join(District)
        .where(*_listed(search))
        .options(selectinload(Hub.contacts), selectinload(Hub.district))
        .order_by(District.sort_key, Hub.name, Hub.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def count_listed(session: Session, search: Search = Search()) -> int:
    stmt = select(func.count(Hub.id)).join(District).where(*_listed(search))
    return session.scalar(stmt) or 0


def meetings(session: Session, hub_ids: list[int]) -> dict[int, str]:
    """How each Hub brings new people in, in the words it gave at onboarding (its latest
    approved on-boarding): "A monthly meeting: first Tuesday, 7pm, at the library"."""
    found: dict[int, str] = {}
    for start in range(0, len(hub_ids), 500):
        rows = session.execute(
            select(Submission.hub_id, Submission.payload)
            .where(
                Submission.hub_id.in_(hub_ids[start : start + 500]),
                Submission.stage == Stage.ONBOARDING,
                Submission.state == SubmissionState.APPROVED,
            )
            .order_by(Submission.id)
        )
        for hub_id, payload in rows:
            try:
                process = OnboardingProcess(payload.get("process", ""))
            except ValueError:
                continue
            detail = str(
                payload.get(
                    "schedule" if process is OnboardingProcess.MONTHLY_MEETING else "description",
                    "",
                )
            ).strip()
            found[hub_id] = f"{process.label}: {detail}" if detail else process.label
    return found


def public_entry(hub: Hub, meets: str = "") -> dict[str, Any]:
    """What anyone may see of a listed Hub: never a contact that did not consent."""
    return {
        "id": hub.id,
        "name": hub.name,
        "kind": hub.kind.value,
        "towns": list(hub.towns),
        "district": hub.district.name,
        "listed_on": hub.listed_at.date().isoformat() if hub.listed_at else None,
        "meets": meets,
        "contacts": [
            {"name": c.name, "email": c.email, "phone": c.phone}
            for c in hub.contacts
            if c.role is ContactRole.ONBOARDING and c.consent_to_publish
        ],
    }


def directory(
    session: Session, search: Search = Search(), *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """The public entries of the listed Hubs found: see listed_hubs."""
    hubs = listed_hubs(session, search, offset=offset, limit=limit)
    meets = meetings(session, [h.id for h in hubs])
    return [public_entry(h, meets.get(h.id, "")) for h in hubs]
