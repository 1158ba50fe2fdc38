"""The public directory: listed Hubs, with only the contacts they agreed to publish."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from models.enums import ContactRole, OnboardingProcess, Stage, Status, SubmissionState
from models.geography import natural_key
from models.hub import Hub, Submission
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
    # Districts as people count them (1st, 2nd, … 10th Bristol), then the Hubs' names.
    hubs = sorted(
        session.scalars(stmt), key=lambda h: (natural_key(h.district.name), h.name.casefold())
    )
    if town:
        wanted = town.strip().casefold()
        hubs = [
            h
            for h in hubs
            if any(wanted in t.casefold() for t in h.towns)
            or (covering is not None and h.district.name in covering)
        ]
    return hubs


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
    session: Session,
    *,
    town: str | None = None,
    district: str | None = None,
    covering: set[str] | None = None,
) -> list[dict[str, Any]]:
    hubs = listed_hubs(session, town=town, district=district, covering=covering)
    meets = meetings(session, [h.id for h in hubs])
    return [public_entry(h, meets.get(h.id, "")) for h in hubs]
