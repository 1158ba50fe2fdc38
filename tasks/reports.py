"""The daily report: Prefect artifacts for the funnel, reviews, stalled Hubs and coverage,
and the digest email to the campaign's team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prefect import task
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from models.enums import Chamber, Stage, Status
from models.services import progress_figures, reports
from models.services.areas import Area, by_area
from models.services.common import transaction
from models.services.coverage import coverage
from models.services.figures import Figures, figures
from models.words import longday
from plumbing.db import session_factory
from plumbing.geography import geography
from plumbing.settings import get_settings
from tasks.reactions import clock

COVER_WORDS = {"listed": "Listed", "in_progress": "In progress", "none": "Without a Hub"}


@task(retries=2, retry_delay_seconds=[5, 30])
def queue_digest(now: datetime) -> bool:
    """Queue today's digest to the GO! Team address; once a day, whatever the retries."""
    with session_factory()() as session, transaction(session):
        return clock.queue_digest(session, settings=get_settings(), now=now)


@dataclass(frozen=True, slots=True)
class Artifact:
    key: str
    description: str
    table: list[dict[str, Any]] | None = None
    markdown: str | None = None


def report(now: datetime) -> tuple[list[Artifact], dict[str, int]]:
    """The day's report as artifacts (funnel, waiting reviews, stalled Hubs, coverage by
    district and by Senate district), in words, and its counts."""
    settings = get_settings()
    today = settings.policy.today(now)
    house_words = Chamber.HOUSE.label
    with session_factory()() as session:
        funnel = [
            {
                "Stage": Stage(str(row["stage"])).label,
                **{status.label: row[status.value] for status in Status},
                "Total": row["total"],
            }
            for row in reports.funnel(session)
        ]
        waiting = reports.waiting_reviews(session, today)
        stalled = reports.stalled_hubs(session)
        cover = coverage(session, targeting=False)
        counts = cover.counts()
        moves = reports.move_counts(session, today)
        found = figures(session, today=today, zone=settings.policy.zone)
        start = settings.campaign.progress.session_start(today)
        work = progress_figures.progress(
            session, today=today, session_start=start, zone=settings.policy.zone
        )
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
                "seats": d.seats,
                "status": COVER_WORDS[d.status],
                "legislator": ", ".join([m.name for m in d.members] + ["(vacant)"] * d.vacancies),
                "hubs": ", ".join(h.name for h in d.listed + d.in_progress),
            }
            for d in cover.house
        ]
        stalled_rows = [
            {
                "hub": h.name,
                "district": h.district.name,
                "stage": h.stage.label,
                "due": longday(h.stage_due_date, today=today) if h.stage_due_date else "",
            }
            for h in stalled
        ]
    artifacts = [
        Artifact(
            "hubflow-funnel",
            f"Hubs per stage and status on {longday(today, today=None)}",
            funnel,
        ),
        Artifact(
            "hubflow-waiting-reviews",
            f"{len(waiting)} reviews waiting, {sum(w.overdue for w in waiting)} late",
            [
                {
                    "review": w.title,
                    "owner": w.owner,
                    "due": longday(w.due_date, today=today),
                    "late": "yes" if w.overdue else "",
                }
                for w in waiting
            ]
            or [{"review": "none"}],
        ),
        Artifact(
            "hubflow-stalled-hubs",
            f"{len(stalled)} stalled Hubs",
            stalled_rows or [{"hub": "none"}],
        ),
        Artifact(
            "hubflow-coverage",
            "District coverage",
            markdown=(
                f"**{counts['listed']}** listed, **{counts['in_progress']}** in progress, "
                f"**{counts['none']}** without a Hub, of {counts['house_districts']} "
                f"{house_words} districts. {counts['cosponsors']} of {counts['legislators']} "
                f"legislators co-sponsor; {counts['legislators_with_a_hub']} have a Hub "
                "working on them."
            ),
        ),
        Artifact("hubflow-coverage-by-district", f"Each {house_words} district's Hubs", house),
        Artifact(
            "hubflow-progress",
            "Legislators moving, and the listed Hubs' reports",
            markdown=(
                f"**{work.legislators_moved}** legislators moved this session (since "
                f"{longday(work.session_start, today=None)}). Co-sponsors (or further) now: "
                f"**{work.cosponsors[-1][1]}**. Listed Hubs by their last report: "
                f"{work.reports['on_time']} on time, {work.reports['due']} due, "
                f"{work.reports['silent']} silent."
            ),
        ),
        Artifact(
            "hubflow-working-on",
            "Each legislator in the Hubs' plans: the Hubs on them, their last action",
            [
                {
                    "legislator": w.name,
                    "stance": w.stance.label,
                    "hubs": ", ".join(w.hubs),
                    "last action": (
                        f"{longday(w.last_action[0], today=today)}: {w.last_action[2]}, "
                        + settings.campaign.progress.actions.get(
                            w.last_action[1], w.last_action[1]
                        ).lower()
                    )
                    if w.last_action
                    else "",
                }
                for w in work.working
            ]
            or [{"legislator": "none yet"}],
        ),
        *time_artifacts(found, moves, team=settings.campaign.team),
    ]
    if senate:  # without town data (outside Massachusetts) there is no Senate roll-up
        artifacts.append(
            Artifact(
                "hubflow-coverage-by-senate-district",
                f"Each Senate district's {house_words} districts, and how many have a Hub",
                senate,
            )
        )
    return artifacts, {"stalled": len(stalled), "waiting": len(waiting), **counts, **moves}


