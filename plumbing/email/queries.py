"""Looking at the outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.email import Email, EmailState
from models.errors import InvalidInput


def list_emails(session: Session, *, state: str | None = None, limit: int = 100) -> list[Email]:
    stmt = select(Email).order_by(Email.id.desc()).limit(limit)
    if state is not None:
        try:
            stmt = stmt.where(Email.state == EmailState(state))
        except ValueError:
            choices = ", ".join(s.value for s in EmailState)
            raise InvalidInput.one("state", f"{state!r} is not one of {choices}") from None
    return list(session.scalars(stmt))
