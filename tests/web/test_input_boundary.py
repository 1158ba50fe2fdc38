"""No input gives a server error: control characters, bytes that are not text, digits that
are not ASCII and numbers no column holds, in every form field, query parameter and path id
of every route (SPEC §8). Each answer names the field; nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.enums import Stage
from models.hub import Hub
from models.review import ReviewTask
from models.staff import StaffMember
from plumbing.db import session_factory
from plumbing.settings import get_settings
from plumbing.tokens import hub_token, unsubscribe_token
from tasks.events import process_waiting
from tests import factories
from tests.integration.helpers import row_counts
from tests.web.conftest import csrf

# Already percent-encoded, as a browser (or an attacker) would send them.
UNREADABLE = {"NUL": "a%00b", "bell": "a%07b", "lone surrogate": "a%ED%A0%80b"}
NUMBERS = {
    "superscript two": "%C2%B2",
    "2**31": str(2**31),
    "2**63": str(2**63),
    "10**20": str(10**20),
}
EVERYTHING = {**UNREADABLE, **NUMBERS}


def encoded(fields: dict[str, str], **raw: str) -> str:
    """A urlencoded body: `fields` quoted, `raw` values sent as they are."""
    parts = [f"{quote(k)}={quote(v)}" for k, v in fields.items() if k not in raw]
    return "&".join(parts + [f"{quote(k)}={v}" for k, v in raw.items()])


def post(client: TestClient, url: str, body: str) -> Response:
    return client.post(
        url, content=body, headers={"content-type": "application/x-www-form-urlencoded"}
    )


def refused(response: Response, field: str) -> bool:
    """The answer names `field`: an error beside it, a link to it from the error summary
    (a hidden field), or its name in the message."""
    text = response.text
    marks = (f'id="{field}-error"', f'<a href="#{field}">', f"{field}:")
    return any(mark in text for mark in marks) or f"{field}:" in text.lower()


@pytest.fixture(autouse=True)
def no_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of posts from one address: here they are the point."""
    monkeypatch.setenv("HUBFLOW_JOIN_RATE_LIMIT", "100000/minute")
    monkeypatch.setenv("HUBFLOW_LOGIN_RATE_LIMIT", "100000/minute")
    get_settings.cache_clear()


@pytest.fixture
def hubs_by_stage(session: Session, staff_member: StaffMember) -> dict[Stage, Hub]:
    return {
        stage: factories.hub_in(session, stage, reviewer=staff_member)
        for stage in (Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN)
    }


def hub_forms(hubs: dict[Stage, Hub]) -> list[tuple[str, dict[str, str], set[str]]]:
    """(url, a valid form, its numeric fields) for each Hub-page form."""
    today = utcnow().date()
    target = {f"targets-0-{k}": str(v) for k, v in factories.plan_target(today).items()}
    target |= {"targets-1-role": "state_senator", "targets-1-legislator_id": ""}
    target |= {"targets-2-role": "member_of_congress", "targets-2-legislator": ""}
    forms = {
        Stage.FIRST_ACTION: (
            {k: str(v) for k, v in factories.first_action(today).items()},
            {"participants"},
        ),
        Stage.ONBOARDING: (
            {
                "contacts-0-name": "Cy Park",
                "contacts-0-email": "cy@example.org",
                "contacts-0-phone": "617 555 0199",
                "process": "monthly_meeting",
                "schedule": "First Tuesday, 7pm",
                "description": "",
            },
            set(),
        ),
        Stage.STRATEGIC_PLAN: (target, {"targets-1-legislator_id"}),
    }
    return [
        (f"/hub/{hub_token(hub.id, hub.token_version)}/submit", *forms[stage])
        for stage, hub in hubs.items()
    ]


def each_bad_field(
    client: TestClient,
    session: Session,
    url: str,
    form: dict[str, str],
    numeric: set[str],
    *,
    fresh_csrf: Callable[[], str],
) -> None:
    for field in form:
        values = EVERYTHING if field in numeric else UNREADABLE
        for what, bad in values.items():
            before = row_counts(session)
            body = encoded({"csrf_token": fresh_csrf(), **form}, **{field: bad})
            response = post(client, url, body)
            assert response.status_code < 500, (url, field, what)
            assert refused(response, field), (url, field, what, response.text[-600:])
            assert row_counts(session) == before, (url, field, what)


def test_the_public_forms_refuse_unreadable_input_naming_the_field(
    client: TestClient, session: Session, hubs_by_stage: dict[Stage, Hub]
) -> None:
    join = {k: str(v) for k, v in factories.interest_form().items()}
    join |= {"towns": "Quincy", "consent_to_contact": "yes"}
    each_bad_field(client, session, "/join", join, set(), fresh_csrf=lambda: csrf(client))
    each_bad_field(
        client,
        session,
        "/hub/link",
        {"email": "bo@example.org"},
        set(),
        fresh_csrf=lambda: csrf(client),
    )
    for url, form, numeric in hub_forms(hubs_by_stage):
        page = url.removesuffix("/submit")
        each_bad_field(
            client, session, url, form, numeric, fresh_csrf=lambda p=page: csrf(client, p)
        )


