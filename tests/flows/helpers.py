"""Reading what the flows did."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit import StageChange
from models.email import Email
from models.review import ReviewTask


class Watch:
    """What appeared since the last look: emails (kind, recipient) and review tasks."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.email_id = self.task_id = 0

    def emails(self) -> list[tuple[str, str]]:
        rows = self.session.scalars(
            select(Email).where(Email.id > self.email_id).order_by(Email.id)
        ).all()
        self.session.commit()
        if rows:
            self.email_id = rows[-1].id
        return sorted((r.kind.value, r.to_email) for r in rows)

    def tasks(self) -> list[ReviewTask]:
        rows = list(
            self.session.scalars(
                select(ReviewTask).where(ReviewTask.id > self.task_id).order_by(ReviewTask.id)
            )
        )
        self.session.commit()
        if rows:
            self.task_id = rows[-1].id
        return rows


def counts(session: Session) -> dict[str, int]:
    result = {
        "emails": session.scalar(select(func.count()).select_from(Email)) or 0,
        "tasks": session.scalar(select(func.count()).select_from(ReviewTask)) or 0,
        "changes": session.scalar(select(func.count()).select_from(StageChange)) or 0,
    }
    session.commit()
    return result
