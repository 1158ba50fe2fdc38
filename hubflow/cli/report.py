"""`hubflow report`: the daily report's figures on the terminal, or as JSON."""

from __future__ import annotations

import typer

from hubflow.cli.common import JSON, database, parse_now, reported


def report(
    now: str | None = typer.Option(
        None, "--now", help="The report as of this ISO date-time (default: now)."
    ),
    as_json: bool = JSON,
) -> None:
    """Where the Hubs stand and how long things take: whose move, time in each stage, stage
    to stage, ages, reviews decided each week, Hubs listed week by week."""
    from hubflow.cli.output import console, emit_json, table
    from models.base import utcnow
    from models.services import progress_figures, reports
    from models.services.figures import figures
    from plumbing.settings import get_settings

    settings = get_settings()
    with reported({"now": "--now"}), database() as session:
        when = parse_now(now) or utcnow()
        today = settings.policy.today(when)
        counts = reports.move_counts(session, today)
        found = figures(session, today=today, zone=settings.policy.zone)
        work = progress_figures.progress(
            session,
            today=today,
            session_start=settings.campaign.progress.session_start(today),
            zone=settings.policy.zone,
            limit=None,  # every due and silent Hub
        )
    if as_json:
        emit_json(
            {
                "date": today.isoformat(),
                "counts": counts,
                **found.as_json(),
                "progress": work.as_json(),
            }
        )
        return
    team = settings.campaign.team
    console.print(
        f"{counts['hubs_past_deadline']} Hubs past their deadline "
        f"({counts['hubs_stalled']} stalled); {counts['hubs_waiting_on_team']} waiting on "
        f"the {team}."
    )
    table(
        [
            {
                "stage": t.stage.value,
                "finished": t.hubs,
                "hub_median": t.hub_median,
                "hub_p90": t.hub_p90,
                "team_median": t.team_median,
                "team_p90": t.team_p90,
            }
            for t in found.stage_times
        ],
        ["stage", "finished", "hub_median", "hub_p90", "team_median", "team_p90"],
        title="Days in each stage: the Hub's clock and the team's",
    )
    table(
        [
            {"stage": c.stage.value, "entered": c.entered, "went_on": c.went_on}
            for c in found.conversions
        ],
        ["stage", "entered", "went_on"],
        title="Stage to stage",
    )
    table(
        [{"stage": stage.value, **buckets} for stage, buckets in found.ages.items()],
        ["stage", *next(iter(found.ages.values()))],
        title="Open Hubs by days in their stage",
    )
    table(
        [
            {"week_of": r.starts, "reviews_decided": r.count, "hubs_listed": w.count}
            for r, w in zip(found.reviews_per_week, found.listed_by_week, strict=True)
        ],
        ["week_of", "reviews_decided", "hubs_listed"],
        title="The last 12 weeks",
    )
    console.print(
        f"{work.legislators_moved} legislators moved this session (since "
        f"{work.session_start.isoformat()}); listed Hubs by their last report: "
        f"{work.reports['on_time']} on time, {work.reports['due']} due, "
        f"{work.reports['silent']} silent"
        + (f", {work.reports['paused']} paused." if work.reports["paused"] else ".")
    )
    table(
        [{"month_end": day, "cosponsors": n} for day, n in work.cosponsors],
        ["month_end", "cosponsors"],
        title="Co-sponsors (or further) at each month's end",
    )
