"""Email claims are leases (#34): a live dispatcher renews its claims, so a slow SendGrid
never lets another take (and send again) what it holds; a dead one's claims are taken
back a lease after its last renewal, and an in-process relay sends them at once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from hubflow.runtime.handover import InProcess
from hubflow.runtime.relay import Relay
from models.base import utcnow
from models.email import Email, EmailState
from plumbing.email.backends import Outgoing, RecordingBackend, SendResult
from plumbing.email.claims import release_stale
from plumbing.email.dispatch import dispatch
from plumbing.settings import get_settings
from tests import factories


class Slow(RecordingBackend):
    """SendGrid taking its time: each request waits until the test lets it go."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def send(self, message: Outgoing) -> SendResult:
        self.go.wait(10)
        return super().send(message)


def states(session: Session) -> dict[EmailState, int]:
    found: dict[EmailState, int] = {}
    for state in session.scalars(select(Email.state)):
        found[state] = found.get(state, 0) + 1
    session.commit()
    return found


def test_a_live_dispatcher_keeps_its_claims_however_long_sendgrid_takes(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    factories.pending_emails(session, 6)
    lease = 0.6  # renewed every 0.2 s
    settings = get_settings().model_copy(update={"dispatch_lease_seconds": lease})
    backend = Slow()
    done: list[object] = []
    worker = threading.Thread(
        target=lambda: done.append(
            dispatch(sessions, backend=backend, settings=settings, concurrency=2)
        )
    )
    worker.start()
    taken_back = 0
    for _ in range(15):  # 1.5 s: 2.5 leases while every request hangs
        time.sleep(0.1)
        taken_back += release_stale(sessions, lease=timedelta(seconds=lease), now=utcnow())
    assert taken_back == 0
    assert states(session).get(EmailState.SENDING, 0) > 0
    backend.go.set()
    worker.join(30)
    assert states(session) == {EmailState.SENT: 6}
    assert len(backend.sent) == len({m.id for m in backend.sent}) == 6  # each once


def test_an_in_process_relay_sends_a_dead_dispatchers_claims_once_their_lease_ends(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    factories.pending_emails(session, 4)
    now = utcnow()
    # Claimed by a dispatcher killed mid-send: 10 s ago, then 40 s ago.
    session.execute(
        update(Email).values(
            state=EmailState.SENDING,
            claimed_by="dead:1:abc",
            claimed_at=now - timedelta(seconds=10),
        )
    )
    session.commit()
    backend = RecordingBackend()
    instance = get_settings().instance_name
    relay = Relay(
        sessions,
        instance=instance,
        hand_over=InProcess(instance),
        lease=30,
        send_due=lambda: dispatch(sessions, backend=backend),
    )
    assert relay.take_back_claims(now) == 0  # within the lease: it may still be alive
    assert backend.sent == []
    session.execute(update(Email).values(claimed_at=now - timedelta(seconds=40)))
    session.commit()
    assert relay.take_back_claims(now) == 4
    assert states(session) == {EmailState.SENT: 4}
    assert len(backend.sent) == 4
    assert relay.take_back_claims(now) == 0
    # Queued a lease ago and never claimed (its dispatcher died first, or none ran): sent.
    factories.pending_emails(session, 2, prefix="later")
    assert relay.take_back_claims(now) == 0  # just queued: the dispatch after its event
    session.execute(
        update(Email)
        .where(Email.state == EmailState.PENDING)
        .values(created_at=now - timedelta(seconds=40))
    )
    session.commit()
    assert relay.take_back_claims(now) == 2
    assert states(session) == {EmailState.SENT: 6}
