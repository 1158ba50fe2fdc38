"""`hubflow contacts …`: people's contact details, and forgetting them when asked."""

from __future__ import annotations

import typer

from hubflow.cli.common import STAFF, database, example, reported

app = typer.Typer(help="People's contact details.", no_args_is_help=True, rich_markup_mode=None)


@app.command(
    "forget",
    epilog=example("hubflow contacts forget bo@example.org --staff ann@masscare.org"),
)
def forget(
    email: str = typer.Argument(..., help="The address of the person who asks to be forgotten."),
    staff_email: str = STAFF,
    yes: bool = typer.Option(False, "--yes", help="Do it without asking first."),
) -> None:
    """Remove a person's contact details everywhere (their contact entries, the emails to
    them, every mention of their address), keep their address only as a hash so that
    nothing writes to it again, and note it in the history of each Hub they were a contact
    of. The Hubs keep their history. This cannot be undone."""
    from hubflow.cli.output import console
    from models.services.common import Actor, staff_by_email
    from models.services.privacy import forget as forget_person
    from plumbing.forgetting import forget_beyond_the_database
    from plumbing.settings import get_settings

    if not yes and not typer.confirm(f"Forget {email} everywhere? This cannot be undone"):
        raise typer.Exit(1)
    with reported({"staff": "--staff", "email": "EMAIL"}), database() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        done = forget_person(session, email, actor=actor, key=get_settings().key())
    files = forget_beyond_the_database(done.email_ids, done.needles)
    hubs = ", ".join(f"#{h}" for h in done.hubs) or "none"
    entries = "entry" if done.contacts == 1 else "entries"
    emails = "email" if done.emails == 1 else "emails"
    records = "record" if done.rows == 1 else "records"
    console.print(
        f"Forgot {email.strip()}: {done.contacts} contact {entries} removed (Hubs: {hubs}), "
        f"{done.emails} {emails} emptied ({done.cancelled} not sent and now never will be), "
        f"{done.rows} other {records} cleaned, {files} email files removed, the directory "
        "published again. The address is kept only as a keyed hash. Backups and exports "
        "made before still hold it: see the README (Backups, exports and privacy)."
    )
