"""`hubflow announce …`: staff announcements to a chosen set of Hubs (#30), as the console's
Announcements page does them: write a draft and see who it reaches, test, send now or at
a time, approve, cancel, and see how it went."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from hubflow.cli.common import JSON, STAFF, database, example, reported

app = typer.Typer(
    help="Announcements from staff to many Hubs.", no_args_is_help=True, rich_markup_mode=None
)
ID = typer.Argument(..., help="The announcement's number, as `hubflow announce list` shows it.")
FLAGS = {
    "subject": "--subject",
    "body": "--body-file",
    "stages": "--stage",
    "statuses": "--status",
    "whose": "--whose",
    "counties": "--county",
    "senate": "--senate",
    "congress": "--congress",
    "house": "--district",
    "listed": "--listed",
    "owner": "--owner",
    "hub_ids": "--hubs",
    "contacts": "--all-contacts",
    "audience": "the audience",
    "send_at": "--at",
    "staff": "--staff",
}


@app.command(
    "new",
    epilog=example(
        "hubflow announce new --subject 'Training on Tuesday' --body-file training.md \\",
        "    --stage onboarding --staff ann@masscare.org",
        "hubflow announce new --subject 'The hearing moved' --body-file hearing.md \\",
        "    --senate 'Second Essex' --all-contacts --staff ann@masscare.org",
    ),
)
def new(
    subject: str = typer.Option(..., "--subject", help="The email's subject."),
    body_file: Path = typer.Option(
        ..., "--body-file", help="What it says, in Markdown ({{ first_name }}, {{ hub.name }}…)."
    ),
    staff_email: str = STAFF,
    stage: list[str] = typer.Option([], "--stage", help="Hubs at this stage (repeatable)."),
    status: list[str] = typer.Option([], "--status", help="Hubs of this status (repeatable)."),
    whose: str = typer.Option("", "--whose", help="hub: the Hub's move; team: the team's."),
    county: list[str] = typer.Option([], "--county", help="Hubs in this county (repeatable)."),
    senate: list[str] = typer.Option([], "--senate", help="A Senate district (repeatable)."),
    congress: list[str] = typer.Option([], "--congress", help="A congressional district number."),
    district: list[str] = typer.Option([], "--district", help="A State Rep district (repeatable)."),
    listed: str = typer.Option("", "--listed", help="yes: listed Hubs only; no: not yet listed."),
    owner: str = typer.Option("", "--owner", help="The owner's email, or 'none' for no owner."),
    hubs: str = typer.Option("", "--hubs", help="Only these Hub numbers, e.g. '4,8,15'."),
    all_contacts: bool = typer.Option(
        False, "--all-contacts", help="Every contact, not only primary."
    ),
    paused: bool = typer.Option(False, "--paused", help="Paused Hubs too."),
    newcomers: bool = typer.Option(
        False,
        "--newcomers",
        help="Instead of Hubs: the people waiting for a Hub in the districts chosen.",
    ),
) -> None:
    """Write an announcement (a draft): nothing is sent until `hubflow announce send`."""
    from hubflow.cli.output import console
    from models.errors import InvalidInput
    from models.services import announcements
    from models.services.audience import parse_audience
    from models.services.common import staff_by_email
    from plumbing.geography import geography

    with reported(FLAGS), database() as session:
        me = staff_by_email(session, staff_email)
        errors: dict[str, str] = {}
        try:
            body = body_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors["body"] = f"cannot read {body_file}: {exc.__class__.__name__}"
            body = ""
        if owner not in ("", "none"):
            found = session.scalar(_staff_id(owner))
            owner = str(found) if found else owner + " (no such staff member)"
        form = {
            "stages": stage, "statuses": status, "whose": [whose], "counties": county,
            "senate": senate, "congress": congress, "house": district, "listed": [listed],
            "owner": [owner], "hub_ids": [hubs], "contacts": ["all" if all_contacts else "primary"],
            "paused": ["yes" if paused else ""], "newcomers": ["yes" if newcomers else ""],
        }  # fmt: skip
        audience = None
        try:
            audience = parse_audience(session, form, geography())
        except InvalidInput as exc:
            errors.update(exc.errors)
        if "body" not in errors:
            try:
                announcements.check_text(subject, body)
            except InvalidInput as exc:
                errors.update(exc.errors)
        if errors or audience is None:
            raise InvalidInput(errors)
        found = announcements.write(
            session, author=me, subject=subject, body=body, audience=audience
        )
        console.print(f"Announcement {found.id} saved (a draft). {_reach_words(session, found)}")
        console.print(f"Send it with `hubflow announce send {found.id} --staff {me.email}`.")


def _staff_id(email: str) -> Any:
    from sqlalchemy import select

    from models.staff import StaffMember

    return select(StaffMember.id).where(StaffMember.email == email.strip().lower())


def _reach_words(session: Any, found: Any) -> str:
    from models.words import plural
    from plumbing.settings import get_settings
    from tasks.reactions.announce import audience_reach

    who = audience_reach(session, found, get_settings())
    said = f"It reaches {plural(len(who.people), 'person', 'people')} at {plural(who.hubs, 'Hub')}."
    if who.left_out:
        out = "; ".join(
            f"{plural(n, 'person', 'people')}: {why}" for why, n in who.left_out.items()
        )
        said += f" Left out: {out}."
    return said


@app.command("list", epilog=example("hubflow announce list", "hubflow announce list --json"))
def list_(as_json: bool = JSON) -> None:
    """Every announcement, newest first."""
    from hubflow.cli.output import listing
    from models.services import announcements

    with reported(), database() as session:
        rows = [
            {
                "id": a.id,
                "subject": a.subject,
                "author": a.author.name,
                "state": a.state.value,
                "send_at": a.send_at,
                "sent_at": a.sent_at,
                "people": a.people,
            }
            for a in announcements.list_announcements(session)
        ]
    listing(
        rows,
        ["id", "subject", "author", "state", "send_at", "people"],
        as_json=as_json,
        empty="No announcements yet.",
    )


@app.command("show", epilog=example("hubflow announce show 3", "hubflow announce show 3 --json"))
def show(announcement_id: int = ID, as_json: bool = JSON) -> None:
    """Its text, who it goes to, and how it went."""
    from dataclasses import asdict

    from hubflow.cli.output import console, emit_json
    from models.services import announcements
    from models.services.announcement_views import figures
    from models.services.audience import Audience, describe
    from models.services.staff import list_staff

    with reported({"announcement": "ID"}), database() as session:
        a = announcements.load(session, announcement_id)
        lines = describe(Audience.from_dict(a.audience), list_staff(session))
        counted = figures(session, a)
        if as_json:
            emit_json(
                {
                    "id": a.id, "subject": a.subject, "body": a.body, "state": a.state.value,
                    "audience": a.audience, "send_at": a.send_at, "sent_at": a.sent_at,
                    "flow_run_id": a.flow_run_id, "figures": asdict(counted),
                }
            )  # fmt: skip
            return
        console.print(f"Announcement {a.id}: {a.subject} ({a.state.label.lower()})", markup=False)
        console.print("To: " + "; ".join(lines), markup=False)
        if a.sent_at is None:
            console.print(_reach_words(session, a), markup=False)
        else:
            console.print(
                f"{counted.queued:,} emails: {counted.delivered:,} delivered, "
                f"{counted.bounced:,} bounced, {counted.unsubscribed:,} unsubscribed since, "
                f"{counted.waiting:,} waiting.",
                markup=False,
            )
        console.print("", a.body, sep="\n", markup=False)


@app.command(
    "send",
    epilog=example(
        "hubflow announce send 3 --staff ann@masscare.org",
        "hubflow announce send 3 --at '2026-12-08 19:00' --staff ann@masscare.org",
    ),
)
def send(
    announcement_id: int = ID,
    staff_email: str = STAFF,
    at: str | None = typer.Option(None, "--at", help="When, in the campaign's time zone."),
) -> None:
    """Send it now or at a time (a scheduled Prefect run; `hubflow process` without one)."""
    from zoneinfo import ZoneInfo

    from hubflow.cli.common import parse_now
    from hubflow.cli.output import console
    from models.base import utcnow
    from models.services.common import staff_by_email
    from plumbing.settings import get_settings
    from tasks.reactions.announce import send as send_announcement

    settings = get_settings()
    with reported({**FLAGS, "now": "--at"}), database() as session:
        me = staff_by_email(session, staff_email)
        when = parse_now(at.replace(" ", "T") if at else None)
        done, people = send_announcement(
            session, announcement_id, by=me, at=when, settings=settings, now=utcnow()
        )
    if done.state.value == "awaiting_approval":
        console.print(
            f"It reaches {people:,} people, more than "
            f"{settings.campaign.announcements.approval_over:,}: it waits for another staff "
            f"member's `hubflow announce approve {announcement_id} --staff …`."
        )
    else:
        local = done.send_at.astimezone(ZoneInfo(settings.policy.timezone))  # type: ignore[union-attr]
        console.print(
            f"Announcement {announcement_id} scheduled for {local:%Y-%m-%d %H:%M} "
            f"({settings.policy.timezone}), to {people:,} people; "
            f"`hubflow announce cancel {announcement_id}` stops it until it starts."
        )


def _step(name: str, said: str) -> Callable[..., None]:
    def command(announcement_id: int = ID, staff_email: str = STAFF) -> None:
        from hubflow.cli.output import console
        from models.base import utcnow
        from models.services import announcements
        from models.services.common import staff_by_email

        with reported(FLAGS), database() as session:
            me = staff_by_email(session, staff_email)
            getattr(announcements, name)(session, announcement_id, by=me, now=utcnow())
        console.print(said.format(id=announcement_id, email=staff_email))

    return command


app.command(
    "approve",
    help="Approve an announcement that reaches many people (not your own).",
    epilog=example("hubflow announce approve 3 --staff bea@masscare.org"),
)(_step("approve", "Announcement {id} approved and scheduled."))
app.command(
    "cancel",
    help="Cancel an announcement until it starts: nothing is sent.",
    epilog=example("hubflow announce cancel 3 --staff ann@masscare.org"),
)(_step("cancel", "Announcement {id} cancelled: nothing will be sent."))
app.command(
    "test",
    help="Send the announcement to yourself, filled in for its first person.",
    epilog=example("hubflow announce test 3 --staff ann@masscare.org"),
)(
    _step(
        "request_test",
        "A test of announcement {id} is queued for {email} (the relay or `hubflow process` "
        "sends it).",
    )
)
