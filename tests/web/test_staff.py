"""The GO! Team console: logged-in only, decisions, Hub actions (SPEC §6, §8)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.email import Email
from models.enums import Stage, Status, SubmissionState
from models.hub import Hub, Submission
from models.legislature import Legislator, StanceChange
from models.review import ReviewTask
from models.services import hubs
from models.staff import StaffMember
from plumbing.db import session_factory
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tests import factories
from tests.integration.helpers import row_counts
from tests.web.conftest import csrf, log_in

PAGES = [
    "/staff",
    "/staff/queue",
    "/staff/queue?who=mine",
    "/staff/hubs",
    "/staff/hubs/1",
    "/staff/hubs/1/as-hub",
    "/staff/reviews/1",
    "/staff/legislators",
]
ACTIONS = [
    "/staff/submissions/1/decide",
    "/staff/hubs/1/pause",
    "/staff/hubs/1/resume",
    "/staff/hubs/1/withdraw",
    "/staff/hubs/1/move-back",
    "/staff/tasks/1/reassign",
]


@pytest.mark.parametrize("path", PAGES)
def test_staff_pages_redirect_to_login_without_a_session(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/staff/login?next=")


@pytest.mark.parametrize("path", ACTIONS)
def test_staff_actions_answer_401_without_a_session(
    client: TestClient, session: Session, path: str
) -> None:
    before = row_counts(session)
    response = client.post(path, data={"csrf_token": csrf(client), "decision": "approve"})
    assert response.status_code == 401
    assert row_counts(session) == before


def test_a_forged_session_cookie_is_not_a_login(client: TestClient) -> None:
    client.cookies.set("hubflow_staff", "eyJzdGFmZiI6MX0.forged.signature")
    assert client.get("/staff", follow_redirects=False).status_code == 303


def test_a_wrong_password_is_refused(client: TestClient, staff_member: StaffMember) -> None:
    response = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf(client, "/staff/login"),
            "email": staff_member.email,
            "password": "wrong password",
            "next": "/staff",
        },
    )
    assert response.status_code == 401 and "do not match" in response.text


@pytest.mark.usefixtures("steady_clock")
def test_login_is_rate_limited(client: TestClient, staff_member: StaffMember) -> None:
    token = csrf(client, "/staff/login")
    codes = [
        client.post(
            "/staff/login",
            data={"csrf_token": token, "email": "x@y.org", "password": "nope", "next": "/staff"},
        ).status_code
        for _ in range(12)
    ]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]


def test_the_session_cookie_is_http_only(client: TestClient, staff_member: StaffMember) -> None:
    cookie = log_in(client, staff_member.email).headers["set-cookie"]
    assert "hubflow_staff=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_staff_approve_from_the_queue_and_a_second_decision_is_told_it_was_decided(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = hubs.submit_interest(session, factories.interest_form(group_name="Queue Hub"))
    page = staff_client.get("/staff/queue").text
    assert "Queue Hub</a>: interest form" in page and "Agreed to be contacted" in page
    sub = factories.pending(session, hub)
    token = csrf(staff_client, "/staff/queue")
    response = staff_client.post(
        f"/staff/submissions/{sub.id}/decide",
        data={"csrf_token": token, "decision": "approve", "next": "/staff/queue"},
    )
    assert "Queue Hub: interest approved." in response.text
    assert "Nothing is waiting." in response.text
    again = staff_client.post(
        f"/staff/submissions/{sub.id}/decide",
        data={"csrf_token": token, "decision": "decline", "comment": "no"},
    )
    assert "Ann Lee already approved this submission at " in again.text
    assert "nothing was changed." in again.text
    session.expire_all()
    assert session.get(Hub, hub.id).stage is Stage.FIRST_ACTION  # type: ignore[union-attr]


def test_deciding_the_last_of_a_filtered_queue_offers_the_rest_one_click_away(
    staff_client: TestClient, session: Session
) -> None:
    first = hubs.submit_interest(session, factories.interest_form(group_name="Filtered Hub"))
    hubs.submit_interest(session, factories.interest_form(group_name="Other Hub"))
    sub = factories.pending(session, first)
    here = "/staff/queue?q=Filtered"
    response = staff_client.post(
        f"/staff/submissions/{sub.id}/decide",
        data={"csrf_token": csrf(staff_client, here), "decision": "approve", "next": here},
    )
    assert "Nothing is waiting that matches these filters." in response.text
    assert '<a href="/staff/queue">Show all 1 submission waiting</a>' in response.text
    assert '<a href="/staff/queue" class="clear">Clear the filters</a>' in response.text
    shown = staff_client.get("/staff/queue").text
    assert "Other Hub</a>: interest form" in shown and "Clear the filters" not in shown


def test_request_changes_without_a_comment_is_refused(
    staff_client: TestClient, session: Session
) -> None:
    hub = hubs.submit_interest(session, factories.interest_form())
    sub = factories.pending(session, hub)
    response = staff_client.post(
        f"/staff/submissions/{sub.id}/decide",
        data={"csrf_token": csrf(staff_client, "/staff"), "decision": "request_changes"},
    )
    assert "Comment: tell the Hub what to change or why it was declined." in response.text
    assert session.get(Submission, sub.id).state is SubmissionState.PENDING  # type: ignore[union-attr]


def test_a_staff_post_without_csrf_is_refused(staff_client: TestClient, session: Session) -> None:
    hub = hubs.submit_interest(session, factories.interest_form())
    sub = factories.pending(session, hub)
    response = staff_client.post(
        f"/staff/submissions/{sub.id}/decide", data={"decision": "approve"}
    )
    assert response.status_code == 403
    assert session.get(Submission, sub.id).state is SubmissionState.PENDING  # type: ignore[union-attr]


def test_pause_resume_withdraw_from_the_hub_page_with_its_timeline(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=staff_member)
    token = csrf(staff_client, f"/staff/hubs/{hub.id}")
    page = staff_client.post(
        f"/staff/hubs/{hub.id}/pause", data={"csrf_token": token, "reason": "summer"}
    ).text
    assert "is paused; its clock has stopped." in page
    page = staff_client.post(
        f"/staff/hubs/{hub.id}/move-back", data={"csrf_token": token, "reason": ""}
    ).text
    assert "Reason: say why" in page
    page = staff_client.post(
        f"/staff/hubs/{hub.id}/withdraw", data={"csrf_token": token, "reason": "merged"}
    ).text
    assert "is recorded as withdrawn." in page
    # the timeline says each change in words, with who made it and why
    assert "Ann Lee paused the Hub.\n<q>summer</q>" in page
    assert "Ann Lee recorded that the Hub withdrew.\n<q>merged</q>" in page
    session.expire_all()
    assert session.get(Hub, hub.id).status is Status.WITHDRAWN  # type: ignore[union-attr]


def test_reassigning_a_task_emails_the_new_owner(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:

    bea = factories.staff(session, name="Bea", email="bea@masscare.org")
    hubs.submit_interest(session, factories.interest_form())

    def react() -> None:
        process_waiting(session_factory(), settings=get_settings(), now=utcnow())
        session.commit()  # end this session's read, to see what the reactions wrote

    react()
    task = session.scalars(select(ReviewTask)).one()
    response = staff_client.post(
        f"/staff/tasks/{task.id}/reassign",
        data={"csrf_token": csrf(staff_client, "/staff"), "staff_id": str(bea.id)},
    )
    assert "Task given to Bea." in response.text
    react()
    kinds = session.execute(select(Email.kind, Email.to_email)).all()
    assert ("review_assigned", "bea@masscare.org") in [(k.value, t) for k, t in kinds]
    session.expire_all()
    assert session.get(ReviewTask, task.id).owner_id == bea.id  # type: ignore[union-attr]


def test_staff_set_a_stance_on_the_legislators_page_with_its_history(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    page = staff_client.get("/staff/legislators?hcf=1").text
    assert page.count('action="/staff/legislators/') == 20 and "chair" in page
    lawn = session.scalars(select(Legislator).where(Legislator.name == "John Lawn")).one()
    response = staff_client.post(
        f"/staff/legislators/{lawn.id}/stance",
        data={
            "csrf_token": csrf(staff_client, "/staff/legislators"),
            "stance": "cosponsor",
            "reason": "co-sponsored H.1239",
        },
    )
    assert "John Lawn: co-sponsor." in response.text
    session.commit()  # a fresh read
    [change] = session.scalars(select(StanceChange)).all()
    assert (change.to_stance.value, change.reason, change.actor) == (
        "cosponsor",
        "co-sponsored H.1239",
        f"staff:{staff_member.email}",
    )
    bad = staff_client.post(
        f"/staff/legislators/{lawn.id}/stance",
        data={"csrf_token": csrf(staff_client, "/staff/legislators"), "stance": "lukewarm"},
    )
    assert "stance: &#39;lukewarm&#39; is not one of" in bad.text
    assert (
        staff_client.post(
            f"/staff/legislators/{lawn.id}/stance", data={"stance": "champion"}
        ).status_code
        == 403
    )


def test_the_hubs_list_comes_a_page_at_a_time_keeping_its_filters(
    staff_client: TestClient, session: Session
) -> None:
    forms = [factories.interest_form(group_name=f"Paged Hub {i:03}") for i in range(120)]
    hubs.record_interests(session, forms)
    queue = staff_client.get("/staff/queue?stage=interest").text
    assert "120 submissions waiting" in queue and "The first 25 of 120" in queue
    assert "Paged Hub 000</a>: interest form" in queue  # the oldest, in view
    assert "Paged Hub 024" in queue and "Paged Hub 025" not in queue
    first = staff_client.get("/staff/hubs?stage=interest")
    listed = first.text
    assert "120 Hubs match" in listed
    assert "Hubs 1 to 50 of 120" in listed and "Page 1 of 3" in listed
    assert "Paged Hub 049" in listed and "Paged Hub 050" not in listed
    assert 'href="/staff/hubs?stage=interest&amp;page=2" rel="next"' in listed
    assert 'rel="prev"' not in listed
    last = staff_client.get("/staff/hubs?stage=interest&page=3")
    assert "Hubs 101 to 120 of 120" in last.text and "Paged Hub 119" in last.text
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text
    assert "Hubs 101 to 120 of 120" in staff_client.get("/staff/hubs?page=99").text  # the last
    none = staff_client.get("/staff/hubs?stage=listed")
    assert "No Hubs match these filters." in none.text and "Page 1" not in none.text
    bad = staff_client.get("/staff/hubs?page=two")
    assert bad.status_code == 400 and "page:" in bad.text


def test_the_hubs_list_searches_by_name_town_and_district_and_sorts(
    staff_client: TestClient, session: Session
) -> None:
    hubs.record_interests(
        session,
        [
            factories.interest_form(group_name="Zeta Group", towns=["Salem"], district="7th Essex"),
            factories.interest_form(group_name="Alpha Group", towns=["Quincy"]),
            factories.interest_form(group_name="Mid Group", towns=["Lynn"], district="9th Essex"),
        ],
    )

    def names(url: str) -> list[str]:
        text = staff_client.get(url).text
        return [n for n in ("Zeta Group", "Alpha Group", "Mid Group") if n in text]

    assert names("/staff/hubs?q=salem") == ["Zeta Group"]
    assert names("/staff/hubs?q=ESSEX") == ["Zeta Group", "Mid Group"]
    assert names("/staff/hubs?q=alpha") == ["Alpha Group"]
    text = staff_client.get("/staff/hubs?sort=name").text
    assert text.index("Alpha Group") < text.index("Mid Group") < text.index("Zeta Group")
    text = staff_client.get("/staff/hubs?sort=newest").text
    assert text.index("Mid Group") < text.index("Alpha Group") < text.index("Zeta Group")
    assert names("/staff/queue?q=lynn") == ["Mid Group"]
    bad = staff_client.get("/staff/hubs?sort=sideways")
    assert bad.status_code == 400 and "sort: choose one of" in bad.text
