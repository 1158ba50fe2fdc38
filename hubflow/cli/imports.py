"""`hubflow hubs import`: the campaign's existing Hubs from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import typer

from hubflow.cli.common import STAFF, database, example, reported
from hubflow.cli.hubs import app


def register() -> None:
    """Add `hubs import` to `hubflow hubs` (kept here: hubflow/cli/hubs.py is long enough)."""
    app.command(
        "import",
        epilog=example(
            "hubflow hubs import hubs.csv --staff ann@masscare.org --dry-run",
            "hubflow hubs import hubs.csv --staff ann@masscare.org",
        ),
    )(import_hubs)


def import_hubs(
    file: Path = typer.Argument(
        ...,
        help="CSV, one row per Hub: group_name, kind, towns, district, stage, contact_name, "
        "contact_email; optional external_id, status, stage_entered (YYYY-MM-DD), due_date "
        "(else what the stage implies), listed_on, contact_phone, created. "
        "`hubflow export hubs` writes this format.",
    ),
    staff_email: str = STAFF,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Check the file and say what it would do; store nothing."
    ),
    notify: bool = typer.Option(
        False, "--notify", help="Email each new Hub's contact a link to its page."
    ),
) -> None:
    """Bring in Hubs at their stage, with the due dates their dates imply. The whole file is
    checked first: any wrong row (by line and column) and nothing is stored. Hubs already
    here (same external_id, or group name and district) are left as they are."""
    from hubflow.cli.output import console
    from models.base import utcnow
    from models.errors import InvalidInput
    from models.services.common import Actor, staff_by_email
    from models.services.imports import import_hubs as run_import
    from plumbing.settings import get_settings

    with reported({"file": "FILE", "staff": "--staff"}), database() as session:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InvalidInput.one("file", f"cannot read {file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InvalidInput.one(
                "file", f"{file} is not UTF-8 text (save it as CSV UTF-8)"
            ) from None
        actor = Actor.staff(staff_by_email(session, staff_email))
        report = run_import(
            session,
            text,
            source=file.name,
            actor=actor,
            policy=get_settings().policy,
            now=utcnow(),
            notify=notify,
            dry_run=dry_run,
        )
    stages = ", ".join(f"{n} at {stage.lower()}" for stage, n in report.by_stage.items())
    verb = "Would add" if dry_run else "Added"
    console.print(
        f"{verb} {len(report.added)} Hub{'s' if len(report.added) != 1 else ''}"
        + (f" ({stages})" if stages else "")
        + f"; {len(report.unchanged)} already here, left as they are."
    )
    if dry_run:
        console.print("Nothing was stored (--dry-run).")
    elif report.added:
        told = "their contacts are emailed a link" if notify else "nobody is emailed"
        console.print(f"Each entered its stage with an “imported” entry; {told}.")
