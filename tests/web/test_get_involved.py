"""Get involved (#31) through the web: a Boston newcomer with ward and precinct reaches the
right district's Hub; the Hub's contact marks them reached from the email's link, and only
their own; every unreadable or oversized field is refused by name and nothing is stored."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.email import Email, MessageKind
from models.enums import Stage
from models.legislature import District
from models.newcomer import Newcomer, NewcomerState
from models.staff import StaffMember
from plumbing.geography import geography
from plumbing.settings import get_settings
from tests import factories
from tests.integration.helpers import row_counts
from tests.web.conftest import csrf, react, tampered
from tests.web.test_input_boundary import UNREADABLE, encoded, post, refused
from tests.web.visible import visible_text


@pytest.fixture(autouse=True)
def no_rate_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBFLOW_JOIN_RATE_LIMIT", "100000/minute")
    get_settings.cache_clear()


def form(**overrides: str) -> dict[str, str]:
    return {
        "name": "Pat Doe",
        "email": "pat@example.org",
        "phone": "",
        "town": "Quincy",
        "interests": "phonebank",
        "consent": "yes",
        **overrides,
    }


def sign_up(client: TestClient, **overrides: str) -> object:
    token = csrf(client, "/get-involved")
    return client.post("/get-involved", data={"csrf_token": token, **form(**overrides)})


def test_a_boston_newcomer_with_ward_and_precinct_reaches_their_districts_hub(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    precincts = geography().lookup("Boston").precincts
    first, other = precincts[0], next(p for p in precincts if p.house != precincts[0].house)
    hubs = {
        p.house: factories.hub_in(
            session, Stage.LISTED, reviewer=staff_member, district=p.house, towns=["Boston"],
            email=f"lead{i}@example.org", group_name=f"Boston Hub {i}",
        )
        for i, p in enumerate((first, other))
    }  # fmt: skip
    react()
    asked = sign_up(client, town="Boston")  # split: the district is the next step
    said = visible_text(asked.text)  # type: ignore[attr-defined]
    assert "One more step: choose your State Rep district" in said
    assert session.scalar(select(Newcomer.id)) is None
    done = sign_up(client, town="Boston", ward=other.ward, precinct=other.precinct)
    assert "Thank you" in done.text  # type: ignore[attr-defined]
    react()
    session.commit()
    found = session.scalars(select(Newcomer)).one()
    assert found.hub_id == hubs[other.house].id and found.state is NewcomerState.INTRODUCED
    assert session.get(District, found.district_id).name == other.house  # type: ignore[union-attr]


def test_the_hubs_contact_marks_a_newcomer_reached_from_the_emails_link(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    factories.hub_in(session, Stage.LISTED, reviewer=staff_member, email="bo@example.org")
    react()  # listed before anyone waited
    sign_up(client, phone="617-555-0199", district="1st Norfolk")
    react()
    session.commit()
    to_hub = session.scalars(select(Email).where(Email.kind == MessageKind.NEWCOMER_TO_HUB)).one()
    link = re.search(r"(/newcomer/[^\s\"<]+)", to_hub.text)
    assert link is not None
    url = link.group(1)
    page = visible_text(client.get(url).text)
    assert "Pat Doe wants to help" in page and "617-555-0199" in page and "Make phone calls" in page
    client.post(f"{url}/reached", data={"csrf_token": csrf(client, url)})
    session.commit()
    assert session.scalars(select(Newcomer)).one().state is NewcomerState.REACHED
    assert "Reached" in visible_text(client.get(url).text)
    # A link for another Hub, or tampered with, opens nothing.
    assert client.get(tampered(url)).status_code == 404


def test_every_unreadable_field_is_refused_by_name_and_nothing_is_stored(
    client: TestClient, session: Session
) -> None:
    fields = form()
    for field in ("name", "email", "phone", "town"):
        for what, bad in {**UNREADABLE, "CR LF": "a%0D%0Ab", "10 kB": "a" * 10_000}.items():
            before = row_counts(session)
            body = encoded({"csrf_token": csrf(client, "/get-involved"), **fields}, **{field: bad})
            response = post(client, "/get-involved", body)
            assert response.status_code < 500, (field, what)
            assert refused(response, field), (field, what, visible_text(response.text)[:500])
            assert row_counts(session) == before, (field, what)
    body = encoded({"csrf_token": csrf(client, "/get-involved"), **fields}, interests="a%00b")
    assert refused(post(client, "/get-involved", body), "interests")


def test_a_wrong_form_names_every_problem_at_once_and_keeps_what_was_typed(
    client: TestClient, session: Session
) -> None:
    response = sign_up(client, name="", email="nope", interests="", consent="", town="Atlantis")
    said = visible_text(response.text)  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    for label in (
        "Your name",
        "Your email",
        "Your town or city",
        "What you would like to do",
        "Sharing your details",
    ):
        assert label in said, (label, said[:800])
    assert 'value="nope"' in response.text  # type: ignore[attr-defined]
    assert session.scalar(select(Newcomer.id)) is None


def test_a_hubs_page_shows_only_its_own_newcomers(
    client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    from plumbing.tokens import hub_url

    quincy = factories.hub_in(
        session,
        Stage.LISTED,
        reviewer=staff_member,
        email="bo@example.org",
        group_name="Quincy M4A",
    )
    lenox = factories.hub_in(
        session,
        Stage.LISTED,
        reviewer=staff_member,
        email="al@example.org",
        group_name="Lenox M4A",
        district="3rd Berkshire",
        towns=["Lenox"],
    )
    react()
    sign_up(client, district="1st Norfolk")
    sign_up(client, name="Kim Lu", email="kim@example.org", town="Lenox")
    react()
    session.commit()
    mine = visible_text(client.get(hub_url(quincy.id, quincy.token_version)).text)
    theirs = visible_text(client.get(hub_url(lenox.id, lenox.token_version)).text)
    assert "Pat Doe" in mine and "pat@example.org" in mine and "Kim Lu" not in mine
    assert "Kim Lu" in theirs and "Pat Doe" not in theirs and "pat@example.org" not in theirs
