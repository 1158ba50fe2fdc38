"""The public directory: listed Hubs, with only the contacts they agreed to publish."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.enums import ContactRole, Stage, Status
from models.hub import Hub
from models.legislature import District

LISTED_STATUSES = (Status.ACTIVE, Status.STALLED, Status.PAUSED)


def listed_hubs(
    session: Session,
    *,
    town: str | None = None,
    district: str | None = None,
    covering: set[str] | None = None,
) -> list[Hub]:
    """Listed Hubs, in a House district (by name), and for a town: those whose towns name it
    or, when `covering` gives the House districts the town lies in, whose district is one."""
    stmt = (
        select(Hub)
        .join(District)
        .where(Hub.stage == Stage.LISTED, Hub.status.in_(LISTED_STATUSES))
        .options(selectinload(Hub.contacts), selectinload(Hub.district))
        .order_by(District.name, Hub.name)
    )
    if district:
        stmt = stmt.where(func.lower(District.name) == district.strip().lower())
    hubs = list(session.scalars(stmt))
    if town:
        wanted = town.strip().casefold()
        hubs = [
            h
            for h in hubs
            if any(wanted in t.casefold() for t in h.towns)
            or (covering is not None and h.district.name in covering)
        ]
    return hubs


def public_entry(hub: Hub) -> dict[str, Any]:
    """What anyone may see of a listed Hub: never a contact that did not consent."""
    return {
        "id": hub.id,
        "name": hub.name,
        "kind": hub.kind.value,
        "towns": list(hub.towns),
        "district": hub.district.name,
        "listed_on": hub.listed_at.date().isoformat() if hub.listed_at else None,
        "contacts": [
            {"name": c.name, "email": c.email, "phone": c.phone}
            for c in hub.contacts
            if c.role is ContactRole.ONBOARDING and c.consent_to_publish
        ],
    }


def directory(
    session: Session,
    *,
    town: str | None = None,
    district: str | None = None,
    covering: set[str] | None = None,
) -> list[dict[str, Any]]:
    return [
        public_entry(h)
        for h in listed_hubs(session, town=town, district=district, covering=covering)
    ]
