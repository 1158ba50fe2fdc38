"""`hubflow districts …` and `hubflow legislators …`."""

from __future__ import annotations

from pathlib import Path

import typer

from hubflow.cli.common import JSON, STAFF, database, example, reported

districts_app = typer.Typer(
    help="State Rep and Senate districts.", no_args_is_help=True, rich_markup_mode=None
)
legislators_app = typer.Typer(
    help="Legislators and their stances.", no_args_is_help=True, rich_markup_mode=None
)

CHAMBER = typer.Option(
    None, "--chamber", help="Only this chamber: house, senate, us_house or us_senate."
)
LEGISLATOR = typer.Argument(..., help="The legislator's number, as `legislators list` shows.")


@districts_app.command("list", epilog=example("hubflow districts list --chamber senate"))
def districts_list(chamber: str | None = CHAMBER, as_json: bool = JSON) -> None:
    """The districts, with their seats and sitting legislators (a vacant seat says so)."""
    from hubflow.cli import views
    from hubflow.cli.output import emit_json, table
    from models.services import queries

    with reported({"chamber": "--chamber"}), database() as session:
        rows = [views.district_row(d) for d in queries.list_districts(session, chamber=chamber)]
    if as_json:
        emit_json(rows)
    else:
        for row in rows:
            row["members"] = ", ".join(
                [f"{m['name']} ({m['party']})" if m["party"] else m["name"] for m in row["members"]]
                + ["(vacant)"] * row["vacant"]
            )
        table(rows, ["chamber", "name", "seats", "members"], title="Districts")


@districts_app.command(
    "import", epilog=example("hubflow districts import ../shared/reference/openstates-ma")
)
def districts_import(
    path: Path = typer.Argument(
        ..., help="An Open States CSV export, or a folder of its people and committee YAML."
    ),
) -> None:
    """Import districts, legislators and committees from Open States CSV or YAML."""
    from hubflow.cli.output import print_import
    from models.services.legislature import import_legislature
    from plumbing.openstates import read_path

    with reported(), database() as session:
        print_import(import_legislature(session, read_path(path)))


@legislators_app.command("list", epilog=example("hubflow legislators list --committee"))
def legislators_list(
    chamber: str | None = CHAMBER,
    stance: str | None = typer.Option(
        None,
        "--stance",
        help="Only this stance: not_cosponsor, cosponsor, caucus_member or champion.",
    ),
    committee: bool = typer.Option(
        False, "--committee", "--hcf", help="Only members of the campaign's committee of focus."
    ),
    include_inactive: bool = typer.Option(
        False, "--include-inactive", help="Also those no longer serving."
    ),
    as_json: bool = JSON,
) -> None:
    """Legislators with their stance and their role on the campaign's committee of focus."""
    from hubflow.cli import views
    from hubflow.cli.output import listing
    from models.services import legislators
    from plumbing.settings import get_settings

    focus = get_settings().campaign.committee.name
    with reported({"chamber": "--chamber", "stance": "--stance"}), database() as session:
        found = legislators.list_legislators(
            session,
            chamber=chamber,
            stance=stance,
            committee=focus if committee else None,
            include_inactive=include_inactive,
        )
        rows = [views.legislator_row(leg, focus) for leg in found]
    listing(
        rows,
        ["id", "chamber", "district", "name", "party", "stance", "committee_role"],
        as_json=as_json,
        title="Legislators",
        empty="No legislators match.",
    )


@legislators_app.command("show", epilog=example("hubflow legislators show 12"))
def legislators_show(legislator_id: int = LEGISLATOR, as_json: bool = JSON) -> None:
    """One legislator, with committee roles and the history of their stance."""
    from hubflow.cli import views
    from hubflow.cli.output import console, emit_json, table, words
    from models.services import legislators, queries
    from plumbing.settings import get_settings

    with reported(), database() as session:
        leg = queries.get_legislator(session, legislator_id)
        row = views.legislator_row(leg, get_settings().campaign.committee.name)
        row["committees"] = [
            {"committee": m.committee.name, "role": m.role} for m in leg.memberships
        ]
        row["stance_history"] = [
            views.stance_change_row(c) for c in legislators.stance_history(session, legislator_id)
        ]
    if as_json:
        emit_json(row)
        return
    console.print(
        f"[bold]{row['name']}[/] ({row['party']}), {words('chamber', row['chamber'])} "
        f"{row['district']}: {words('stance', row['stance']).lower()}"
        f"{'' if row['active'] else ' (no longer serving)'}."
    )
    table(row["committees"], ["committee", "role"], title="Committees", empty="No committees.")
    table(
        row["stance_history"],
        ["at", "actor", "from", "to", "reason"],
        title="Stance history",
        empty="No stance recorded yet.",
    )


