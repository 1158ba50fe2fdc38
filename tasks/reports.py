"""The daily report: Prefect artifacts for the funnel, reviews, stalled Hubs and coverage,
and the digest email to the GO! Team."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from hubflow.db import session_factory
from hubflow.email.outbox import Recipient, queue_email
from hubflow.geography import geography
from hubflow.settings import get_settings
from models.email import MessageKind
from models.services import reports
from models.services.areas import Area, by_area
from models.services.common import transaction
from models.services.coverage import coverage


def digest_context(now: datetime) -> dict[str, Any]:
    """Everything in the daily digest, as the template reads it."""
    settings = get_settings()
    today = settings.policy.today(now)
    with session_factory()() as session:
        cover = coverage(session).counts()
        return {
            "date": today.isoformat(),
            "coverage": {
                "covered": cover["listed"] + cover["in_progress"],
                "listed": cover["listed"],
                "total": cover["house_districts"],
            },
            "new_interest": [
                {"name": h.name, "district": h.district.name}
                for h in reports.new_interest(session, since=reports.day_before(now))
            ],
            "waiting": [
                {
                    "title": w.title,
                    "owner": w.owner,
                    "due_date": w.due_date.isoformat(),
                    "overdue": w.overdue,
                }
                for w in reports.waiting_reviews(session, today)
            ],
            "stalled": [
                {
                    "name": h.name,
                    "district": h.district.name,
                    "stage_label": h.stage.label,
                    "due_date": h.stage_due_date.isoformat() if h.stage_due_date else "",
                }
                for h in reports.stalled_hubs(session)
            ],
        }


@task(retries=2, retry_delay_seconds=[5, 30])
def queue_digest(now: datetime) -> bool:
    """Queue today's digest to the GO! Team address; once a day, whatever the retries."""
    settings = get_settings()
    context = digest_context(now)
    with session_factory()() as session, transaction(session):
        return queue_email(
            session,
            key=f"digest/{context['date']}",
            kind=MessageKind.DAILY_DIGEST,
            to=Recipient(settings.go_team_email, "GO! Team", staff=True),
            context={"digest": context},
            now=now,
        )


@task
def publish_report_artifacts(now: datetime) -> dict[str, int]:
    """Funnel, waiting reviews, stalled Hubs and coverage, as Prefect artifacts."""
    settings = get_settings()
    today = settings.policy.today(now)
    with session_factory()() as session:
        funnel = reports.funnel(session)
        waiting = reports.waiting_reviews(session, today)
        stalled = reports.stalled_hubs(session)
        cover = coverage(session)
        counts = cover.counts()
        senate = [
            {
                "senate district": a.name,
                "senator": ", ".join(a.members) or "(vacant)",
                "house districts": len(a.parts),
                "listed": a.count("listed"),
                "in progress": a.count("in_progress"),
                "without a hub": a.count("none"),
            }
            for a in by_area(session, geography(), cover, Area.SENATE)
        ]
        house = [
            {
                "district": d.district,
                "status": d.status,
                "legislator": d.legislator or "",
                "hubs": ", ".join(h.name for h in d.listed + d.in_progress),
            }
            for d in cover.house
        ]
        stalled_rows = [
            {
                "hub": h.name,
                "district": h.district.name,
                "stage": h.stage.value,
                "due": str(h.stage_due_date),
            }
            for h in stalled
        ]
    create_table_artifact(
        key="hubflow-funnel", table=funnel, description=f"Hubs per stage and status on {today}"
    )
    create_table_artifact(
        key="hubflow-waiting-reviews",
        table=[
            {
                "review": w.title,
                "owner": w.owner,
                "due": str(w.due_date),
                "overdue": "yes" if w.overdue else "",
            }
            for w in waiting
        ]
        or [{"review": "none"}],
        description=f"{len(waiting)} reviews waiting, {sum(w.overdue for w in waiting)} overdue",
    )
    create_table_artifact(
        key="hubflow-stalled-hubs",
        table=stalled_rows or [{"hub": "none"}],
        description=f"{len(stalled)} stalled Hubs",
    )
    create_markdown_artifact(
        key="hubflow-coverage",
        markdown=(
            f"**{counts['listed']}** listed, **{counts['in_progress']}** in progress, "
            f"**{counts['none']}** without a Hub, of {counts['house_districts']} House "
            f"districts. {counts['cosponsors']} of {counts['legislators']} legislators "
            f"co-sponsor; {counts['legislators_with_a_hub']} have a Hub working on them."
        ),
        description="District coverage",
    )
    create_table_artifact(
        key="hubflow-coverage-by-district", table=house, description="Each House district's Hubs"
    )
    create_table_artifact(
        key="hubflow-coverage-by-senate-district",
        table=senate,
        description="Each Senate district's House districts, and how many have a Hub",
    )
    return {"stalled": len(stalled), "waiting": len(waiting), **counts}
