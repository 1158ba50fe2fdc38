"""Forgetting a person who asks: their contact details removed from everything hubflow
holds, the Hubs' history kept, and their address kept only as a hash so that nothing
writes to it again (SPEC §8)."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, delete, func, or_, select, update
from sqlalchemy.orm import Session

from models import Base  # every table: what is forgotten is looked for in all of them
from models.base import JSONDocument
from models.email import Email, EmailState, OptOut, Suppression, SuppressionReason
from models.events import EventType
from models.hub import Contact, Hub
from models.newcomer import Newcomer
from models.services.common import Actor, clock, emit, transaction

_JSON = JSON | JSONDocument  # the columns holding JSON documents
FORGOTTEN = "(forgotten)"
# What an email to a forgotten person says instead of what it said.
REMOVED = "(removed: the person it was sent to asked to be forgotten)"


def address_hash(address: str, key: str) -> str:
    """How a forgotten address is kept: enough to recognise it when it comes again, not to
    read it, nor to confirm a guess without the instance's secret key (HMAC-SHA256)."""
    digest = hmac.new(key.encode(), address.strip().lower().encode(), hashlib.sha256)
    return f"hmac:{digest.hexdigest()}"


def legacy_hash(address: str) -> str:
    """How hubflow kept forgotten addresses before keyed hashes (still recognised)."""
    return "sha256:" + hashlib.sha256(address.strip().lower().encode()).hexdigest()


@dataclass
class Forgotten:
    contacts: int = 0
    emails: int = 0
    cancelled: int = 0
    rows: int = 0  # other rows the address was scrubbed from
    hubs: list[int] = field(default_factory=list)
    # What was removed (the address, the names and phones given with it), for the files
    # beyond the database the caller clears; and the emails whose files to remove.
    needles: list[str] = field(default_factory=list)
    email_ids: list[int] = field(default_factory=list)


def forget(
    session: Session, address: str, *, actor: Actor, key: str, now: datetime | None = None
) -> Forgotten:
    """Remove `address`, and every name and phone given with it, everywhere hubflow keeps
    text; suppress it as a keyed hash (`key`: the instance's secret); an audit entry on
    each Hub it was a contact of. All or nothing."""
    address, now = address.strip().lower(), clock(now)
    token = FORGOTTEN
    out = Forgotten()
    with transaction(session):
        people = session.execute(
            select(Contact.hub_id, Contact.name, Contact.phone).where(
                func.lower(Contact.email) == address
            )
        ).all()
        # A neighbour who asked to get involved (#31) is forgotten with their sign-up.
        newcomers = session.execute(
            select(Newcomer.name, Newcomer.phone).where(Newcomer.email == address)
        ).all()
        out.hubs = sorted({hub_id for hub_id, _, _ in people})
        out.needles = _needles(
            session,
            address,
            names={n for _, n, _ in people if n} | {n for n, _ in newcomers if n},
            phones={p for _, _, p in people if p} | {p for _, p in newcomers if p},
        )
        out.rows += _count(session.execute(delete(Newcomer).where(Newcomer.email == address)))
        out.email_ids = list(
            session.scalars(select(Email.id).where(func.lower(Email.to_email) == address))
        )
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
                .values(
                    to_email=FORGOTTEN,
                    to_name="",
                    subject=REMOVED,
                    html=REMOVED,
                    text=REMOVED,
                    unsubscribe_url="",
                )
            )
        )
        scrubbed, touched = _scrub_everywhere(session, out.needles, token)
        out.rows += scrubbed
        out.email_ids = sorted(set(out.email_ids) | touched)
        _keep_only_the_hash(session, address, key, now)
        for hub in session.scalars(select(Hub).where(Hub.id.in_(out.hubs))):
            emit(session, EventType.CONTACT_FORGOTTEN, hub, now, actor=actor.label)
    return out


