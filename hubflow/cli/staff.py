"""`hubflow staff …`: the campaign team's members."""

from __future__ import annotations

import typer

from hubflow.cli.common import JSON, database, example, reported

app = typer.Typer(
    help="The staff: who reviews Hubs and logs in to /staff.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

EMAIL = typer.Argument(..., help="The member's email.")


@app.command("add", epilog=example('hubflow staff add --name "Ann Lee" --email ann@masscare.org'))
def add(
    name: str = typer.Option(..., "--name", help="Their name, as the Hubs will see it."),
    email: str = typer.Option(..., "--email", help="Their email; they log in with it."),
) -> None:
    """Add a staff member."""
    from hubflow.cli.output import console
    from models.services.staff import add_staff
    from plumbing.settings import get_settings

    with reported({"name": "--name", "email": "--email"}), database() as session:
        member = add_staff(session, name=name, email=email)
    team = get_settings().campaign.team
    console.print(f"Added {member.name} <{member.email}> to the {team} (number {member.id}).")


@app.command("set-password", epilog=example("hubflow staff set-password ann@masscare.org"))
def set_password(
    email: str = EMAIL,
    password: str | None = typer.Option(
        None,
        "--password",
        help="At least 10 characters (asked for, twice and unseen, when not given: better "
        "than leaving it in the shell's history). Ends their other sessions.",
    ),
) -> None:
    """Set the password a staff member logs in to /staff with."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    from hubflow.cli.output import console
    from models.errors import InvalidInput
    from models.services.staff import set_password_hash
    from plumbing.passwords import hash_password

    with reported({"password": "--password", "email": "EMAIL"}):
        if len(password) < 10:
            raise InvalidInput.one("password", "use at least 10 characters")
        with database() as session:
            member = set_password_hash(session, email, hash_password(password))
    console.print(f"Password set for {member.email}; their other sessions have ended.")


@app.command(
    "deactivate",
    epilog=example(
        "hubflow staff deactivate bea@masscare.org",
        "hubflow staff deactivate bea@masscare.org --to ann@masscare.org",
    ),
)
def deactivate(
    email: str = EMAIL,
    hand_to: str = typer.Option(
        "",
        "--to",
        help="Who takes their Hubs and open review tasks (needed when they have any).",
    ),
    as_json: bool = JSON,
) -> None:
    """Someone leaves the staff: their Hubs and open tasks go to another member (--to),
    their sessions end now, and they can log in no more."""
    from hubflow.cli.output import console, emit_json
    from models.services.common import Actor
    from models.services.owners import deactivate as leave
    from plumbing.settings import get_settings

    with reported({"email": "EMAIL", "hand_to": "--to"}), database() as session:
        member, handed = leave(session, email, hand_to=hand_to or None, actor=Actor.system("cli"))
    if as_json:
        emit_json(
            {"email": member.email, "active": False, "hubs": handed.hubs, "tasks": handed.tasks}
        )
        return
    team = get_settings().campaign.team
    moved = (
        f" {handed.hubs} Hubs and {handed.tasks} open tasks went to {hand_to}." if hand_to else ""
    )
    console.print(
        f"{member.name} ({member.email}) is no longer on the {team}.{moved if hand_to else ''}"
    )


@app.command("list", epilog=example("hubflow staff list --json"))
def list_(as_json: bool = JSON) -> None:
    """The staff, active or not."""
    from hubflow.cli import views
    from hubflow.cli.output import listing
    from models.services.staff import list_staff
    from plumbing.settings import get_settings

    with reported(), database() as session:
        rows = [views.staff_row(m) for m in list_staff(session)]
    team = get_settings().campaign.team
    listing(
        rows, ["id", "name", "email", "active"], as_json=as_json, title=team, empty="No one yet."
    )
