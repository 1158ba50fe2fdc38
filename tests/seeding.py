"""Campaigns of many Hubs, made fast (rows written directly, not through the lifecycle):
for tests of what grows with the campaign (page heights, statements per page)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.enums import Chamber, ContactRole, HubKind, Stage, Status, SubmissionState
from models.hub import Contact, Hub, Submission
from models.legislature import District

STAGES = [Stage.INTEREST, Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN]


def many_hubs(session: Session, count: int, *, start: int = 0, listed_share: float = 1.0) -> None:
    """`count` Hubs across the House districts: `listed_share` of them listed, each with a
    published contact for new people and its approved on-boarding (the directory's entry);
    the others forming, one stage after another, each with its pending interest form."""
    districts = session.scalars(select(District.id).where(District.chamber == Chamber.HOUSE)).all()
    now = utcnow()
    for i in range(start, start + count):
        listed = (i - start) < count * listed_share
        hub = Hub(
            name=f"Seeded Hub {i:05}",
            kind=HubKind.SINGLE_ISSUE,
            towns=["Quincy", "Braintree"],
            district_id=districts[i % len(districts)],
            stage=Stage.LISTED if listed else STAGES[i % len(STAGES)],
            status=Status.ACTIVE,
            dedup_key=f"seeded hub {i}|s{i}@example.org",
            listed_at=now if listed else None,
        )
        hub.contacts.append(
            Contact(
                name=f"Contact {i}",
                email=f"s{i}@example.org",
                phone="617-555-0123",
                role=ContactRole.ONBOARDING if listed else ContactRole.PRIMARY,
                consent_to_publish=listed,
            )
        )
        hub.submissions.append(
            Submission(
                stage=Stage.ONBOARDING if listed else Stage.INTEREST,
                payload={"process": "monthly_meeting", "schedule": "first Tuesday, 7pm"}
                if listed
                else {"group_name": hub.name},
                state=SubmissionState.APPROVED if listed else SubmissionState.PENDING,
                submitted_by=f"Contact {i}",
            )
        )
        session.add(hub)
    session.commit()
