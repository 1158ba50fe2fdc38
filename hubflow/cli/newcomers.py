"""`hubflow newcomers …`: neighbours who asked to get involved (#31), where each stands."""

from __future__ import annotations

from pathlib import Path

import typer

from hubflow.cli.common import JSON, STAFF, database, example, reported

app = typer.Typer(
    help="Neighbours who asked to get involved.", no_args_is_help=True, rich_markup_mode=None
)


@app.command(
    "list",
    epilog=example("hubflow newcomers list", "hubflow newcomers list --state waiting --json"),
)
def list_(
    state: str = typer.Option(
        "", "--state", help="waiting, introduced, reached or unreachable (default: all)."
    ),
    as_json: bool = JSON,
) -> None:
    """Each newcomer: their district, the Hub they were introduced to, and where it stands."""
    from hubflow.cli.output import listing
    from models.errors import InvalidInput
    from models.newcomer import NewcomerState
    from models.services.newcomer_views import list_newcomers

    with reported({"state": "--state"}), database() as session:
        if state and state not in {s.value for s in NewcomerState}:
            raise InvalidInput.one(
                "state", f"choose one of: {', '.join(s.value for s in NewcomerState)}"
            )
        rows = [
            {
                "id": n.id,
                "name": n.name,
                "email": n.email,
                "district": n.district.name,
                "hub": n.hub.name if n.hub else "",
                "state": n.state.value,
                "state_words": n.state.label,
                "signed_up_at": n.signed_up_at,
            }
            for n in list_newcomers(session, state=state)
        ]
    listing(
        rows,
        ["id", "name", "district", "hub", "state_words"],
        as_json=as_json,
        empty="No one has asked to get involved yet.",
    )


@app.command(
    "export",
    epilog=example("hubflow newcomers export --staff ann@masscare.org --out newcomers.csv"),
)
def export(
    staff_email: str = STAFF,
    as_json: bool = typer.Option(False, "--json", help="JSON instead of CSV."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file, not the terminal."),
) -> None:
    """Every newcomer with their details (recorded under your name), as `hubflow export
    newcomers` does."""
    from hubflow.cli.export import export as export_kind

    export_kind(
        "newcomers",
        as_json=as_json,
        as_csv=False,
        out=out,
        include_private=False,
        staff_email=staff_email,
    )
