"""The GO! Team's members."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.enums import Term
from models.errors import InvalidInput
from models.forms import parse
from models.services.common import transaction
from models.staff import StaffMember


class StaffForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    email: EmailStr


def add_staff(
    session: Session, *, name: str, email: str, password_hash: str | None = None
) -> StaffMember:
    """Add a staff member; an address can belong to one member only."""
    form = parse(StaffForm, {"name": name, "email": email})
    address = str(form.email).lower()
    try:
        with transaction(session):
            if session.scalar(select(StaffMember.id).where(StaffMember.email == address)):
                raise InvalidInput.one("email", f"{address} is already on the {Term.TEAM.label}")
            member = StaffMember(name=form.name, email=address, password_hash=password_hash)
            session.add(member)
            return member
    except IntegrityError:
        raise InvalidInput.one("email", f"{address} is already on the {Term.TEAM.label}") from None


def list_staff(session: Session) -> list[StaffMember]:
    return list(session.scalars(select(StaffMember).order_by(StaffMember.id)))


def set_password_hash(session: Session, email: str, password_hash: str) -> StaffMember:
    """Store a staff member's (already hashed) password."""
    with transaction(session):
        member = session.scalar(select(StaffMember).where(StaffMember.email == email.lower()))
        if member is None:
            raise InvalidInput.one("email", f"no {Term.TEAM.label} member with email {email!r}")
        member.password_hash = password_hash
        end_member_sessions(session, member)  # a new password ends every session
        return member


def end_sessions(session: Session, staff_id: int) -> None:
    """Log a staff member out everywhere: every session cookie issued so far stops working."""
    with transaction(session):
        member = session.get(StaffMember, staff_id)
        if member is not None:
            end_member_sessions(session, member)


def end_member_sessions(session: Session, member: StaffMember) -> None:
    """One more than the version in the database (not in this session's copy, which may
    be old): every cookie issued before is refused."""
    session.execute(
        update(StaffMember)
        .where(StaffMember.id == member.id)
        .values(session_version=StaffMember.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.expire(member, ["session_version"])


def staff_names(session: Session) -> dict[str, str]:
    """Each staff member's name by the label the audit trail gives them ('staff:ann@…')."""
    return {
        f"staff:{email}": name
        for email, name in session.execute(select(StaffMember.email, StaffMember.name)).all()
    }


def active_team(session: Session) -> list[StaffMember]:
    """Everyone who can be given work, by name."""
    return list(
        session.scalars(select(StaffMember).where(StaffMember.active).order_by(StaffMember.name))
    )


def active_member(session: Session, email: str) -> StaffMember | None:
    """The active staff member with this address (any case), or None."""
    return session.scalar(
        select(StaffMember).where(StaffMember.email == email.strip().lower(), StaffMember.active)
    )


def member_by_email(session: Session, email: str) -> StaffMember | None:
    """The staff member with this address, active or not."""
    return session.scalar(select(StaffMember).where(StaffMember.email == email.strip().lower()))


def logged_in_member(
    session: Session, *, staff_id: int, session_version: int
) -> StaffMember | None:
    """The member a session cookie names, if that session has not been ended and the member
    is still active."""
    member = session.get(StaffMember, staff_id)
    if member is None or not member.active or member.session_version != session_version:
        return None
    return member
