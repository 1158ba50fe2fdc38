"""`hubflow status` and `/readyz`: the right line and exit 1 in each stuck state (Prefect
down, events not handed over, a flow run stuck, emails sending past their lease or due
and not sent, the database gone); exit 0 and 200 when all is well."""

from __future__ import annotations

import json
import re
import socket
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import DomainEvent
from models.base import utcnow
from models.email import Email, EmailState, MessageKind
from models.job_run import JobRun
from plumbing.db import reset_engines, session_factory
from plumbing.job_runs import recorded
from plumbing.settings import get_settings
from tests.integration.test_cli import hubflow


@pytest.fixture(autouse=True)
def no_prefect_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)


def event(session: Session, *, ago: timedelta, handed: bool = False) -> None:
    at = utcnow() - ago
    session.add(
        DomainEvent(
            type="hub.created",
            payload={},
            occurred_at=at,
            handed_over_at=at if handed else None,
            handed_to="run-1" if handed else None,
        )
    )
    session.commit()


def email(session: Session, state: EmailState, *, ago: timedelta) -> None:
    at = utcnow() - ago
    session.add(
        Email(
            key=f"status-test/{state}/{ago}",
            kind=MessageKind.HUB_LINK,
            to_email="bo@example.org",
            subject="Your link",
            html="<p>Hi</p>",
            text="Hi",
            state=state,
            created_at=at,
            claimed_at=at if state is EmailState.SENDING else None,
            claimed_by="gone-dispatcher" if state is EmailState.SENDING else None,
        )
    )
    session.commit()


def failed_sweep(session: Session) -> None:
    """A sweep that raised, recorded as the sweep flow and command record it."""
    with pytest.raises(RuntimeError), recorded(session_factory(), "sweep"):
        raise RuntimeError("the disk is full")


def job(session: Session, name: str, *, ago: timedelta) -> None:
    """A job that started `ago` and never said it ended (its process was killed)."""
    session.add(JobRun(name=name, started_at=utcnow() - ago, outcome="running", runs=1))
    session.commit()


def test_the_last_sweep_report_and_dispatch_are_said(session: Session) -> None:
    code, out = status()
    assert "ok    last sweep: has not run here yet" in out, out
    code, out = hubflow("sweep")
    assert code == 0, out
    code, out = hubflow("outbox", "dispatch")
    assert code == 0, out
    code, out = status()
    assert code == 0, out
    assert re.search(r"ok    last sweep: completed \d+ seconds? ago: 0 emails queued, 0 Hubs", out)
    assert re.search(r"ok    last dispatch: completed \d+ seconds? ago: nothing to send", out)
    said = {c["name"]: c for c in json.loads(status("--json")[1])["checks"]}
    assert said["last sweep"]["outcome"] == "completed" and said["last sweep"]["runs"] == 1


def status(*flags: str) -> tuple[int, str]:
    return hubflow("status", *flags)


def test_all_well_is_exit_0_with_a_line_for_each_check(session: Session) -> None:
    event(session, ago=timedelta(seconds=5))  # just happened: the relay has a moment
    email(session, EmailState.SENT, ago=timedelta(hours=2))
    code, out = status()
    assert code == 0, out
    assert "ok    database: answers" in out
    assert "ok    Prefect: no server configured" in out
    assert "ok    events: 1 waiting to be handed over, the oldest for 5 seconds" in out
    assert "ok    emails: 1 sent" in out and out.rstrip().endswith("All is well.")
    code, out = status("--json")
    said = json.loads(out)
    assert code == 0 and said["ok"] is True
    assert {c["name"] for c in said["checks"]} == {
        "database",
        "Prefect",
        "events",
        "flow runs",
        "emails",
        "review tasks",
        "last sweep",
        "last daily report",
        "last dispatch",
    }


@pytest.mark.parametrize(
    ("make", "line"),
    [
        (
            lambda s: event(s, ago=timedelta(minutes=10)),
            "STUCK events: 1 waiting to be handed over, the oldest for 10 minutes: is the "
            "relay running",
        ),
        (
            lambda s: event(s, ago=timedelta(hours=2), handed=True),
            "STUCK flow runs: 1 in 1 flow run, handed over 2 hours ago at the most: a run is stuck",
        ),
        (
            lambda s: email(s, EmailState.SENDING, ago=timedelta(minutes=30)),
            "1 claimed by a dispatcher that has not answered within its lease",
        ),
        (
            lambda s: email(s, EmailState.PENDING, ago=timedelta(hours=1)),
            "STUCK emails: 1 pending; the oldest due for 1 hour: is dispatch running",
        ),
        (failed_sweep, "STUCK last sweep: failed"),
        (
            lambda s: job(s, "daily report", ago=timedelta(hours=3)),
            "STUCK last daily report: started 3 hours ago and still running: its process may "
            "have died",
        ),
    ],
)
def test_each_stuck_state_is_named_and_exits_1(
    session: Session, client: TestClient, make: object, line: str
) -> None:
    make(session)  # type: ignore[operator]
    code, out = status()
    assert code == 1, out
    assert line in out, out
    assert "Something is stuck" in out
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["status"] == "not ready"
    assert "bo@example.org" not in ready.text  # what was found is the operator's, not public


