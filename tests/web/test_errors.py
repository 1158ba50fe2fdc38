"""Bad URLs get a page that says what was wrong, never a server error."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/staff/hubs?status=bogus", 400, "status: &#39;bogus&#39; is not one of active"),
        ("/staff/queue?stage=<script>", 400, "stage: &#39;&lt;script&gt;&#39; is not one of"),
        ("/staff/legislators?chamber=x", 400, "chamber:"),
        ("/staff/hubs/99999", 404, "There is no Hub 99999."),
        ("/staff/hubs/abc", 404, "There is no Hub “abc”."),
        ("/staff/reviews/x", 404, "There is no review task “x”."),
        ("/staff/hubs/9223372036854775808", 404, "There is no Hub “9223372036854775808”."),
        ("/staff/hubs/%C2%B2", 404, "There is no Hub “²”."),
    ],
)
def test_a_bad_staff_url_gets_a_page_naming_what_was_wrong(
    staff_client: TestClient, url: str, status: int, says: str
) -> None:
    response = staff_client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert says in response.text


def test_an_unparseable_id_in_an_action_url_is_not_found(staff_client: TestClient) -> None:
    response = staff_client.post("/staff/hubs/abc/pause", data={})
    assert response.status_code == 404 and "There is no Hub “abc”." in response.text


def test_without_a_session_bad_urls_still_ask_for_a_login_first(client: TestClient) -> None:
    response = client.get("/staff/hubs?status=bogus", follow_redirects=False)
    assert response.status_code == 303 and "/staff/login" in response.headers["location"]