def test_the_staff_forms_refuse_unreadable_input_naming_the_field(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    sub = factories.pending(
        session, factories.hub_in(session, Stage.INTEREST, reviewer=staff_member)
    )
    legislator = factories.house_rep(session)

    def token() -> str:
        return csrf(staff_client, "/staff")

    cases: list[tuple[str, dict[str, str], set[str]]] = [
        (
            f"/staff/submissions/{sub.id}/decide",
            {"decision": "request_changes", "comment": "ok"},
            set(),
        ),
        (f"/staff/hubs/{hub.id}/pause", {"reason": "summer"}, set()),
        (
            f"/staff/legislators/{legislator.id}/stance",
            {"stance": "cosponsor", "reason": "x"},
            set(),
        ),
    ]
    for url, form, _numeric in cases:
        for field in form:
            for what, bad in UNREADABLE.items():
                before = row_counts(session)
                response = post(
                    staff_client, url, encoded({"csrf_token": token(), **form}, **{field: bad})
                )
                assert response.status_code < 500, (url, field, what)
                assert f"{field}:" in response.text.lower(), (url, field, what)
                assert row_counts(session) == before, (url, field, what)
    process_waiting(session_factory(), settings=get_settings(), now=utcnow())
    session.commit()
    task = session.scalars(select(ReviewTask)).first()
    assert task is not None
    for what, bad in EVERYTHING.items():
        before = row_counts(session)
        response = post(
            staff_client,
            f"/staff/tasks/{task.id}/reassign",
            encoded({"csrf_token": token()}, staff_id=bad),
        )
        assert response.status_code < 500 and "Choose who should take the task." in response.text
        assert row_counts(session) == before, what


def test_the_login_refuses_unreadable_input_naming_the_field(
    client: TestClient, session: Session
) -> None:
    form = {"email": "ann@masscare.org", "password": "x", "next": "/staff"}
    for field in form:
        for what, bad in UNREADABLE.items():
            body = encoded({"csrf_token": csrf(client, "/staff/login"), **form}, **{field: bad})
            response = post(client, "/staff/login", body)
            assert response.status_code == 400 and f"{field}:" in response.text, (field, what)


QUERIES = {
    "/hubs": ("town", "district"),
    "/hubs.json": ("town", "district"),
    "/coverage": ("anything",),
    "/staff/login": ("next",),
    "/staff/queue": ("who", "stage", "q", "sort"),
    "/staff/hubs": ("stage", "status", "q", "sort", "page"),
    "/staff/legislators": ("chamber", "stance", "hcf", "q", "page"),
}


@pytest.mark.parametrize("path", list(QUERIES))
def test_every_query_parameter_refuses_unreadable_input_naming_it(
    staff_client: TestClient, path: str
) -> None:
    for name in QUERIES[path]:
        values = EVERYTHING if name == "page" else UNREADABLE
        for what, bad in values.items():
            response = staff_client.get(f"{path}?{name}={bad}")
            assert response.status_code == 400, (path, name, what, response.status_code)
            assert f"{name}:" in response.text, (path, name, what)


PATH_IDS = [
    ("GET", "/staff/hubs/{}"),
    ("GET", "/staff/hubs/{}/as-hub"),
    ("GET", "/staff/reviews/{}"),
    ("POST", "/staff/submissions/{}/decide"),
    ("POST", "/staff/hubs/{}/pause"),
    ("POST", "/staff/hubs/{}/revoke-links"),
    ("POST", "/staff/tasks/{}/reassign"),
    ("POST", "/staff/legislators/{}/stance"),
]


@pytest.mark.parametrize(("method", "path"), PATH_IDS)
def test_every_path_id_refuses_what_no_row_can_have(
    staff_client: TestClient, session: Session, method: str, path: str
) -> None:
    before = row_counts(session)
    for what, bad in EVERYTHING.items():
        url = path.format(bad)
        data: dict[str, Any] = {"csrf_token": csrf(staff_client, "/staff")}
        response = staff_client.get(url) if method == "GET" else staff_client.post(url, data=data)
        assert response.status_code == 404, (url, what, response.status_code)
        assert "There is no " in response.text, (url, what)
    assert row_counts(session) == before


@pytest.mark.parametrize("path", ["/hub/{}", "/join/thanks/{}", "/unsubscribe/{}"])
def test_every_signed_link_refuses_garbage(client: TestClient, path: str) -> None:
    for what, bad in EVERYTHING.items():
        response = client.get(path.format(bad))
        assert response.status_code in (404, 410), (path, what, response.status_code)
    fine = client.get(path.format(unsubscribe_token("bo@example.org")))
    assert fine.status_code < 500
