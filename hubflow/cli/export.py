"""`hubflow export`: Hubs, contacts, plans, reviews, emails, notes or announcements for a
spreadsheet or a script."""

from __future__ import annotations

from pathlib import Path

import typer

from hubflow.cli.common import database, reported


def export(
    kind: str = typer.Argument(
        ..., help="hubs, contacts, plans, reviews, emails, notes, announcements or newcomers."
    ),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of CSV."),
    as_csv: bool = typer.Option(False, "--csv", help="CSV (the default)."),
    out: Path | None = typer.Option(None, "--out", help="Write to this file, not the terminal."),
    include_private: bool = typer.Option(
        False,
        "--include-private",
        help="contacts: every contact, not only those who agreed to be published "
        "(for staff use; recorded with --staff).",
    ),
    staff_email: str | None = typer.Option(
        None, "--staff", help="Email of the staff member asking (needed with --include-private)."
    ),
) -> None:
    """One row per Hub, contact, plan target, review task, email, note or announcement, in
    words."""
    from hubflow.cli.output import console
    from models.errors import InvalidInput
    from models.services.common import Actor, staff_by_email
    from models.services.exports import KINDS
    from plumbing.exports import as_csv as csv_text
    from plumbing.exports import as_json as json_text
    from plumbing.exports import rows_for

    flags = {
        "kind": "KIND",
        "staff": "--staff",
        "format": "--json",
        "include_private": "--include-private",
    }
    with reported(flags), database() as session:
        errors = {}
        if kind not in KINDS:
            errors["kind"] = f"choose one of: {', '.join(KINDS)} (not {kind!r})"
        if as_json and as_csv:
            errors["format"] = "give --json or --csv, not both"
        if include_private and kind in KINDS and kind != "contacts":
            errors["include_private"] = "only contacts have private details"
        if include_private and not staff_email:
            errors["staff"] = "say who is asking for private contacts (it is recorded)"
        if kind == "newcomers" and not staff_email:
            errors["staff"] = "say who is asking for newcomers' details (it is recorded)"
        if errors:
            raise InvalidInput(errors)
        actor = Actor.staff(staff_by_email(session, staff_email)) if staff_email else None
        rows = rows_for(session, kind, include_private=include_private, actor=actor)
    from plumbing.private import write_private

    text = json_text(rows) if as_json else csv_text(rows)
    if out is None:
        typer.echo(text, nl=False)
        return
    write_private(out, text)  # people's details: readable by the owner only
    console.print(f"Wrote {len(rows)} {kind} to {out}.")
