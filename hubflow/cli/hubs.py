"""`hubflow hubs …`: record an interest taken by phone, list and show Hubs, change status."""

from __future__ import annotations

import typer

from hubflow.cli.common import HUB_ID, JSON, STAFF, database, example, reported

app = typer.Typer(
    help="Hubs: add, list, show, pause, resume, withdraw.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

# Which flag each field of the interest form comes from, for messages that name it.
ADD_FLAGS = {
    "group_name": "--name",
    "kind": "--kind",
    "towns": "--towns",
    "district": "--district",
    "contact_name": "--contact-name",
    "email": "--email",
    "phone": "--phone",
    "first_action_idea": "--first-action-idea",
    "consent_to_contact": "--consent",
}


@app.command(
    "add",
    epilog=example(
        'hubflow hubs add --name "South Shore M4A" --kind single_issue '
        '--towns "Quincy, Braintree" --district "1st Norfolk" --contact-name "Bo Diaz" '
        "--email bo@example.org --phone 617-555-0123 --consent"
    ),
)
def add(
    name: str = typer.Option(..., "--name", help="The group's name."),
    kind: str = typer.Option(
        ...,
        "--kind",
        help="single_issue (formed for single-payer advocacy) or multi_issue (a "
        "multi-issue group committing to single-payer work).",
    ),
    towns: str = typer.Option(..., "--towns", help="The towns it works in, comma-separated."),
    district: str = typer.Option(
        ..., "--district", help="Its State Rep district, e.g. '10th Bristol'."
    ),
    contact_name: str = typer.Option(..., "--contact-name", help="The contact person's name."),
    email: str = typer.Option(..., "--email", help="The contact person's email."),
    phone: str = typer.Option(..., "--phone", help="The contact person's phone, 10 to 15 digits."),
    idea: str = typer.Option(
        "", "--first-action-idea", help="The first action the group is thinking of."
    ),
    consent: bool = typer.Option(
        False, "--consent", help="The contact agreed to be contacted by the campaign."
    ),
    as_json: bool = JSON,
) -> None:
    """Record an interest taken by phone, as the /join form would."""
    from hubflow.cli import views
    from hubflow.cli.output import console, emit_json
    from models.services import hubs, queries
    from models.services.common import Actor
    from plumbing.settings import get_settings

    form = {
        "group_name": name,
        "kind": kind,
        "towns": towns,
        "district": district,
        "contact_name": contact_name,
        "email": email,
        "phone": phone,
        "first_action_idea": idea,
        "consent_to_contact": consent,
    }
    with reported(ADD_FLAGS), database() as session:
        hub = hubs.submit_interest(
            session, form, actor=Actor.system("cli"), policy=get_settings().policy
        )
        row = views.hub_detail(queries.hub_detail(session, hub.id))
    if as_json:
        emit_json(row)
    else:
        console.print(
            f"Hub {hub.id}, [bold]{hub.name}[/], is at the {hub.stage.label.lower()} stage. "
            "Its events are handled when `hubflow serve` (or `hubflow process`) runs."
        )


@app.command("list", epilog=example("hubflow hubs list --stage first_action --status stalled"))
def list_(
    stage: str | None = typer.Option(
        None,
        "--stage",
        help="Only this stage: interest, first_action, onboarding, strategic_plan, listed.",
    ),
    status: str | None = typer.Option(
        None, "--status", help="Only this status: active, stalled, paused, withdrawn, declined."
    ),
    as_json: bool = JSON,
) -> None:
    """List Hubs, optionally by stage and status, with whose move it is."""
    from hubflow.cli import views
    from hubflow.cli.output import listing
    from models.base import utcnow
    from models.services import clocks, hub_list
    from plumbing.settings import get_settings

    with reported({"stage": "--stage", "status": "--status"}), database() as session:
        found = hub_list.list_hubs(session, stage=stage, status=status)
        policy = get_settings().policy
        moves = clocks.moves(session, found, zone=policy.zone)
        today = policy.today(utcnow())
        rows = [
            {
                **views.hub_row(h),
                "whose_move": moves[h.id].whose.value,
                "next_move": moves[h.id].words(today),
            }
            for h in found
        ]
    listing(
        rows,
        ["id", "name", "district", "stage", "status", "next_move"],
        title="Hubs",
        empty="No Hubs yet." if not (stage or status) else "No Hubs match.",
        as_json=as_json,
    )


@app.command("show", epilog=example("hubflow hubs show 1", "hubflow hubs show 1 --json"))
def show(hub_id: int = HUB_ID, as_json: bool = JSON) -> None:
    """Show one Hub: contacts, submissions, history and reviews."""
    from datetime import date

    from hubflow.cli import views
    from hubflow.cli.output import console, emit_json, table, words
    from models.enums import SubmissionState
    from models.services import queries
    from models.words import longday

    with reported(), database() as session:
        row = views.hub_detail(queries.hub_detail(session, hub_id))
    if as_json:
        emit_json(row)
        return
    console.print(
        f"[bold]{row['name']}[/] (Hub {row['id']}): {words('kind', row['kind']).lower()}, "
        f"in {', '.join(row['towns'])}; State Rep district {row['district']}."
    )
    due = f", due {longday(row['due'], today=date.today())}" if row["due"] else ""
    console.print(
        f"Stage: {words('stage', row['stage'])}; status: {words('status', row['status'])}{due}."
    )
    table(row["contacts"], ["name", "email", "phone", "role"], title="Contacts")
    submissions = [
        {**sub, "state": SubmissionState(sub["state"]).label} for sub in row["submissions"]
    ]
    table(
        submissions,
        ["id", "stage", "version", "state", "decided_by", "comment"],
        title="Submissions",
        empty="Nothing submitted yet.",
    )
    table(_history(row["history"]), ["when", "who", "now", "why"], title="History")


def _history(changes: list[dict[str, object]]) -> list[dict[str, str]]:
    """The audit rows as a person reads them: when in the campaign's zone, who, where to."""
    from zoneinfo import ZoneInfo

    from hubflow.cli.output import words
    from models.base import utcnow
    from models.words import when
    from plumbing.settings import get_settings

    zone = ZoneInfo(get_settings().policy.timezone)
    rows = []
    for change in changes:
        stage, _, status = str(change["to"]).partition("/")
        rows.append(
            {
                "when": when(change["at"], tz=zone, now=utcnow()),  # type: ignore[arg-type]
                "who": str(change["actor"]).partition(":")[2] or str(change["actor"]),
                "now": f"{words('stage', stage)}, {words('status', status).lower()}",
                "why": str(change["reason"] or ""),
            }
        )
    return rows


def _status_command(action: str, done: str) -> None:
    def command(
        hub_id: int = HUB_ID,
        staff_email: str = STAFF,
        reason: str = typer.Option("", "--reason", help="Why; kept in the Hub's history."),
    ) -> None:
        from hubflow.cli.output import console
        from models.services import hubs
        from models.services.common import Actor, staff_by_email
        from plumbing.settings import get_settings

        with reported({"staff": "--staff", "reason": "--reason"}), database() as session:
            actor = Actor.staff(staff_by_email(session, staff_email))
            hub = getattr(hubs, action)(
                session, hub_id, actor=actor, reason=reason, policy=get_settings().policy
            )
            console.print(f"Hub {hub.id}, {hub.name}, {done} ({hub.stage.label.lower()}).")

    command.__doc__ = f"{action.capitalize()} a Hub."
    app.command(
        action,
        epilog=example(f'hubflow hubs {action} 1 --staff ann@masscare.org --reason "summer"'),
    )(command)


_status_command("pause", "is paused: its clock has stopped")
_status_command("resume", "is active again: its clock runs")
_status_command("withdraw", "is recorded as withdrawn")


@app.command(
    "move-back",
    epilog=example('hubflow hubs move-back 1 --staff ann@masscare.org --reason "redo the plan"'),
)
def move_back(
    hub_id: int = HUB_ID,
    staff_email: str = STAFF,
    reason: str = typer.Option(..., "--reason", help="Why; kept in the Hub's history."),
) -> None:
    """Move a Hub back one stage, with a reason."""
    from hubflow.cli.output import console
    from models.services import hubs
    from models.services.common import Actor, staff_by_email
    from plumbing.settings import get_settings

    with reported({"staff": "--staff", "reason": "--reason"}), database() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        hub = hubs.move_back(
            session, hub_id, actor=actor, reason=reason, policy=get_settings().policy
        )
        console.print(f"Hub {hub.id}, {hub.name}, is back at {hub.stage.label.lower()}.")
