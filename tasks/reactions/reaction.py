"""One event being reacted to: what a reaction is given, and how it queues email."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models.audit import DomainEvent
from models.email import MessageKind
from models.hub import Hub
from models.staff import StaffMember
from plumbing.email.outbox import Recipient, queue_email
from plumbing.flow_runs import FlowRuns
from plumbing.settings import Settings
from tasks.reactions.contexts import hub_context


@dataclass
class Reaction:
    """One event being reacted to, and what the reactions asked for afterwards."""

    session: Session
    event: DomainEvent
    hub: Hub | None
    settings: Settings
    now: datetime
    publish_directory: bool = False
    emails_queued: int = 0
    tasks_opened: list[int] = field(default_factory=list)
    # Prefect's flow runs, when the events are processed under Prefect (else None).
    runs: FlowRuns | None = None

    @property
    def payload(self) -> dict[str, Any]:
        return self.event.payload

    def key(self, kind: MessageKind | str, *, hub_id: int | None = None) -> str:
        """Hub, message, stage, event: the identity of what this event sends (to its own
        Hub, or to `hub_id`'s)."""
        stage = self.payload.get("stage") or (self.hub.stage.value if self.hub else "-")
        return f"hub-{hub_id or self.event.hub_id}/{kind}/{stage}/{self.event.uid}"

    def email_hub(
        self,
        kind: MessageKind,
        *,
        skip: set[str] | None = None,
        only: set[str] | None = None,
        to_hub: Hub | None = None,
        **extra: Any,
    ) -> None:
        """`kind` to each of the Hub's contacts (but those in `skip`; only those in `only`);
        to another Hub's with `to_hub`."""
        hub = to_hub or self.require_hub()
        context = {"hub": hub_context(hub, self.settings), **extra}
        seen = set(skip or ())
        for contact in hub.contacts:
            if contact.email in seen or (only is not None and contact.email not in only):
                continue
            seen.add(contact.email)
            self.emails_queued += queue_email(
                self.session,
                key=self.key(kind, hub_id=hub.id),
                kind=kind,
                to=Recipient(contact.email, contact.name),
                context=context,
                hub_id=hub.id,
                now=self.now,
            )

    def email_staff(
        self, kind: MessageKind, member: StaffMember, *, key: str, **extra: Any
    ) -> None:
        hub = self.require_hub()
        self.emails_queued += queue_email(
            self.session,
            key=key,
            kind=kind,
            to=Recipient(member.email, member.name, staff=True),
            context={"hub": hub_context(hub, self.settings), **extra},
            hub_id=hub.id,
            now=self.now,
        )

    def require_hub(self) -> Hub:
        if self.hub is None:
            raise ValueError(f"event {self.event.uid} ({self.event.type}) names no Hub")
        return self.hub
