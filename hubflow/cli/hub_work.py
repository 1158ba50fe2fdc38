"""`hubflow hubs note|edit|assign|reopen`: staff work on a Hub from the command line, as
on its page in the console (SPEC §9)."""

from __future__ import annotations

import typer

from hubflow.cli.common import HUB_ID, JSON, STAFF, database, example, reported
from hubflow.cli.hubs import app


def register() -> None:
    """Add the staff-work commands to `hubflow hubs` (hubflow/cli/hubs.py is long enough)."""
    app.command(
        "note",
        epilog=example(
            'hubflow hubs note 7 --staff ann@masscare.org --kind phone --text "Called Bo"',
            'hubflow hubs note 7 --staff ann@masscare.org --text "Meet in May" '
            "--follow-up 2027-05-02 --json",
        ),
    )(note)
    app.command(
        "edit",
        epilog=example(
            'hubflow hubs edit 7 --staff ann@masscare.org --name "Quincy M4A"',
            'hubflow hubs edit 7 --staff ann@masscare.org --towns "Braintree, Quincy" '
            '--district "5th Norfolk" --json',
        ),
    )(edit)
    app.command(
        "assign",
        epilog=example(
            "hubflow hubs assign 7 8 9 --to bea@masscare.org --staff ann@masscare.org",
            "hubflow hubs assign 7 --to bea@masscare.org --staff ann@masscare.org --json",
        ),
    )(assign)
    app.command(
        "reopen",
        epilog=example(
            'hubflow hubs reopen 7 --staff ann@masscare.org --reason "They called back"'
        ),
    )(reopen)


def note(
    hub_id: int = HUB_ID,
    staff_email: str = STAFF,
    text: str = typer.Option(..., "--text", help="The note (never shown to the Hub)."),
    kind: str = typer.Option(
        "other", "--kind", help="What it records: intro_call, phone, meeting or other."
    ),
    follow_up: str = typer.Option(
        "", "--follow-up", help="A day (YYYY-MM-DD) to follow up: a task for you on that day."
    ),
    as_json: bool = JSON,
) -> None:
    """Write a note on a Hub: an intro call, a phone call, a meeting."""
    from hubflow.cli.output import console, emit_json
    from models.services.common import staff_by_email
    from models.services.notes import add_note
    from plumbing.settings import get_settings

    flags = {"staff": "--staff", "text": "--text", "kind": "--kind", "follow_up": "--follow-up"}
    with reported(flags), database() as session:
        member = staff_by_email(session, staff_email)
        written = add_note(
            session,
            hub_id,
            author_id=member.id,
            text=text,
            kind=kind,
            follow_up=follow_up or None,
            policy=get_settings().policy,
        )
        row = {
            "id": written.id,
            "hub_id": written.hub_id,
            "kind": written.kind.value,
            "follow_up": written.follow_up,
            "task_id": written.task_id,
        }
    if as_json:
        emit_json(row)
        return
    follow = f" A follow-up task is due {written.follow_up}." if written.follow_up else ""
    console.print(f"Note {written.id} added to Hub {hub_id}'s timeline.{follow}")


def edit(
    hub_id: int = HUB_ID,
    staff_email: str = STAFF,
    name: str = typer.Option("", "--name", help="The Hub's name."),
    kind: str = typer.Option("", "--kind", help="single_issue or multi_issue."),
    towns: str = typer.Option("", "--towns", help="Its towns, the first where it meets."),
    district: str = typer.Option("", "--district", help="Its House district."),
    as_json: bool = JSON,
) -> None:
    """Correct a Hub's name, kind, towns or district (checked as the interest form is)."""
    from hubflow.cli import views
    from hubflow.cli.output import console, emit_json
    from models.services import queries
    from models.services.common import Actor, staff_by_email
    from models.services.corrections import correct_hub
    from plumbing.geography import geography

    flags = {
        "staff": "--staff",
        "name": "--name",
        "kind": "--kind",
        "towns": "--towns",
        "district": "--district",
    }
    with reported(flags), database() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        changes = {"name": name, "kind": kind, "towns": towns, "district": district}
        hub = correct_hub(session, hub_id, changes, actor=actor, geo=geography())
        row = views.hub_detail(queries.hub_detail(session, hub.id))
    if as_json:
        emit_json(row)
        return
    console.print(f"Hub {hub.id}, {hub.name}: corrected ({hub.district.name}).")


def assign(
    hub_ids: list[int] = typer.Argument(..., help="The Hubs' numbers."),
    to: str = typer.Option(..., "--to", help="The staff member's email who takes them."),
    staff_email: str = STAFF,
    as_json: bool = JSON,
) -> None:
    """Give Hubs to a staff member; their open review tasks go with them."""
    from hubflow.cli.output import console, emit_json
    from models.services import owners
    from models.services.common import Actor, staff_by_email

    with reported({"staff": "--staff", "to": "--to", "hubs": "HUB_IDS"}), database() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        member = staff_by_email(session, to)
        handed = owners.assign(session, hub_ids, staff_id=member.id, actor=actor)
    if as_json:
        emit_json({"to": member.email, "hubs": handed.hubs, "tasks": handed.tasks})
        return
    console.print(
        f"{len(set(hub_ids))} Hubs now with {member.name}: {handed.hubs} changed owner, "
        f"{handed.tasks} open tasks followed."
    )


def reopen(
    hub_id: int = HUB_ID,
    staff_email: str = STAFF,
    reason: str = typer.Option(..., "--reason", help="Why; sent to the Hub's contacts."),
    as_json: bool = JSON,
) -> None:
    """Reopen a declined Hub: active again at its stage, with a new due date."""
    from hubflow.cli import views
    from hubflow.cli.output import console, emit_json
    from models.services import hubs, queries
    from models.services.common import Actor, staff_by_email
    from plumbing.settings import get_settings

    with reported({"staff": "--staff", "reason": "--reason"}), database() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        hub = hubs.reopen(session, hub_id, actor=actor, reason=reason, policy=get_settings().policy)
        row = views.hub_detail(queries.hub_detail(session, hub.id))
    if as_json:
        emit_json(row)
        return
    console.print(
        f"Hub {hub.id}, {hub.name}, is active again at {hub.stage.label.lower()}, "
        f"due {hub.stage_due_date}."
    )
