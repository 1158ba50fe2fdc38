"""`hubflow coverage` (by House district, or by Senate district, congressional district or
county) and `hubflow districts lookup` (a town's districts and who represents them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from hubflow.cli.common import JSON, database, example, reported
from hubflow.cli.legislature import districts_app


def coverage(
    by: str | None = typer.Option(
        None,
        "--by",
        help="One row per area: house, senate, congress (U.S. House districts) or county.",
    ),
    as_json: bool = JSON,
    csv_path: Path | None = typer.Option(
        None, "--csv", help="Also write the table to this CSV file ('-' prints it instead)."
    ),
) -> None:
    """Every district the campaign covers: listed Hub(s), in progress, or none; and a
    Senate roll-up. With --by, the districts of each Senate or congressional district, or
    county (where hubflow has the state's town data)."""
    from hubflow.cli import views
    from hubflow.cli.output import console, emit_json, table
    from models.enums import Chamber
    from models.errors import InvalidInput, choice
    from models.services.areas import Area, by_area
    from models.services.coverage import coverage as coverage_of
    from plumbing.geography import geography

    with reported({"by": "--by"}), database() as session:
        area = choice(Area, by.strip().lower(), "by") if by is not None else None
        if area not in (None, Area.HOUSE) and not geography():
            raise InvalidInput.one("by", "hubflow has no town data for this state: use --by house")
        result = coverage_of(session)
        areas = by_area(session, geography(), result, area) if area else None
    if areas is not None and area is not None:
        rows = views.area_rows(areas)
        if csv_path is not None:
            views.write_area_csv(rows, csv_path, area)
            if str(csv_path) == "-":
                return
        if as_json:
            emit_json(rows)
            return
        table(
            [views.area_line(r) for r in rows],
            ["area", "members", "house_districts", "listed", "in_progress", "without_a_hub"],
            title=f"Coverage by {views.AREA_WORDS[area]}",
        )
        return
    data = views.coverage(result)
    if csv_path is not None:
        views.write_coverage_csv(data["house"], csv_path)
        if str(csv_path) == "-":
            return
    if as_json:
        emit_json(data)
        return
    counts = data["counts"]
    house = Chamber.HOUSE.label
    seats = (
        f" ({counts['seats']} seats, {counts['vacancies']} vacant)"
        if counts["seats"] != counts["house_districts"]
        else f" ({counts['vacancies']} vacant)"
        if counts["vacancies"]
        else ""
    )
    console.print(
        f"{counts['listed']} listed, {counts['in_progress']} in progress and "
        f"{counts['none']} with no Hub, of {counts['house_districts']} {house} districts"
        f"{seats}. {counts['cosponsors']} of {counts['legislators']} legislators co-sponsor; "
        f"{counts['legislators_with_a_hub']} have a Hub working on them."
    )
    table(
        [d for d in data["house"] if d["status"] != "none"],
        ["district", "seats", "legislator", "stance", "status", "hubs"],
        title=f"{house} districts with Hubs",
        empty=f"No {house} district has a Hub yet.",
    )
    table(
        [d for d in data["senate"] if d["hubs"]],
        ["district", "legislator", "stance", "hubs"],
        title="Senators Hubs are working on",
        empty="No Hub's plan names a Senator yet.",
    )


@districts_app.command(
    "lookup",
    epilog=example(
        "hubflow districts lookup Abington",
        "hubflow districts lookup Boston --ward 16 --precinct 1",
    ),
)
def districts_lookup(
    town: str = typer.Argument(
        ..., help="A city or town (where hubflow has the state's town data)."
    ),
    ward: str = typer.Option("", "--ward", help="The ward, from a voter card (split cities)."),
    precinct: str = typer.Option("", "--precinct", help="The precinct, from a voter card."),
    as_json: bool = JSON,
) -> None:
    """The State Rep, State Senate and U.S. House districts of a town (or of one ward or
    precinct of it), with who represents each."""
    from hubflow.cli.output import console, emit_json, fail, table
    from models.services.delegation import districts_of
    from plumbing.geography import geography
    from plumbing.settings import get_settings

    campaign = get_settings().campaign
    if not campaign.has_town_data:
        fail(
            f"hubflow has no town data for {campaign.state_name}: `hubflow districts list` "
            "lists its districts"
        )
    flags = {"town": "TOWN", "ward": "--ward", "precinct": "--precinct"}
    with reported(flags), database() as session:
        found = geography().lookup(town, ward=ward, precinct=precinct)
        rows = districts_of(session, found)
    if as_json:
        emit_json({"town": found.town, "ward": ward, "precinct": precinct, "districts": rows})
        return
    where = (
        found.town
        + (f", ward {ward}" if ward else "")
        + (f", precinct {precinct}" if precinct else "")
    )
    split = len(found.house) > 1
    console.print(
        f"{where}: {len(found.precincts)} precinct{'s' if len(found.precincts) != 1 else ''}"
        + (f", split among {len(found.house)} State Rep districts." if split else ".")
    )
    table(_lines(rows), ["chamber", "district", "members", "share"], title="Districts")
    if split and not precinct:
        console.print("[dim]Give --ward and --precinct (from a voter card) to narrow it to one.[/]")


def _lines(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "members": ", ".join(m["name"] for m in r["members"]) or "(vacant)",
            "share": f"{r['share']:.0%} of its precincts" if r["share"] < 1 else "all of it",
        }
        for r in rows
    ]


@districts_app.command(
    "import-precincts",
    epilog=example(
        "hubflow districts import-precincts "
        "../shared/reference/geography-ma/ma_precinct_districts_2022.csv"
    ),
)
def districts_import_precincts(
    path: Path = typer.Argument(
        ..., help="The Secretary of the Commonwealth's precinct table (CSV)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Where to write the table (default: the one hubflow reads)."
    ),
) -> None:
    """Make the town → district table from the precinct table, with district names matched
    to the database's ("Seventh Plymouth" is "7th Plymouth"). If any district does not
    match, they are listed and nothing is written."""
    from sqlalchemy import select

    from hubflow.cli.output import console
    from models.enums import Chamber
    from models.errors import InvalidInput
    from models.legislature import District
    from plumbing import geography as shipped

    with reported({"file": "FILE", "US_House": "FILE"}), database() as session:
        names: dict[str, set[str]] = {key: set() for key in ("house", "senate")}
        for chamber, name in session.execute(select(District.chamber, District.name)):
            if chamber in (Chamber.HOUSE, Chamber.SENATE):
                names[chamber.value] = names[chamber.value] | {name}
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput.one("file", f"cannot read {path}: {exc.strerror}") from None
        converted = shipped.convert(text, house=names["house"], senate=names["senate"])
        unmatched = {k: sorted(v) for k, v in converted.unmatched.items() if v}
        if unmatched:
            raise InvalidInput(
                {
                    "file": "these districts match none in the database, so nothing was "
                    "written: "
                    + "; ".join(
                        f"{'House' if k == 'house' else 'Senate'}: {', '.join(v)}"
                        for k, v in unmatched.items()
                    )
                }
            )
    target = out or shipped.PRECINCTS
    shipped.write(converted.precincts, target)
    towns = len({p.town for p in converted.precincts})
    console.print(
        f"Matched {len(converted.matched['house'])} of {len(names['house'])} House and "
        f"{len(converted.matched['senate'])} of {len(names['senate'])} Senate districts; "
        f"wrote {len(converted.precincts):,} precincts of {towns} towns to {target}."
    )
