"""`hubflow`: set up, and act on Hubs, reviews, districts and staff from a terminal (SPEC §6)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import typer

from hubflow.cli import views
from hubflow.cli.output import console, emit_json, err_console, progress, reported, table
from hubflow.cosponsors import read_cosponsors
from hubflow.db import session_factory, upgrade
from hubflow.email import queries as emails
from hubflow.email.claims import due_count
from hubflow.email.dispatch import dispatch
from hubflow.openstates import bundled, read_path
from hubflow.settings import MissingSecret, get_settings, write_key_file
from models.enums import Decision, HubKind
from models.errors import InvalidInput
from models.services import coverage as coverage_service
from models.services import hubs as hub_services
from models.services import legislators, queries, review_tasks, reviews, staff
from models.services.common import Actor, staff_by_email
from models.services.legislature import ImportReport, import_legislature

app = typer.Typer(help="hubflow: the life of a Mass-Care Hub.", no_args_is_help=True)
hubs_app = typer.Typer(help="Hubs: add, list, show, pause, resume, withdraw.", no_args_is_help=True)
reviews_app = typer.Typer(help="Submissions waiting for the GO! Team.", no_args_is_help=True)
districts_app = typer.Typer(help="State Rep and Senate districts.", no_args_is_help=True)
staff_app = typer.Typer(help="The GO! Team.", no_args_is_help=True)
outbox_app = typer.Typer(help="The email outbox.", no_args_is_help=True)
legislators_app = typer.Typer(help="Legislators and their stances.", no_args_is_help=True)
app.add_typer(hubs_app, name="hubs")
app.add_typer(reviews_app, name="reviews")
app.add_typer(districts_app, name="districts")
app.add_typer(staff_app, name="staff")
app.add_typer(outbox_app, name="outbox")
app.add_typer(legislators_app, name="legislators")

JSON = typer.Option(False, "--json", help="Print JSON for scripts.")
STAFF = typer.Option(..., "--staff", help="Email of the GO! Team member acting.")


def _print_import(report: ImportReport) -> None:
    if not report.changed:
        console.print("already up to date")
    for what, n in sorted(report.counts.items()):
        console.print(f"{what}: {n}")
    if report.unknown_people:
        console.print(f"[yellow]{len(report.unknown_people)} committee members not found[/]")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host"),
    port: int = typer.Option(8000, "--port"),
    prefect_port: int = typer.Option(4200, "--prefect-port"),
    prefect_home: Path = typer.Option(Path(".prefect"), "--prefect-home"),
) -> None:
    """Run everything on this machine: Prefect server, deployments, event relay, web app."""
    from hubflow.serve import serve as serve_all

    require_secret_key()
    with reported():
        serve_all(host=host, port=port, prefect_port=prefect_port, home=prefect_home.resolve())


@app.command()
def demo(
    folder: Path = typer.Option(
        Path("demo"),
        "--dir",
        help="Where the demo's database and outbox go (replaced on each run).",
    ),
) -> None:
    """Take a small cohort of example Hubs through the lifecycle on simulated time."""
    from hubflow.demo import run

    with reported():
        run(folder)


@app.command()
def init() -> None:
    """Create or upgrade the database and load the bundled districts and legislators."""
    with reported():
        upgrade()
        with session_factory()() as session:
            _print_import(import_legislature(session, bundled()))
    settings = get_settings()
    if settings.secret_key is None and write_key_file(settings.key_file):
        console.print(f"wrote a new secret key to {settings.key_file} (keep it private)")
    console.print("[green]hubflow is ready[/green]")


def require_secret_key() -> None:
    """Refuse to run a server that would sign with no key, or a key anyone knows."""
    try:
        get_settings().key()
    except MissingSecret as exc:
        err_console.print(f"[red]hubflow: {exc}[/red]")
        raise typer.Exit(1) from None


@hubs_app.command("add")
def hubs_add(
    name: str = typer.Option(..., "--name", help="The group's name."),
    kind: HubKind = typer.Option(..., "--kind"),
    towns: str = typer.Option(..., "--towns", help="Comma-separated towns."),
    district: str = typer.Option(
        ..., "--district", help="State Rep district, e.g. '10th Bristol'."
    ),
    contact_name: str = typer.Option(..., "--contact-name"),
    email: str = typer.Option(..., "--email"),
    phone: str = typer.Option(..., "--phone"),
    idea: str = typer.Option("", "--first-action-idea"),
    consent: bool = typer.Option(
        False, "--consent", help="The contact agreed to be contacted by the GO! Team."
    ),
    as_json: bool = JSON,
) -> None:
    """Record an interest taken by phone, as the /join form would."""
    form = {
        "group_name": name,
        "kind": kind.value,
        "towns": towns,
        "district": district,
        "contact_name": contact_name,
        "email": email,
        "phone": phone,
        "first_action_idea": idea,
        "consent_to_contact": consent,
    }
    with reported(), session_factory()() as session:
        hub = hub_services.submit_interest(session, form, actor=Actor.system("cli"))
        row = views.hub_detail(queries.hub_detail(session, hub.id))
    if as_json:
        emit_json(row)
    else:
        console.print(f"Hub {hub.id} [bold]{hub.name}[/] is in {hub.stage.value}")


@hubs_app.command("list")
def hubs_list(
    stage: str | None = typer.Option(None, "--stage"),
    status: str | None = typer.Option(None, "--status"),
    as_json: bool = JSON,
) -> None:
    """List Hubs, optionally by stage and status."""
    with reported(), session_factory()() as session:
        rows = [views.hub_row(h) for h in queries.list_hubs(session, stage=stage, status=status)]
    if as_json:
        emit_json(rows)
    else:
        table(rows, ["id", "name", "district", "stage", "status", "due"], title="Hubs")


@hubs_app.command("show")
def hubs_show(hub_id: int, as_json: bool = JSON) -> None:
    """Show one Hub: contacts, submissions, history and reviews."""
    with reported(), session_factory()() as session:
        row = views.hub_detail(queries.hub_detail(session, hub_id))
    if as_json:
        emit_json(row)
        return
    console.print(
        f"[bold]{row['name']}[/] (Hub {row['id']}), {row['kind']}, "
        f"{', '.join(row['towns'])}; district {row['district']}"
    )
    console.print(f"stage {row['stage']}, status {row['status']}, due {row['due'] or '-'}")
    table(row["contacts"], ["name", "email", "phone", "role"], title="contacts")
    table(
        row["submissions"],
        ["id", "stage", "version", "state", "decided_by", "comment"],
        title="submissions",
    )
    table(row["history"], ["at", "actor", "from", "to", "reason"], title="history")


def _status_command(action: str) -> None:
    service = getattr(hub_services, action)

    def command(
        hub_id: int,
        staff_email: str = STAFF,
        reason: str = typer.Option("", "--reason", help="Why; kept in the Hub's history."),
    ) -> None:
        with reported(), session_factory()() as session:
            actor = Actor.staff(staff_by_email(session, staff_email))
            hub = service(session, hub_id, actor=actor, reason=reason)
            console.print(f"Hub {hub.id} is now {hub.status.value} in {hub.stage.value}")

    command.__doc__ = f"{action.capitalize()} a Hub."
    hubs_app.command(action)(command)


for _action in ("pause", "resume", "withdraw"):
    _status_command(_action)


@hubs_app.command("move-back")
def hubs_move_back(
    hub_id: int, staff_email: str = STAFF, reason: str = typer.Option(..., "--reason")
) -> None:
    """Move a Hub back one stage, with a reason."""
    with reported(), session_factory()() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        hub = hub_services.move_back(session, hub_id, actor=actor, reason=reason)
        console.print(f"Hub {hub.id} is back in {hub.stage.value}")


@reviews_app.command("list")
def reviews_list(as_json: bool = JSON) -> None:
    """Submissions waiting for a decision, oldest first."""
    with reported(), session_factory()() as session:
        rows = [views.submission_row(s) for s in reviews.pending_submissions(session)]
    if as_json:
        emit_json(rows)
    else:
        table(rows, ["id", "hub_id", "hub", "stage", "version", "submitted_at"], title="reviews")


@reviews_app.command("tasks")
def reviews_tasks(as_json: bool = JSON) -> None:
    """Open review tasks (intro calls, submission reviews, check-ins), most overdue first."""
    with reported(), session_factory()() as session:
        rows = [views.review_row(t) for t in review_tasks.open_tasks(session)]
    if as_json:
        emit_json(rows)
    else:
        table(rows, ["id", "kind", "title", "owner_id", "due"], title="open review tasks")


@reviews_app.command("close")
def reviews_close(
    task_id: int, staff_email: str = STAFF, comment: str = typer.Option("", "--comment")
) -> None:
    """Mark a check-in task done."""
    with reported(), session_factory()() as session:
        member = staff_by_email(session, staff_email)
        task = review_tasks.close_task(session, task_id, staff_id=member.id, comment=comment)
        console.print(f"review task {task.id} done")


def _decide(submission_id: int, decision: Decision, staff_email: str, comment: str) -> None:
    with reported(), session_factory()() as session:
        member = staff_by_email(session, staff_email)
        sub = reviews.decide(session, submission_id, decision, staff_id=member.id, comment=comment)
        hub = queries.hub_detail(session, sub.hub_id).hub
    console.print(
        f"submission {sub.id} {sub.state.value}; Hub {hub.id} is in {hub.stage.value} "
        f"({hub.status.value})"
    )


@reviews_app.command("approve")
def reviews_approve(
    submission_id: int, staff_email: str = STAFF, comment: str = typer.Option("", "--comment")
) -> None:
    """Approve a submission: the Hub moves to its next stage."""
    _decide(submission_id, Decision.APPROVE, staff_email, comment)


@reviews_app.command("request-changes")
def reviews_request_changes(
    submission_id: int, staff_email: str = STAFF, comment: str = typer.Option(..., "--comment")
) -> None:
    """Ask the Hub to change its submission, saying what."""
    _decide(submission_id, Decision.REQUEST_CHANGES, staff_email, comment)


@reviews_app.command("decline")
def reviews_decline(
    submission_id: int, staff_email: str = STAFF, comment: str = typer.Option(..., "--comment")
) -> None:
    """Decline a submission, saying why; the Hub is declined."""
    _decide(submission_id, Decision.DECLINE, staff_email, comment)


@districts_app.command("list")
def districts_list(
    chamber: str | None = typer.Option(None, "--chamber", help="house or senate"),
    as_json: bool = JSON,
) -> None:
    """The districts, with their sitting legislators."""
    with reported(), session_factory()() as session:
        rows = [views.district_row(d) for d in queries.list_districts(session, chamber=chamber)]
    if as_json:
        emit_json(rows)
    else:
        table(rows, ["chamber", "name", "legislator", "party"], title="districts")


@districts_app.command("import")
def districts_import(path: Path) -> None:
    """Import districts, legislators and committees from Open States CSV or YAML."""
    with reported(), session_factory()() as session:
        _print_import(import_legislature(session, read_path(path)))


@staff_app.command("add")
def staff_add(
    name: str = typer.Option(..., "--name"), email: str = typer.Option(..., "--email")
) -> None:
    """Add a GO! Team member."""
    with reported(), session_factory()() as session:
        member = staff.add_staff(session, name=name, email=email)
    console.print(f"added {member.name} <{member.email}> (id {member.id})")


@staff_app.command("set-password")
def staff_set_password(
    email: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Set the password a GO! Team member logs in to /staff with."""
    from hubflow.passwords import hash_password

    with reported():
        if len(password) < 10:
            raise InvalidInput.one("password", "use at least 10 characters")
        with session_factory()() as session:
            member = staff.set_password_hash(session, email, hash_password(password))
    console.print(f"password set for {member.email}")


