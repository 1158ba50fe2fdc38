"""The /join interest form (SPEC §6, §8)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.hub import Hub
from tests import factories
from tests.integration.helpers import row_counts
from tests.web.conftest import csrf


def form(client: TestClient, **overrides: str) -> dict[str, str]:
    data = factories.interest_form()
    data.update(town="Quincy", towns="Braintree", consent_to_contact="yes")
    data.update(overrides)
    return {"csrf_token": csrf(client), **{k: str(v) for k, v in data.items()}}


def test_joining_shows_what_happens_next_and_creates_one_hub(
    client: TestClient, session: Session
) -> None:
    data = form(client, group_name="South Shore M4A")
    response = client.post("/join", data=data)
    assert [r.status_code for r in response.history] == [303]  # a reload sends nothing
    assert response.status_code == 200 and response.url.path.startswith("/join/thanks/")
    assert "Thank you! We have your interest form." in response.text
    assert client.get(response.url).status_code == 200  # the reload
    assert "What happens next" in response.text and "within 5 days" in response.text
    client.post("/join", data=data)  # a double click
    counts = row_counts(session)
    assert (counts["hubs"], counts["contacts"], counts["submissions"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("group_name", "x", "use at least 2 characters"),
        ("kind", "party", "choose one of the options"),
        ("town", "Quincey", "no city or town called “quincey”. did you mean quincy?"),
        ("ward", "7", "quincy has no ward 7 (its wards are 1 to 6)"),
        ("precinct", "99", "quincy has no precinct 99"),
        ("district", "99th Nowhere", "quincy is not in 99th nowhere: choose one of"),
        ("contact_name", "", "enter your name"),
        ("email", "bo.example.org", "valid email address"),
        ("phone", "12", "10 to 15 digits"),
        ("consent_to_contact", "", "agree to be contacted"),
        ("first_action_idea", "x" * 2001, "at most 2000 characters"),
    ],
)
def test_each_invalid_field_gets_its_message_and_nothing_is_stored(
    client: TestClient, session: Session, field: str, value: str, message: str
) -> None:
    before = row_counts(session)
    data = form(client, **{"group_name": "Kept Name Hub", field: value})
    response = client.post("/join", data=data)
    assert response.status_code == 422
    assert f'id="{field}-error">' in response.text
    error = response.text.split(f'id="{field}-error">')[1].split("</p>")[0]
    error = error.replace("&#39;", "'")
    assert message in error.lower() and error[:1].isupper()
    assert 'aria-invalid="true"' in response.text
    assert 'value="Kept Name Hub"' in response.text or field == "group_name"
    assert row_counts(session) == before


def test_a_town_wholly_in_one_district_is_all_it_takes(
    client: TestClient, session: Session
) -> None:
    data = form(client, town="abington", towns="", district="")
    response = client.post("/join", data=data)
    assert response.status_code == 200, response.text
    hub = session.scalars(select(Hub)).one()
    assert hub.district.name == "7th Plymouth" and hub.towns == ["Abington"]


def test_a_split_city_asks_to_choose_among_its_districts_or_for_ward_and_precinct(
    client: TestClient, session: Session
) -> None:
    response = client.post("/join", data=form(client, town="Boston", towns="", district=""))
    # Choosing the district is the form's next step, not a problem with it.
    assert response.status_code == 200
    assert '<p class="error"' not in response.text and 'class="error-summary"' not in response.text
    assert "There is a problem" not in response.text and 'aria-invalid="true"' not in response.text
    step = response.text.split('<div class="note" id="step"')[1].split("</div>")[0]
    assert "One more step" in step and 'href="#district"' in step
    assert "Boston is split among 16 State Rep districts: choose yours" in step
    assert "ward and precinct" in step
    districts = response.text.split('<select name="district"')[1].split("</select>")[0]
    assert districts.count("<option value=") == 17  # Boston's 16, after "choose"
    assert '<option value="13th Suffolk">' in districts and "1st Norfolk" not in districts
    assert '<details id="place" open>' in response.text  # ward and precinct, shown
    assert row_counts(session)["hubs"] == 0  # nothing stored until the district is known
    # From a voter card: ward 16, precinct 1 is in the 13th Suffolk.
    card = form(client, town="Boston", ward="16", precinct="1", towns="", district="")
    assert client.post("/join", data=card).status_code == 200
    # Or choosing among Boston's districts.
    chosen = form(client, group_name="Eastie M4A", town="Boston", towns="", district="1st Suffolk")
    assert client.post("/join", data=chosen).status_code == 200
    assert sorted(h.district.name for h in session.scalars(select(Hub))) == [
        "13th Suffolk",
        "1st Suffolk",
    ]


def test_a_form_without_a_town_asks_for_it_and_reports_the_rest_at_once(
    client: TestClient, session: Session
) -> None:
    before = row_counts(session)
    response = client.post("/join", data=form(client, town="", towns="", email="nope"))
    assert response.status_code == 422
    assert '<a href="#town">Enter your town or city.</a>' in response.text
    assert 'id="email-error">' in response.text and 'id="towns-error">' not in response.text
    assert row_counts(session) == before


def test_the_error_summary_follows_the_form_and_asks_for_what_is_empty(
    client: TestClient, session: Session
) -> None:
    data = form(client, group_name="", town="", towns="", email="", phone="", consent_to_contact="")
    response = client.post("/join", data=data)
    assert response.status_code == 422
    summary = response.text.split('class="error-summary"')[1].split("</ul>")[0]
    links = re.findall(r'<a href="#([^"]+)">([^<]*)</a>', summary)
    assert [name for name, _ in links] == [
        "group_name",
        "town",  # the third field, third in the summary
        "email",
        "phone",
        "consent_to_contact",
    ]
    said = dict(links)
    assert said["email"] == "Enter your email address."
    assert said["phone"] == "Enter your phone number."
    assert "valid" not in said["email"] + said["phone"]


def test_a_post_without_a_valid_csrf_token_is_refused(client: TestClient, session: Session) -> None:
    before = row_counts(session)
    data = form(client)
    for token in ("", "forged"):
        response = client.post("/join", data={**data, "csrf_token": token})
        assert response.status_code == 403 and "This form has expired" in response.text
    client.cookies.clear()
    assert client.post("/join", data=data).status_code == 403  # token of another browser
    assert row_counts(session) == before


@pytest.mark.usefixtures("steady_clock")
def test_the_form_is_rate_limited(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from plumbing.settings import get_settings

    monkeypatch.setenv("HUBFLOW_JOIN_RATE_LIMIT", "3/minute")
    get_settings.cache_clear()
    codes = [client.post("/join", data=form(client)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_the_form_lists_the_towns_and_160_districts_and_keeps_values_on_error(
    client: TestClient,
) -> None:
    page = client.get("/join").text
    towns = page.split('<datalist id="town-list">')[1].split("</datalist>")[0]
    assert towns.count("<option value=") == 351 and '<option value="Abington">' in towns
    districts = page.split('<select name="district"')[1].split("</select>")[0]
    assert districts.count("<option value=") == 161  # "found from your town", then 160
    assert '<option value="10th Bristol">' in districts
    response = client.post("/join", data=form(client, email="nope", towns="Quincy, Milton"))
    assert 'value="Quincy, Milton"' in response.text


def test_posts_at_once_each_get_their_own_answer(client: TestClient, session: Session) -> None:
    """Posts that arrive together share a transaction (group commit); each still gets its
    own page, a double click still makes one Hub, and a bad form fails alone."""
    from concurrent.futures import ThreadPoolExecutor

    posts = [form(client, group_name=f"Together Hub {i}") for i in range(12)]
    posts += [posts[0], posts[1], form(client, group_name="Bad Hub", district="99th Nowhere")]
    with ThreadPoolExecutor(len(posts)) as pool:
        responses = list(pool.map(lambda data: client.post("/join", data=data), posts))

    for data, response in zip(posts[:-1], responses[:-1], strict=True):
        assert response.status_code == 200, response.text
        assert f"<strong>{data['group_name']}</strong>" in response.text
    assert responses[-1].status_code == 422
    assert "Quincy is not in 99th Nowhere" in responses[-1].text
    counts = row_counts(session)
    assert (counts["hubs"], counts["contacts"], counts["submissions"]) == (12, 12, 12)
    assert (counts["stage_changes"], counts["domain_events"]) == (12, 24)


def test_a_failed_batch_is_retried_form_by_form_only_when_the_database_is_there() -> None:
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError

    from plumbing.db import unavailable

    assert unavailable(OperationalError("INSERT", {}, Exception("database is locked")))
    assert unavailable(TimeoutError("no SQLite write lock within 30 s"))
    assert not unavailable(DataError("INSERT", {}, Exception("value too long")))
    assert not unavailable(IntegrityError("INSERT", {}, Exception("duplicate key")))


def test_a_database_out_of_reach_answers_503_keeping_what_was_typed(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from hubflow.web.routes import public

    async def down(form: dict[str, object]) -> object:
        raise OperationalError("INSERT", {}, Exception("connection refused"))

    monkeypatch.setattr(public.interests, "run", down)
    before = row_counts(session)
    response = client.post("/join", data=form(client, group_name="Kept While Down"))
    assert response.status_code == 503 and response.headers["retry-after"] == "60"
    assert "Please try again in a minute" in response.text
    assert 'value="Kept While Down"' in response.text and "bo" in response.text
    assert row_counts(session) == before


def test_any_page_with_the_database_locked_says_so_with_a_503(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hubflow.web.routes import places

    def locked(*args: object, **kwargs: object) -> object:
        raise TimeoutError("no SQLite write lock within 30 s")

    monkeypatch.setattr(places, "directory", locked)
    response = client.get("/hubs")
    assert response.status_code == 503 and response.headers["retry-after"] == "60"
    assert "We could not reach our database just now." in response.text


def test_a_repeat_of_a_known_groups_form_shows_nothing_stored(
    client: TestClient, session: Session
) -> None:
    known = {"group_name": "Known Hub", "email": "known@example.org"}
    first = client.post("/join", data=form(client, **known, phone="617-555-0111"))
    assert "Your Hub's own page is" in first.text and "617-555-0111" in first.text
    # someone who knows the group's name and email learns nothing more by posting them
    again = client.post("/join", data=form(client, **known, phone="617-555-0999"))
    assert "We already have this form." in again.text
    assert "617-555-0111" not in again.text
    assert not re.search(r"/hub/(?!link)", again.text)  # no private link to the Hub's page
    assert row_counts(session)["hubs"] == 1