def test_prefect_not_answering_is_stuck(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    monkeypatch.setenv("PREFECT_API_URL", f"http://127.0.0.1:{port}/api")
    code, out = status()
    assert code == 1
    assert f"STUCK Prefect: the server at http://127.0.0.1:{port}/api does not answer" in out


def test_a_database_that_does_not_answer_is_the_one_line(
    session: Session, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", "sqlite:////nonexistent-folder/hubflow.db")
    get_settings.cache_clear()
    reset_engines()
    code, out = status()
    assert code == 1
    assert "STUCK database: does not answer" in out and "events" not in out


def test_livez_and_readyz_when_all_is_well(client: TestClient) -> None:
    assert client.get("/livez").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and all(ready.json()["checks"].values())


def test_metrics_answer_only_a_scraper_with_the_token_in_prometheus_format(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from models.services import hubs
    from tests import factories

    assert client.get("/metrics").status_code == 404  # not configured: not there
    monkeypatch.setenv("HUBFLOW_METRICS_TOKEN", "scrape-secret")
    get_settings.cache_clear()
    hubs.submit_interest(session, factories.interest_form())
    email(session, EmailState.PENDING, ago=timedelta(seconds=1))
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    got = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(got.text)
        for s in family.samples
    }
    assert samples[("hubflow_hubs", (("stage", "interest"), ("status", "active")))] == 1
    assert samples[("hubflow_forms", (("stage", "interest"),))] == 1
    assert samples[("hubflow_events", (("state", "waiting"),))] >= 1
    assert samples[("hubflow_emails", (("state", "pending"),))] == 1
    assert samples[("hubflow_emails", (("state", "failed"),))] == 0


def test_metrics_carry_latency_histograms_and_the_jobs_outcomes(
    client: TestClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    monkeypatch.setenv("HUBFLOW_METRICS_TOKEN", "scrape-secret")
    get_settings.cache_clear()
    at = utcnow() - timedelta(minutes=5)
    for handed, processed in ((0.2, 0.9), (0.4, 1.6), (3.0, 40.0)):
        session.add(
            DomainEvent(
                type="hub.created",
                payload={},
                occurred_at=at,
                handed_over_at=at + timedelta(seconds=handed),
                handed_to="run-1",
                processed_at=at + timedelta(seconds=processed),
            )
        )
    email(session, EmailState.PENDING, ago=timedelta(seconds=1))  # not sent: not counted
    sent = session.scalars(select(Email)).one()
    sent.state, sent.sent_at = EmailState.SENT, sent.created_at + timedelta(seconds=0.7)
    session.commit()
    failed_sweep(session)
    got = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(got.text)
        for s in family.samples
    }

    def bucket(name: str, le: str) -> float:
        return samples[(f"{name}_bucket", (("le", le),))]

    assert [bucket("hubflow_handover_seconds", le) for le in ("0.25", "0.5", "5.0", "+Inf")] == [
        1,
        2,
        3,
        3,
    ]
    assert samples[("hubflow_handover_seconds_count", ())] == 3
    assert samples[("hubflow_handover_seconds_sum", ())] == pytest.approx(3.6, abs=0.01)
    assert [bucket("hubflow_processing_seconds", le) for le in ("1.0", "2.0", "30.0", "60.0")] == [
        1,
        2,
        2,
        3,
    ]
    assert bucket("hubflow_dispatch_seconds", "0.5") == 0
    assert bucket("hubflow_dispatch_seconds", "1.0") == 1
    assert samples[("hubflow_job_runs_total", (("job", "sweep"),))] == 1
    assert samples[("hubflow_job_last_completed", (("job", "sweep"),))] == 0
    assert samples[("hubflow_job_last_failure_timestamp_seconds", (("job", "sweep"),))] > 0


def test_outbox_list_says_when_events_still_wait_to_queue_their_emails(session: Session) -> None:
    code, out = hubflow("outbox", "list", "--state", "pending")
    assert code == 0 and "No emails." in out and "not processed yet" not in out
    event(session, ago=timedelta(seconds=30))
    event(session, ago=timedelta(seconds=5), handed=True)
    code, out = hubflow("outbox", "list", "--state", "pending")
    assert code == 0
    assert "2 events not processed yet: their emails are queued when they are" in out


def test_a_prefect_server_that_answers_is_named_with_its_version(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class Prefect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = {"/api/health": b"true", "/api/admin/version": b'"3.8.8"'}.get(self.path)
            self.send_response(200 if body else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Prefect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/api"
        monkeypatch.setenv("PREFECT_API_URL", url)
        code, out = status()
    finally:
        server.shutdown()
    assert code == 0, out
    assert f"ok    Prefect: answers at {url}, version 3.8.8" in out


def test_the_system_page_says_what_status_says(session: Session, staff_client: TestClient) -> None:
    failed_sweep(session)
    said = staff_client.get("/staff/system").text
    assert "Something is stuck" in said
    assert "ago: RuntimeError: the disk is full" in said and "Stuck" in said
    assert staff_client.get("/staff").text.count('href="/staff/system"') == 1