@staff_app.command("deactivate")
def staff_deactivate(email: str = typer.Argument(..., help="The member's email.")) -> None:
    """Someone leaves the GO! Team: their sessions end now, and they can log in no more."""
    with reported(), session_factory()() as session:
        member = staff.deactivate(session, email)
    console.print(f"{member.name} ({member.email}) is no longer on the GO! Team")


@staff_app.command("list")
def staff_list(as_json: bool = JSON) -> None:
    """The GO! Team."""
    with reported(), session_factory()() as session:
        rows = [views.staff_row(m) for m in staff.list_staff(session)]
    if as_json:
        emit_json(rows)
    else:
        table(rows, ["id", "name", "email", "active"], title="GO! Team")


@outbox_app.command("list")
def outbox_list(
    state: str | None = typer.Option(
        None, "--state", help="pending, sending, sent, failed, suppressed"
    ),
    limit: int = typer.Option(100, "--limit", min=1),
    as_json: bool = JSON,
) -> None:
    """Emails, newest first, with why any failed."""
    with reported(), session_factory()() as session:
        rows = [views.email_row(e) for e in emails.list_emails(session, state=state, limit=limit)]
    if as_json:
        emit_json(rows)
    else:
        table(
            rows, ["id", "kind", "to", "state", "attempts", "subject", "last_error"], title="emails"
        )


