"""The sweep and daily-report flows under Prefect."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prefect import get_client
from prefect.client.schemas.filters import ArtifactFilter, FlowRunFilter, TaskRunFilter
from prefect.client.schemas.sorting import ArtifactSort
from prefect.utilities.asyncutils import run_coro_as_sync
from sqlalchemy import select
from sqlalchemy.orm import Session

from flows.daily_report import daily_report
from flows.sweep import sweep
from models.email import Email, EmailState
from models.enums import Stage
from models.job_run import JobRun
from tests import factories

NOW = datetime(2026, 5, 4, 13, 0, tzinfo=UTC)  # 09:00 in Boston


def test_the_sweep_flow_queues_and_sends_whats_due(session: Session) -> None:
    ann = factories.staff(session)
    factories.hub_in(
        session,
        Stage.ONBOARDING,
        reviewer=ann,
        now=NOW - timedelta(days=23),
        email="bo@example.org",
    )  # due in 7 days
    assert sweep(now=NOW, dry_run=True) == {"planned": 1, "queued": 0, "stalled": 0, "held_back": 0}
    assert sweep(now=NOW) == {"planned": 1, "queued": 1, "stalled": 0, "held_back": 0}
    [email] = session.scalars(select(Email).where(Email.kind == "due_soon")).all()
    assert (email.to_email, email.state) == ("bo@example.org", EmailState.SENT)
    assert "is due on" in email.text and "7 days from now" in email.text
    assert sweep(now=NOW)["queued"] == 0
    session.commit()  # a fresh look: the flow wrote in its own sessions
    [run] = session.scalars(select(JobRun)).all()  # what `hubflow status` says of it
    assert (run.name, run.outcome, run.runs) == ("sweep", "completed", 2)  # dry runs aside
    assert run.detail == "0 emails queued, 0 Hubs stalled"


def test_the_daily_report_publishes_artifacts_and_sends_the_digest(session: Session) -> None:
    ann = factories.staff(session)
    factories.hub_in(
        session,
        Stage.FIRST_ACTION,
        reviewer=ann,
        now=NOW - timedelta(hours=2),
        group_name="Digest Hub",
    )
    counts = daily_report(now=NOW)
    assert counts["in_progress"] == 1 and counts["house_districts"] == 160
    [digest] = session.scalars(select(Email).where(Email.kind == "daily_digest")).all()
    assert digest.to_email == "go-team@masscare.org"
    assert "Digest Hub (1st Norfolk)" in digest.text
    assert "Coverage: 1 of 160 State Rep districts" in digest.text
    daily_report(now=NOW)  # a second run the same day sends no second digest
    assert len(session.scalars(select(Email).where(Email.kind == "daily_digest")).all()) == 1

    async def artifact_keys() -> set[str]:
        async with get_client() as client:
            # This server wants every filter spelled out, empty or not.
            found = await client.read_artifacts(
                artifact_filter=ArtifactFilter(),
                flow_run_filter=FlowRunFilter(),
                task_run_filter=TaskRunFilter(),
                sort=ArtifactSort.CREATED_DESC,
                limit=50,
            )
            return {a.key for a in found if a.key}

    assert {
        "hubflow-funnel",
        "hubflow-waiting-reviews",
        "hubflow-stalled-hubs",
        "hubflow-coverage",
        "hubflow-coverage-by-senate-district",
        "hubflow-progress",
        "hubflow-working-on",
    } <= run_coro_as_sync(artifact_keys())
