"""Whom an audience reaches: one email per person (at the first of their Hubs), and who is
left out and why: paused Hubs, addresses that unsubscribed, bounced or were forgotten."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import literal, null, select
from sqlalchemy.orm import Session

from models.email import OptOut, Suppression, SuppressionReason, Topic
from models.enums import Status
from models.geography import Geography
from models.hub import Contact, Hub
from models.legislature import District
from models.newcomer import Newcomer
from models.services.audience import (
    Audience,
    contacts_where,
    hubs_where,
    newcomers_where,
    paused_left_out,
)

PAUSED = "their Hub is paused"
UNSUBSCRIBED_HERE = "unsubscribed from announcements"
UNSUBSCRIBED = "unsubscribed from every email"
BOUNCED = "their address bounces"
FORGOTTEN = "asked us to forget their address"


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    name: str
    hub_id: int | None  # None: a newcomer waiting for a Hub
    hub_name: str
    district: str
    token_version: int

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else "there"


@dataclass
class Reach:
    people: list[Person] = field(default_factory=list)  # each gets one email
    hub_people: Counter[int] = field(default_factory=Counter)  # per Hub, how many of them
    left_out: Counter[str] = field(default_factory=Counter)  # people, by reason
    paused_hubs: int = 0
    shared: int = 0  # people on several of the Hubs: one email each all the same

    @property
    def hubs(self) -> int:
        return len(self.hub_people)


def _newcomer_rows(session: Session, audience: Audience, geo: Geography) -> Iterator[Any]:
    """Waiting newcomers, in the shape of _rows (no Hub: no status, no link)."""
    stmt = (
        select(
            Newcomer.email,
            Newcomer.name,
            null(),
            null(),
            literal(""),
            literal(Status.ACTIVE.value),
            literal(0),
            District.name,
        )
        .join(District, District.id == Newcomer.district_id)
        .where(newcomers_where(audience, geo))
        .order_by(Newcomer.id)
    )
    yield from session.execute(stmt)


def _rows(session: Session, audience: Audience, geo: Geography) -> Iterator[Any]:
    stmt = (
        select(
            Contact.email,
            Contact.name,
            Contact.bounced_at,
            Hub.id,
            Hub.name,
            Hub.status,
            Hub.token_version,
            District.name,
        )
        .join(Hub, Hub.id == Contact.hub_id)
        .join(District, District.id == Hub.district_id)
        .where(hubs_where(audience, geo), contacts_where(audience))
        .order_by(Hub.id, Contact.id)
    )
    yield from session.execute(stmt.execution_options(yield_per=2000))


def _stopped(
    session: Session, addresses: list[str], hashes: Callable[[str], list[str]]
) -> dict[str, str]:
    """Each address that gets no announcement, with the reason."""
    reasons: dict[str, str] = {}
    for start in range(0, len(addresses), 500):
        some = addresses[start : start + 500]
        for email in session.scalars(
            select(OptOut.email).where(OptOut.email.in_(some), OptOut.topic == Topic.ANNOUNCEMENTS)
        ):
            reasons[email] = UNSUBSCRIBED_HERE
        forms = {form: a for a in some for form in hashes(a)}
        found = session.execute(
            select(Suppression.email, Suppression.reason).where(
                Suppression.email.in_([*some, *forms])
            )
        )
        for email, reason in found:
            reasons[forms.get(email, email)] = {
                SuppressionReason.UNSUBSCRIBE: UNSUBSCRIBED,
                SuppressionReason.FORGOTTEN: FORGOTTEN,
            }.get(reason, BOUNCED)
    return reasons


def reach(
    session: Session,
    audience: Audience,
    geo: Geography,
    *,
    hashes: Callable[[str], list[str]],
) -> Reach:
    """Who gets the announcement, and who does not. `hashes` gives the forms in which a
    forgotten address is kept (models/services/privacy.py)."""
    out = Reach()
    seen: set[str] = set()
    candidates: list[Person] = []
    bounced: set[str] = set()
    skip_paused = paused_left_out(audience)
    paused: set[int] = set()
    rows = (_newcomer_rows if audience.newcomers else _rows)(session, audience, geo)
    for email, name, bounced_at, hub_id, hub_name, status, version, district in rows:
        email = email.lower()
        if skip_paused and status == Status.PAUSED:
            paused.add(hub_id)
            out.left_out[PAUSED] += 1
            continue
        if email in seen:
            out.shared += 1
            continue
        seen.add(email)
        if bounced_at is not None:
            bounced.add(email)
        candidates.append(Person(email, name, hub_id, hub_name, district, version))
    stopped = _stopped(session, [p.email for p in candidates], hashes)
    for person in candidates:
        reason = stopped.get(person.email) or (BOUNCED if person.email in bounced else None)
        if reason:
            out.left_out[reason] += 1
            continue
        out.people.append(person)
        if person.hub_id is not None:
            out.hub_people[person.hub_id] += 1
    out.paused_hubs = len(paused)
    return out