@outbox_app.command("dispatch")
def outbox_dispatch(limit: int | None = typer.Option(None, "--limit", min=1)) -> None:
    """Send the emails that are due, through the configured backend."""
    sessions = session_factory()
    with reported():
        due = due_count(sessions)
        total = min(due, limit) if limit is not None else due
        with progress("sending", total) as bar:
            report = dispatch(sessions, limit=limit, progress=lambda _: bar.advance())
    console.print(str(report))


@legislators_app.command("list")
def legislators_list(
    chamber: str | None = typer.Option(None, "--chamber", help="house or senate"),
    stance: str | None = typer.Option(None, "--stance"),
    hcf: bool = typer.Option(False, "--hcf", help="Only the Health Care Financing committee."),
    include_inactive: bool = typer.Option(False, "--include-inactive"),
    as_json: bool = JSON,
) -> None:
    """Legislators with their stance and Health Care Financing role."""
    with reported(), session_factory()() as session:
        found = legislators.list_legislators(
            session,
            chamber=chamber,
            stance=stance,
            committee=legislators.HCF_COMMITTEE if hcf else None,
            include_inactive=include_inactive,
        )
        rows = [views.legislator_row(leg) for leg in found]
    if as_json:
        emit_json(rows)
    else:
        table(
            rows,
            ["id", "chamber", "district", "name", "party", "stance", "hcf_role"],
            title="legislators",
        )


