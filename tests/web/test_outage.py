"""The database out of reach for 10 seconds while 100 volunteers post the form: a styled
503 that keeps what they typed, never another 5xx, and every accepted form processed once.

PostgreSQL is reached through a TCP proxy that the test closes (connections refused, the
open ones cut); SQLite is locked by another connection for the same 10 seconds."""

from __future__ import annotations

import html
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from hubflow.web.app import create_app
from models.base import utcnow
from models.email import Email
from models.hub import Contact
from plumbing import db
from plumbing.email.dispatch import dispatch
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tests import factories
from tests.web.conftest import csrf, reset_rate_limits

OUTAGE = 10.0


class Proxy:
    """Forwards a local port to the database; `down()` refuses and cuts, `up()` restores."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        if self._listener is not None:
            # shutdown first: a thread blocked in accept() keeps a merely closed socket open
            self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            for conn in self._open:
                with suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with suppress(OSError):
                    s.close()


@contextmanager
def outage_for(url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, object]]:
    """The URL the app should use, and a function that makes the database unreachable for
    OUTAGE seconds (in the background)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        proxy = Proxy(parsed.host or "127.0.0.1", parsed.port or 5432)
        proxy.up()

        def cut() -> None:
            proxy.down()
            time.sleep(OUTAGE)
            proxy.up()

        try:
            yield parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(False), cut
        finally:
            proxy.down()
        return

    def lock() -> None:
        holder = sqlite3.connect(parsed.database or "", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        time.sleep(OUTAGE)
        holder.execute("COMMIT")
        holder.close()

    yield url, lock


def test_a_ten_second_outage_under_100_forms_answers_only_303_or_a_503_keeping_the_form(
    sessions: sessionmaker[Session],
    session: Session,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    factories.staff(session)
    with outage_for(database_url, monkeypatch) as (url, cut):
        monkeypatch.setenv("HUBFLOW_DATABASE_URL", url)
        monkeypatch.setenv("HUBFLOW_JOIN_RATE_LIMIT", "1000/minute")
        get_settings.cache_clear()
        db.reset_engines()
        reset_rate_limits()
        answers: dict[str, tuple[int, str]] = {}
        with TestClient(create_app(), base_url="http://hubflow.test") as client:
            token = csrf(client)
            outage: threading.Thread | None = None
            started = time.monotonic()
            for i in range(100):
                if i == 10:
                    outage = threading.Thread(target=cut)  # type: ignore[arg-type]
                    outage.start()
                    time.sleep(0.2)
                name = f"Outage Hub {i}"
                response = client.post(
                    "/join",
                    data={
                        "csrf_token": token,
                        "group_name": name,
                        "kind": "single_issue",
                        "towns": "Quincy",
                        "district": "1st Norfolk",
                        "contact_name": "Dee Organizer",
                        "email": f"outage{i}@example.org",
                        "phone": "617-555-0100",
                        "first_action_idea": f"idea number {i}",
                        "consent_to_contact": "yes",
                    },
                    follow_redirects=False,
                )
                answers[f"outage{i}@example.org"] = (response.status_code, response.text)
                time.sleep(max(0.0, started + 0.15 * (i + 1) - time.monotonic()))
            assert outage is not None
            outage.join()
        db.reset_engines()

    statuses = sorted({status for status, _ in answers.values()})
    assert set(statuses) <= {303, 503}, statuses
    refused = {email for email, (status, _) in answers.items() if status == 503}
    for email in refused:
        page = html.unescape(answers[email][1])
        n = email.removeprefix("outage").split("@")[0]
        assert f'value="Outage Hub {n}"' in page and f'value="{email}"' in page
        assert f"idea number {n}" in page and "Please try again in a minute" in page
    accepted = set(answers) - refused
    print(f"{len(accepted)} accepted, {len(refused)} answered 503 during the outage")
    if "postgresql" in database_url:
        assert refused, "the outage was not felt: nothing was tested"

    stored = set(session.scalars(select(Contact.email)))
    session.commit()
    assert stored == accepted
    process_waiting(sessions, settings=get_settings(), now=utcnow())
    dispatch(sessions)
    sent = session.execute(
        select(Email.to_email, func.count())
        .where(Email.kind == "interest_received")
        .group_by(Email.to_email)
    ).all()
    assert dict(sent) == dict.fromkeys(accepted, 1)
