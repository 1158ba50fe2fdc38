"""A TestClient on the app, against the test database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session, sessionmaker

from hubflow.web import security
from hubflow.web.app import create_app
from models.base import utcnow
from models.staff import StaffMember
from plumbing.db import get_engine, reset_engines, session_factory
from plumbing.passwords import hash_password
from plumbing.settings import get_settings
from tests import factories
from tests.integration.test_cli import hubflow

PASSWORD = "correct horse battery"


def react() -> None:
    """Process the events waiting, as the relay would a moment later."""
    from tasks.events import process_waiting

    process_waiting(session_factory(), settings=get_settings(), now=utcnow())


def reset_rate_limits() -> None:
    """Every client's tries forgotten (the limits live in this process's memory)."""
    security._storage.reset()


@pytest.fixture
def client(sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    reset_rate_limits()
    with TestClient(create_app(), base_url="http://hubflow.test") as client:
        yield client


def csrf(client: TestClient, path: str = "/join") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def tampered(token: str) -> str:
    """The token with one character of its signature changed. A middle character carries
    six whole bits (the last one carries padding), so the change always breaks it."""
    i = len(token) - 10
    return token[:i] + ("B" if token[i] == "A" else "A") + token[i + 1 :]


@pytest.fixture
def steady_clock() -> Iterator[None]:
    """Time stands still mid-minute: a rate limit's window cannot roll over mid-test."""
    with time_machine.travel(datetime.now(UTC).replace(second=20), tick=False):
        yield


@pytest.fixture
def staff_member(session: Session) -> StaffMember:
    member = factories.staff(session, name="Ann Lee", email="ann@masscare.org")
    from models.services.staff import set_password_hash

    return set_password_hash(session, member.email, hash_password(PASSWORD))


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> Response:
    """Post the login form as a browser would; the response is not followed."""
    return client.post(
        "/staff/login",
        data={
            "csrf_token": csrf(client, "/staff/login"),
            "email": email,
            "password": password,
            "next": "/staff",
        },
        follow_redirects=False,
    )


@pytest.fixture
def staff_client(client: TestClient, staff_member: StaffMember) -> TestClient:
    response = log_in(client, staff_member.email)
    assert response.status_code == 303, response.text
    return client


VERMONT = Path(__file__).resolve().parents[1] / "fixtures" / "vermont"


@pytest.fixture
def vermont(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    """A Vermont campaign on a new database: `init --state VT`, then its people imported."""
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'vt.db'}")
    monkeypatch.setenv("HUBFLOW_CAMPAIGN_FILE", str(VERMONT / "campaign.toml"))
    monkeypatch.setenv("HUBFLOW_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    reset_engines()
    code, out = hubflow("init", "--state", "VT")
    assert code == 0, out
    code, out = hubflow("districts", "import", str(VERMONT / "data" / "vt"))
    assert code == 0, out
    yield sessionmaker(get_engine(), expire_on_commit=False)
    get_engine().dispose()