@legislators_app.command("show")
def legislators_show(legislator_id: int, as_json: bool = JSON) -> None:
    """One legislator, with committee roles and the history of their stance."""
    with reported(), session_factory()() as session:
        leg = queries.get_legislator(session, legislator_id)
        row = views.legislator_row(leg)
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
        f"[bold]{row['name']}[/] ({row['party']}), {row['chamber']} {row['district']}: "
        f"{row['stance']}{'' if row['active'] else ' (no longer serving)'}"
    )
    table(row["committees"], ["committee", "role"], title="committees")
    table(row["stance_history"], ["at", "actor", "from", "to", "reason"], title="stance history")


@legislators_app.command("set-stance")
def legislators_set_stance(
    legislator_id: int,
    stance: str = typer.Option(
        ..., "--stance", help="not_cosponsor, cosponsor, caucus_member or champion"
    ),
    staff_email: str = STAFF,
    reason: str = typer.Option("", "--reason"),
) -> None:
    """Record a legislator's Medicare for All stance, with who and why."""
    with reported(), session_factory()() as session:
        actor = Actor.staff(staff_by_email(session, staff_email))
        leg = legislators.set_stance(session, legislator_id, stance, actor=actor, reason=reason)
        console.print(f"{leg.name} is now {leg.stance.value}")