def time_artifacts(found: Figures, moves: dict[str, int], *, team: str) -> list[Artifact]:
    """The dashboard's time figures: whose move, days in each stage, stage to stage, ages,
    and the last 12 weeks."""

    def days(value: float | None) -> str:
        return "none yet" if value is None else f"{value:g}"

    return [
        Artifact(
            "hubflow-whose-move",
            f"{moves['hubs_waiting_on_team']} Hubs waiting on the {team}; "
            f"{moves['hubs_past_deadline']} past their deadline ({moves['hubs_stalled']} stalled)",
            [
                {"whose move": f"The {team}", "hubs": moves["hubs_waiting_on_team"]},
                {"whose move": "The Hub's, past its deadline", "hubs": moves["hubs_past_deadline"]},
            ],
        ),
        Artifact(
            "hubflow-time-in-stage",
            f"Days in each stage: the Hub's clock and the {team}'s (median, 90th percentile)",
            [
                {
                    "stage": s.stage.label,
                    "hubs": s.hubs,
                    "hub median": days(s.hub_median),
                    "hub 90th": days(s.hub_p90),
                    "team median": days(s.team_median),
                    "team 90th": days(s.team_p90),
                    "went on": f"{c.went_on} of {c.entered}",
                }
                for s, c in zip(found.stage_times, found.conversions, strict=True)
            ],
        ),
        Artifact(
            "hubflow-ages",
            "Open Hubs by days in their stage",
            [{"stage": stage.label, **buckets} for stage, buckets in found.ages.items()],
        ),
        Artifact(
            "hubflow-weeks",
            "The last 12 weeks: reviews decided, Hubs listed at each week's end",
            [
                {"week of": r.starts.isoformat(), "reviews decided": r.count, "listed": w.count}
                for r, w in zip(found.reviews_per_week, found.listed_by_week, strict=True)
            ],
        ),
    ]


@task
def publish_report_artifacts(now: datetime) -> dict[str, int]:
    """Funnel, waiting reviews, stalled Hubs and coverage, as Prefect artifacts."""
    artifacts, counts = report(now)
    for a in artifacts:
        if a.table is not None:
            create_table_artifact(key=a.key, table=a.table, description=a.description)
        else:
            create_markdown_artifact(
                key=a.key, markdown=a.markdown or "", description=a.description
            )
    return counts