def _count(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed."""
    return int(result.rowcount)


def _keep_only_the_hash(session: Session, address: str, key: str, now: datetime) -> None:
    hashed = address_hash(address, key)
    session.execute(
        delete(Suppression).where(Suppression.email.in_([address, legacy_hash(address)]))
    )
    session.execute(delete(OptOut).where(OptOut.email == address))  # its choices go with it
    if session.scalar(select(Suppression.id).where(Suppression.email == hashed)) is None:
        session.add(Suppression(email=hashed, reason=SuppressionReason.FORGOTTEN, created_at=now))


def _needles(session: Session, address: str, *, names: set[str], phones: set[str]) -> list[str]:
    """The address, and the names and phones given with it anywhere (a contact entry, a
    form that named it): what forget removes."""
    for table in Base.metadata.sorted_tables:
        for c in table.columns:
            if not isinstance(c.type, _JSON):
                continue
            holding = select(c).where(func.lower(func.cast(c, Text)).contains(address))
            for value in session.scalars(holding):
                for found in _given_with(value, address):
                    (phones if found[0] == "phone" else names).add(found[1])
    # Names too short or too common to find safely are left where they stand.
    return [address, *sorted(n for n in names if len(n) >= 3), *sorted(phones)]


def _given_with(value: Any, address: str) -> list[tuple[str, str]]:
    """(field, text) of the names and phones in each JSON object that gave `address`."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        gave = any(isinstance(v, str) and v.strip().lower() == address for v in value.values())
        for k, v in value.items():
            if gave and k in _PERSONAL and isinstance(v, str) and v.strip():
                found.append(("phone" if "phone" in k else "name", v.strip()))
            found += _given_with(v, address)
    elif isinstance(value, list):
        for v in value:
            found += _given_with(v, address)
    return found


def _phone_digits(needle: str) -> str | None:
    digits = re.sub(r"\D", "", needle)
    if "@" in needle or len(digits) < 7 or re.search(r"[A-Za-z]", needle):
        return None
    return digits


def _pattern(needle: str) -> re.Pattern[str]:
    """An address anywhere; a name as whole words; a phone in any punctuation."""
    if "@" in needle:
        return re.compile(re.escape(needle), re.IGNORECASE)
    if digits := _phone_digits(needle):
        return re.compile(r"\+?" + r"[\s().\-]{0,3}".join(digits))
    return re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)", re.IGNORECASE)


def _probe(needle: str) -> str:
    """What the database is asked for before the pattern decides: a phone typed in any
    punctuation (a staff note's "617.555.0199") still holds its last four digits."""
    digits = _phone_digits(needle)
    return digits[-4:] if digits else needle.lower()


def _scrub_everywhere(session: Session, needles: list[str], token: str) -> tuple[int, set[int]]:
    """Every text or JSON value holding one of `needles`: each replaced; in a JSON object
    that gave the address, the name and phone given with it. A column that must stay
    unique gets a marker of its row instead (never one derived from the address). Returns
    how many rows changed, and which emails."""
    address = needles[0]
    pattern = re.compile("|".join(f"(?:{_pattern(n).pattern})" for n in needles), re.IGNORECASE)
    probes = [_probe(n) for n in needles]
    changed, emails = 0, set()
    for table in Base.metadata.sorted_tables:
        columns = [
            c
            for c in table.columns
            if isinstance(c.type, String | Text | _JSON) and not c.primary_key
        ]
        if not columns:
            continue
        textual = [c for c in columns if not isinstance(c.type, _JSON)]
        where = [func.lower(c).contains(p) for c in textual for p in probes]
        where += [
            func.lower(func.cast(c, Text)).contains(p)
            for c in columns
            if c not in textual
            for p in probes
        ]
        key = list(table.primary_key.columns)
        unique = _unique_columns(table)
        for row in session.execute(select(*key, *columns).where(or_(*where))).mappings():
            values: dict[str, Any] = {}
            marker = f"(forgotten {table.name} " + "-".join(str(row[k.name]) for k in key) + ")"
            for c in columns:
                value = row[c.name]
                new = (
                    _scrub_json(value, pattern, token, address)
                    if isinstance(c.type, _JSON)
                    else pattern.sub(marker if c.name in unique else token, value)
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
                if table.name == "emails":
                    emails.add(int(row["id"]))
    return changed, emails


def _unique_columns(table: Any) -> set[str]:
    from sqlalchemy import UniqueConstraint

    names = {c.name for c in table.columns if c.unique}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            names |= {c.name for c in constraint.columns}
    return names


_PERSONAL = ("name", "contact_name", "phone")


def _scrub_json(value: Any, pattern: re.Pattern[str], token: str, address: str) -> Any:
    if isinstance(value, dict):
        gave = any(isinstance(v, str) and v.strip().lower() == address for v in value.values())
        return {
            k: (
                FORGOTTEN
                if gave and k in _PERSONAL and isinstance(v, str) and v
                else _scrub_json(v, pattern, token, address)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub_json(v, pattern, token, address) for v in value]
    if isinstance(value, str):
        return pattern.sub(token, value)
    return value


def remember_again(
    session: Session, address: str, hub_id: int, *, key: str, now: datetime | None = None
) -> bool:
    """Its owner gave an address hubflow had forgotten, and confirmed it by the link sent
    to it: it is an address like any other again, and the Hub's welcome goes to it. False
    if it was not forgotten (the link was used before) or is no contact of that Hub."""
    address, now = address.strip().lower(), clock(now)
    with transaction(session):
        contact = session.scalar(
            select(Contact).where(Contact.hub_id == hub_id, func.lower(Contact.email) == address)
        )
        if contact is None:
            return False
        gone = session.execute(
            delete(Suppression).where(
                Suppression.email.in_([address_hash(address, key), legacy_hash(address)]),
                Suppression.reason == SuppressionReason.FORGOTTEN,
            )
        )
        if not _count(gone):
            return False
        emit(
            session,
            EventType.ADDRESS_CONFIRMED,
            session.get(Hub, hub_id),
            now,
            contact_id=contact.id,
        )
        return True