@legislators_app.command("import-cosponsors")
def legislators_import_cosponsors(
    path: Path,
    staff_email: str = STAFF,
    bill: str = typer.Option("", "--bill", help="e.g. H.1239"),
    chamber: str | None = typer.Option(None, "--chamber", help="house or senate"),
    as_json: bool = JSON,
) -> None:
    """Mark the legislators on a bill's co-sponsor list (CSV with a name column) co-sponsors."""
    with reported(), session_factory()() as session:
        names = read_cosponsors(path)
        actor = Actor.staff(staff_by_email(session, staff_email))
        report = legislators.apply_cosponsors(
            session,
            names,
            actor=actor,
            bill=bill,
            chamber=queries.parse_chamber(chamber),
        )
    result = {
        "updated": report.updated,
        "unchanged": report.unchanged,
        "unmatched": [{"line": line, "name": name} for line, name in report.unmatched],
    }
    if as_json:
        emit_json(result)
        return
    console.print(f"{len(report.updated)} now co-sponsors, {len(report.unchanged)} already were")
    for line, name in report.unmatched:
        console.print(f"[yellow]line {line}: no legislator matches {name!r}[/]")


@app.command("sweep")
def sweep_command(
    now: str | None = typer.Option(None, "--now", help="ISO date-time to sweep as of."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="List what would be sent; change nothing."
    ),
    as_json: bool = JSON,
) -> None:
    """Queue the reminders, nudges and escalations due now."""
    from tasks.sweep import run_sweep

    with reported():
        when = parse_now(now)
        with progress("finding what is due") as bar:
            report = run_sweep(now=when, dry_run=dry_run, phase=bar.describe)
    rows = [
        {"kind": e.kind, "to": e.to, "hub_id": e.hub_id, "detail": e.detail} for e in report.emails
    ]
    if as_json:
        emit_json(
            {
                "dry_run": dry_run,
                "emails": rows,
                "stalled": report.stalled,
                "held_back": report.held_back,
            }
        )
        return
    table(rows, ["kind", "to", "hub_id", "detail"], title="would send" if dry_run else "queued")
    if report.stalled:
        console.print(f"stalled: Hubs {', '.join(map(str, report.stalled))}")
    if report.held_back:
        console.print(f"{report.held_back} contacts already reminded today: tomorrow")


@app.command("coverage")
def coverage_command(
    as_json: bool = JSON,
    csv_path: Path | None = typer.Option(None, "--csv", help="Also write the House table here."),
) -> None:
    """The 160 House districts: listed Hub(s), in progress, or none; and a Senate roll-up."""
    with reported(), session_factory()() as session:
        result = coverage_service.coverage(session)
    data = views.coverage(result)
    if csv_path is not None:
        views.write_coverage_csv(data["house"], csv_path)
    if as_json:
        emit_json(data)
        return
    counts = data["counts"]
    console.print(
        f"{counts['listed']} listed, {counts['in_progress']} in progress, "
        f"{counts['none']} with no Hub, of {counts['house_districts']} House districts; "
        f"{counts['cosponsors']} of {counts['legislators']} legislators co-sponsor, "
        f"{counts['legislators_with_a_hub']} have a Hub working on them"
    )
    table(
        [d for d in data["house"] if d["status"] != "none"],
        ["district", "legislator", "stance", "status", "hubs"],
        title="House districts with Hubs",
    )
    table(
        [d for d in data["senate"] if d["hubs"]],
        ["district", "legislator", "stance", "hubs"],
        title="Senators Hubs are working on",
    )


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput.one(
            "now", f"{value!r} is not an ISO date-time, e.g. 2026-03-02T09:00-05:00"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(get_settings().policy.timezone))
    return when.astimezone(UTC)


if __name__ == "__main__":
    app()
