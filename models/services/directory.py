"""The public directory: listed Hubs, with only the contacts they agreed to publish."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from models.enums import ContactRole, HubKind, OnboardingProcess, Stage, Status, SubmissionState
from models.hub import Contact, Hub, Submission
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


def count_listed(session: Session, search: Search = Search()) -> int:
    stmt = select(func.count(Hub.id)).join(District).where(*_listed(search))
    return session.scalar(stmt) or 0


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    """`ids` a few hundred at a time: the whole directory is read for publish-directory."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def meetings(session: Session, hub_ids: list[int]) -> dict[int, str]:
    """How each Hub brings new people in, in the words it gave at onboarding (its latest
    approved on-boarding): "A monthly meeting: first Tuesday, 7pm, at the library"."""
    found: dict[int, str] = {}
    for some in _chunks(hub_ids):
        rows = session.execute(
            select(Submission.hub_id, Submission.payload)
            .where(
                Submission.hub_id.in_(some),
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


def directory(
    session: Session, search: Search = Search(), *, offset: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """The public entries (see public_entry) of the listed Hubs found, in the order people
    count districts, then by name; `limit` of them from `offset`, or all. Read as rows, not
    objects: a page of /hubs.json is 200 of them."""
    hubs = session.execute(
        select(Hub.id, Hub.name, Hub.kind, Hub.towns, District.name, Hub.listed_at)
        .join(District)
        .where(*_listed(search))
        .order_by(District.sort_key, Hub.name, Hub.id)
        .offset(offset)
        .limit(limit)
    ).all()
    ids = [h[0] for h in hubs]
    contacts: dict[int, list[dict[str, str]]] = {i: [] for i in ids}
    for some in _chunks(ids):
        for hub_id, name, email, phone in session.execute(
            select(Contact.hub_id, Contact.name, Contact.email, Contact.phone)
            .where(
                Contact.hub_id.in_(some),
                Contact.role == ContactRole.ONBOARDING,
                Contact.consent_to_publish,
            )
            .order_by(Contact.id)
        ):
            contacts[hub_id].append({"name": name, "email": email, "phone": phone})
    meets = meetings(session, ids)
    return [
        _entry(
            hub_id, name, kind, towns, district, listed_at, meets.get(hub_id, ""), contacts[hub_id]
        )
        for hub_id, name, kind, towns, district, listed_at in hubs
    ]


def public_entry(hub: Hub, meets: str = "") -> dict[str, Any]:
    """What anyone may see of a listed Hub: never a contact that did not consent."""
    published = [
        {"name": c.name, "email": c.email, "phone": c.phone}
        for c in hub.contacts
        if c.role is ContactRole.ONBOARDING and c.consent_to_publish
    ]
    return _entry(
        hub.id, hub.name, hub.kind, hub.towns, hub.district.name, hub.listed_at, meets, published
    )


def _entry(
    hub_id: int,
    name: str,
    kind: HubKind,
    towns: list[str],
    district: str,
    listed_at: datetime | None,
    meets: str,
    contacts: list[dict[str, str]],
) -> dict[str, Any]:
    return {
        "id": hub_id,
        "name": name,
        "kind": kind.value,
        "towns": list(towns),
        "district": district,
        "listed_on": listed_at.date().isoformat() if listed_at else None,
        "meets": meets,
        "contacts": contacts,
    }
