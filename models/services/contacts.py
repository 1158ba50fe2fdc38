"""Staff correct a Hub's contacts (SPEC §9): add, change, remove, choose the primary; each
change one transaction, checked as the public forms are, and in the Hub's history ("Ann Lee
changed the contact from Bo <a@…> to Bo <b@…>"). A contact whose address changes or who is
removed can no longer use the Hub's links: the link version moves, and every current
contact is emailed a fresh one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import ContactRole
from models.errors import InvalidInput, NotFound
from models.events import EventType
from models.forms import Email, Text, check_phone, parse
from models.hub import Contact, Hub
from models.services.common import Actor, clock, emit, load_hub, transaction
from models.services.corrections import record_correction


class ContactFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: Text | None = None
    email: Email | None = None
    phone: str | None = None


def _contact_fields(data: dict[str, Any]) -> ContactFields:
    form = parse(ContactFields, {k: v for k, v in data.items() if v is not None})
    if form.phone:
        try:
            check_phone(form.phone)
        except ValueError as exc:
            raise InvalidInput.one("phone", str(exc)) from None
    return form


def _address_free(session: Session, hub: Hub, address: str, *, but: int | None = None) -> None:
    """An address is one person's: not on another Hub's contacts, nor twice on this one."""
    taken = session.scalar(
        select(Contact).where(
            func.lower(Contact.email) == address.lower(), Contact.id != (but or 0)
        )
    )
    if taken is not None:
        where = "this Hub" if taken.hub_id == hub.id else "another Hub"
        raise InvalidInput.one("email", f"{address} is already a contact of {where}")


def add_contact(
    session: Session,
    hub_id: int,
    *,
    name: str,
    email: str,
    phone: str = "",
    actor: Actor,
    now: datetime | None = None,
) -> Contact:
    """A new contact for the Hub; they are emailed the Hub's link."""
    now = clock(now)
    form = _contact_fields({"name": name, "email": email, "phone": phone})
    if not form.name or not form.email:
        raise InvalidInput(
            {k: "this is required" for k in ("name", "email") if not getattr(form, k)}
        )
    with transaction(session):
        hub = load_hub(session, hub_id)
        _address_free(session, hub, str(form.email))
        contact = Contact(
            hub_id=hub.id,
            name=form.name,
            email=str(form.email).lower(),
            phone=form.phone or "",
            role=ContactRole.ONBOARDING
            if any(c.role is ContactRole.PRIMARY for c in hub.contacts)
            else ContactRole.PRIMARY,
            created_at=now,
        )
        session.add(contact)
        session.flush()
        record_correction(session, hub, "contact", "", _who(contact), actor=actor, now=now)
        emit(session, EventType.CORRECTED, hub, now, what="contacts")
        _fresh_links(session, hub, [contact], now=now)
        return contact


def change_contact(
    session: Session,
    contact_id: int,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    actor: Actor,
    now: datetime | None = None,
) -> Contact:
    """Correct a contact's name, address or phone. A new address: the old one's links stop
    working, and every current contact gets a fresh link."""
    now = clock(now)
    form = _contact_fields({"name": name, "email": email, "phone": phone})
    with transaction(session):
        contact = _load_contact(session, contact_id)
        hub = load_hub(session, contact.hub_id)
        before = _who(contact)
        moved = form.email is not None and str(form.email).lower() != contact.email
        if moved:
            _address_free(session, hub, str(form.email), but=contact.id)
            contact.email = str(form.email).lower()
        if form.name:
            contact.name = form.name
        if form.phone is not None:
            contact.phone = form.phone
        if _who(contact) != before:
            record_correction(session, hub, "contact", before, _who(contact), actor=actor, now=now)
            emit(session, EventType.CORRECTED, hub, now, what="contacts")
        if moved:
            hub.token_version += 1
            _fresh_links(session, hub, hub.contacts, now=now)
        return contact


def remove_contact(
    session: Session, contact_id: int, *, actor: Actor, now: datetime | None = None
) -> Hub:
    """Remove a contact (never the last one); their links stop working, and the others get
    fresh ones. The primary contact's place goes to the next contact."""
    now = clock(now)
    with transaction(session):
        contact = _load_contact(session, contact_id)
        hub = load_hub(session, contact.hub_id)
        others = [c for c in hub.contacts if c.id != contact.id]
        if not others:
            raise InvalidInput.one("contact", "a Hub keeps at least one contact: add another first")
        if contact.role is ContactRole.PRIMARY and not any(
            c.role is ContactRole.PRIMARY for c in others
        ):
            others[0].role = ContactRole.PRIMARY
        record_correction(session, hub, "contact", _who(contact), "", actor=actor, now=now)
        emit(session, EventType.CORRECTED, hub, now, what="contacts")
        session.delete(contact)
        session.flush()
        hub.token_version += 1
        _fresh_links(session, hub, others, now=now)
        return hub


def make_primary(
    session: Session, contact_id: int, *, actor: Actor, now: datetime | None = None
) -> Contact:
    """The Hub's primary contact is this one; the one before takes its role."""
    now = clock(now)
    with transaction(session):
        contact = _load_contact(session, contact_id)
        hub = load_hub(session, contact.hub_id)
        if contact.role is ContactRole.PRIMARY:
            return contact
        former = [c for c in hub.contacts if c.role is ContactRole.PRIMARY]
        for c in former:
            c.role = contact.role
        contact.role = ContactRole.PRIMARY
        before = ", ".join(_who(c) for c in former)
        record_correction(
            session, hub, "primary contact", before, _who(contact), actor=actor, now=now
        )
        return contact


def _primary(contacts: list[Contact]) -> bool:
    return any(c.role is ContactRole.PRIMARY for c in contacts)


def _load_contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound("contact", contact_id)
    return contact


def _who(contact: Contact) -> str:
    phone = f", {contact.phone}" if contact.phone else ""
    return f"{contact.name} <{contact.email}>{phone}"


def _fresh_links(session: Session, hub: Hub, contacts: list[Contact], *, now: datetime) -> None:
    """Each contact is emailed the Hub's current link (the reaction to hub.link.requested)."""
    for contact in contacts:
        emit(
            session,
            EventType.LINK_REQUESTED,
            hub,
            now,
            contact_id=contact.id,
            hour=f"{now:%Y-%m-%dT%H:%M:%S}",
            why="contacts",
        )