@legislators_app.command("history", epilog=example('hubflow legislators history "Bruce Ayers"'))
def legislators_history(
    name: str = typer.Argument(..., help="The legislator's name (or number)."),
    as_json: bool = JSON,
) -> None:
    """How a legislator's stance changed: when, from what to what, who recorded it, the
    Hub whose report it was and the evidence."""
    from hubflow.cli.output import console, emit_json, table
    from models.services import legislators, progress_views

    with reported({"name": "NAME"}), database() as session:
        leg = legislators.legislator_named(session, name)
        who = f"{leg.name} ({leg.chamber.label}, {leg.district.name})"
        now = leg.stance
        rows = [
            {
                "at": h.at,
                "from": h.before.value,
                "to": h.after.value,
                "by": h.actor,
                "hub": h.hub or "",
                "evidence": h.evidence,
            }
            for h in progress_views.history(session, leg.id)
        ]
    if as_json:
        emit_json({"id": leg.id, "name": leg.name, "stance": now.value, "history": rows})
        return
    console.print(f"[bold]{who}[/]: now {now.label.lower()}.")
    table(
        rows,
        ["at", "from", "to", "by", "hub", "evidence"],
        title="Stance history",
        empty="No change recorded yet.",
    )


@legislators_app.command(
    "set-stance",
    epilog=example(
        "hubflow legislators set-stance 12 --stance cosponsor --staff ann@masscare.org "
        '--reason "co-sponsored H.1239"'
    ),
)
def legislators_set_stance(
    legislator_id: int = LEGISLATOR,
    stance: str = typer.Option(
        ..., "--stance", help="not_cosponsor, cosponsor, caucus_member or champion."
    ),
    staff_email: str = STAFF,
    reason: str = typer.Option("", "--reason", help="Why; kept in the stance's history."),
) -> None:
    """Record a legislator's Medicare for All stance, with who and why."""
    from hubflow.cli.output import console
    from models.services import legislators
    from models.services.common import Actor, staff_by_email

    flags = {"stance": "--stance", "staff": "--staff", "reason": "--reason"}
    with reported(flags), database() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        leg = legislators.set_stance(session, legislator_id, stance, actor=actor, reason=reason)
        console.print(f"{leg.name}: {leg.stance.label.lower()}.")


@legislators_app.command(
    "import-cosponsors",
    epilog=example(
        "hubflow legislators import-cosponsors cosponsors.csv --bill H.1239 "
        "--staff ann@masscare.org"
    ),
)
def legislators_import_cosponsors(
    path: Path = typer.Argument(..., help="A CSV file with a column of legislators' names."),
    staff_email: str = STAFF,
    bill: str = typer.Option("", "--bill", help="The bill they co-sponsor, e.g. H.1239."),
    chamber: str | None = CHAMBER,
    as_json: bool = JSON,
) -> None:
    """Mark the legislators on a bill's co-sponsor list (CSV with a name column) co-sponsors."""
    from hubflow.cli.output import console, emit_json
    from models.services import legislators, queries
    from models.services.common import Actor, staff_by_email
    from plumbing.cosponsors import read_cosponsors

    with reported({"staff": "--staff", "chamber": "--chamber"}), database() as session:
        names = read_cosponsors(path)
        actor = Actor.staff(staff_by_email(session, staff_email))
        report = legislators.apply_cosponsors(
            session, names, actor=actor, bill=bill, chamber=queries.parse_chamber(chamber)
        )
    result = {
        "updated": report.updated,
        "unchanged": report.unchanged,
        "unmatched": [{"line": line, "name": name} for line, name in report.unmatched],
    }
    if as_json:
        emit_json(result)
        return
    console.print(
        f"{len(report.updated)} are now co-sponsors; {len(report.unchanged)} already were."
    )
    for line, name in report.unmatched:
        console.print(f"[yellow]Line {line}: no legislator matches {name!r}.[/]")
