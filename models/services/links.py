"""A Hub's private links: a fresh one asked for by a contact, every old one revoked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Status
from models.events import EventType
from models.hub import Contact, Hub
from models.services.common import clock, emit, load_hub, transaction


def request_fresh_links(session: Session, address: str, *, now: datetime | None = None) -> int:
    """A contact lost or outlived their link: each Hub they are a contact of (unless it
    withdrew or was declined) records `hub.link.requested`, whose reaction emails a fresh
    link. Nothing tells the caller whether the address is anyone's; returns the count."""
    now = clock(now)
    with transaction(session):
        found = session.execute(
            select(Contact.id, Hub)
            .join(Hub, Contact.hub_id == Hub.id)
            .where(
                Contact.email == address.strip().lower(),
                Hub.status.not_in([Status.WITHDRAWN, Status.DECLINED]),
            )
            .order_by(Contact.id)
        ).all()
        for contact_id, hub in found:
            emit(
                session,
                EventType.LINK_REQUESTED,
                hub,
                now,
                contact_id=contact_id,
                hour=f"{now:%Y-%m-%dT%H}",
            )
        return len(found)


def revoke_links(session: Session, hub_id: int) -> Hub:
    """Every private link sent to the Hub so far stops working; its contacts ask for a
    fresh one (a lost phone, a contact who left)."""
    with transaction(session):
        hub = load_hub(session, hub_id)
        hub.token_version += 1
        return hub
