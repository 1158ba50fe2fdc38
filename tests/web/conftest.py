"""A TestClient on the app, against the test database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.orm import Session, sessionmaker

from hubflow.passwords import hash_password
from hubflow.web import security
from hubflow.web.app import create_app
from models.staff import StaffMember
from tests import factories

PASSWORD = "correct horse battery"


@pytest.fixture
def client(sessions: sessionmaker[Session]) -> Iterator[TestClient]:
    security.reset_rate_limits()
    with TestClient(create_app(), base_url="http://hubflow.test") as client:
        yield client


def csrf(client: TestClient, path: str = "/join") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


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
