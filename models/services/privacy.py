"""Forgetting a person who asks: their contact details removed from everything hubflow
holds, the Hubs' history kept, and their address kept only as a hash so that nothing
writes to it again (SPEC §8)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, delete, func, or_, select, update
from sqlalchemy.orm import Session

from models.base import Base
from models.email import Email, EmailState, Suppression, SuppressionReason
from models.events import EventType
from models.hub import Contact, Hub
from models.services.common import Actor, clock, emit, transaction

FORGOTTEN = "(forgotten)"
# What an email to a forgotten person says instead of what it said.
REMOVED = "(removed: the person it was sent to asked to be forgotten)"


def address_hash(address: str) -> str:
    """How a forgotten address is kept: enough to recognise it, not to read it."""
    digest = hashlib.sha256(address.strip().lower().encode()).hexdigest()
    return f"sha256:{digest}"


@dataclass
class Forgotten:
    contacts: int = 0
    emails: int = 0
    cancelled: int = 0
    rows: int = 0  # other rows the address was scrubbed from
    hubs: list[int] = field(default_factory=list)


def forget(
    session: Session, address: str, *, actor: Actor, now: datetime | None = None
) -> Forgotten:
    """Remove `address`, and the names and phones given with it, everywhere; suppress it
    as a hash; an audit entry on each Hub it was a contact of. All or nothing."""
    address, now = address.strip().lower(), clock(now)
    token = f"forgotten-{address_hash(address)[7:19]}"
    out = Forgotten()
    with transaction(session):
        people = session.execute(
            select(Contact.hub_id).where(func.lower(Contact.email) == address)
        ).all()
        out.hubs = sorted({hub_id for (hub_id,) in people})
        out.contacts = _count(
            session.execute(delete(Contact).where(func.lower(Contact.email) == address))
        )
        to_them = func.lower(Email.to_email) == address
        out.cancelled = _count(
            session.execute(
                update(Email)
                .where(to_them, Email.state.in_([EmailState.PENDING, EmailState.FAILED]))
                .values(
                    state=EmailState.SUPPRESSED, last_error="the recipient asked to be forgotten"
                )
            )
        )
        out.emails = _count(
            session.execute(
                update(Email)
                .where(to_them)
                .values(to_email=token, to_name="", html=REMOVED, text=REMOVED, unsubscribe_url="")
            )
        )
        out.rows = _scrub_everywhere(session, address, token)
        _keep_only_the_hash(session, address, now)
        for hub in session.scalars(select(Hub).where(Hub.id.in_(out.hubs))):
            emit(session, EventType.CONTACT_FORGOTTEN, hub, now, actor=actor.label)
    return out


def _count(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed."""
    return int(result.rowcount)


def _keep_only_the_hash(session: Session, address: str, now: datetime) -> None:
    hashed = address_hash(address)
    found = session.scalar(select(Suppression).where(Suppression.email == address))
    if found is not None:
        found.email, found.detail = hashed, ""
    elif session.scalar(select(Suppression.id).where(Suppression.email == hashed)) is None:
        session.add(Suppression(email=hashed, reason=SuppressionReason.FORGOTTEN, created_at=now))


def _scrub_everywhere(session: Session, address: str, token: str) -> int:
    """Every other text or JSON value holding the address: the address replaced, and in a
    JSON object that gave it, the name and phone given with it."""
    pattern = re.compile(re.escape(address), re.IGNORECASE)
    changed = 0
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text | JSON) and not c.primary_key
        ]
        if not columns:
            continue
        textual = [c for c in columns if not isinstance(c.type, JSON)]
        where = [func.lower(c).contains(address) for c in textual]
        where += [
            func.lower(func.cast(c, Text)).contains(address) for c in columns if c not in textual
        ]
        key = list(table.primary_key.columns)
        for row in session.execute(select(*key, *columns).where(or_(*where))).mappings():
            values: dict[str, Any] = {}
            for c in columns:
                value = row[c.name]
                new = (
                    _scrub_json(value, pattern, token)
                    if isinstance(c.type, JSON)
                    else pattern.sub(token, value)
                    if isinstance(value, str)
                    else value
                )
                if new != value:
                    values[c.name] = new
            if values:
                session.execute(
                    update(table).where(*(k == row[k.name] for k in key)).values(values)
                )
                changed += 1
    return changed


_PERSONAL = ("name", "contact_name", "phone")


def _scrub_json(value: Any, pattern: re.Pattern[str], token: str) -> Any:
    if isinstance(value, dict):
        gave = any(isinstance(v, str) and pattern.fullmatch(v.strip()) for v in value.values())
        return {
            k: (
                FORGOTTEN
                if gave and k in _PERSONAL and isinstance(v, str) and v
                else _scrub_json(v, pattern, token)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub_json(v, pattern, token) for v in value]
    if isinstance(value, str):
        return pattern.sub(token, value)
    return value
