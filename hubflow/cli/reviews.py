"""`hubflow reviews …`: what waits for staff, and their decisions."""

from __future__ import annotations

import typer

from hubflow.cli.common import JSON, STAFF, database, example, reported

app = typer.Typer(
    help="Submissions waiting for staff.", no_args_is_help=True, rich_markup_mode=None
)

SUBMISSION = typer.Argument(..., help="The submission's number, as `hubflow reviews list` shows.")
TASK = typer.Argument(..., help="The task's number, as `hubflow reviews tasks` shows.")
FLAGS = {"staff": "--staff", "comment": "--comment", "decision": "the decision"}


@app.command("list", epilog=example("hubflow reviews list", "hubflow reviews list --json"))
def list_(as_json: bool = JSON) -> None:
    """Submissions waiting for a decision, oldest first."""
    from hubflow.cli import views
    from hubflow.cli.output import listing
    from models.services.queries import pending_submissions

    with reported(), database() as session:
        rows = [views.submission_row(s) for s in pending_submissions(session)]
    listing(
        rows,
        ["id", "hub_id", "hub", "stage", "version", "submitted_at"],
        title="Waiting for a decision",
        empty="Nothing is waiting for a decision.",
        as_json=as_json,
    )


@app.command("tasks", epilog=example("hubflow reviews tasks"))
def tasks(as_json: bool = JSON) -> None:
    """Open review tasks (intro calls, submission reviews, check-ins), most overdue first."""
    from hubflow.cli import views
    from hubflow.cli.output import listing
    from models.services.review_tasks import open_tasks

    with reported(), database() as session:
        rows = [views.review_row(t) for t in open_tasks(session)]
    listing(
        rows,
        ["id", "kind", "title", "owner_id", "due"],
        title="Open review tasks",
        empty="No review task is open.",
        as_json=as_json,
    )


@app.command("close", epilog=example("hubflow reviews close 7 --staff ann@masscare.org"))
def close(
    task_id: int = TASK,
    staff_email: str = STAFF,
    comment: str = typer.Option("", "--comment", help="What came of it; kept with the task."),
) -> None:
    """Mark a check-in task done."""
    from hubflow.cli.output import console
    from models.services.common import staff_by_email
    from models.services.review_tasks import close_task

    with reported(FLAGS), database() as session:
        member = staff_by_email(session, staff_email)
        task = close_task(session, task_id, staff_id=member.id, comment=comment)
        console.print(f"Review task {task.id} is done.")


def _decide(submission_id: int, decision: str, staff_email: str, comment: str) -> None:
    from hubflow.cli.output import console
    from models.services import queries
    from models.services.common import staff_by_email
    from models.services.reviews import decide
    from plumbing.settings import get_settings

    with reported(FLAGS), database() as session:
        member = staff_by_email(session, staff_email)
        sub = decide(
            session,
            submission_id,
            decision,
            staff_id=member.id,
            comment=comment,
            policy=get_settings().policy,
        )
        hub = queries.hub_detail(session, sub.hub_id).hub
        console.print(
            f"Submission {sub.id} ({sub.stage.label.lower()}) is {sub.state.label.lower()}: "
            f"Hub {hub.id}, {hub.name}, is at the {hub.stage.label.lower()} stage, "
            f"{hub.status.label.lower()}."
        )


COMMENT = typer.Option(..., "--comment", help="For the Hub: what to change, or why.")


@app.command("approve", epilog=example("hubflow reviews approve 3 --staff ann@masscare.org"))
def approve(
    submission_id: int = SUBMISSION,
    staff_email: str = STAFF,
    comment: str = typer.Option("", "--comment", help="A word for the Hub (optional)."),
) -> None:
    """Approve a submission: the Hub moves to its next stage."""
    _decide(submission_id, "approve", staff_email, comment)


@app.command(
    "request-changes",
    epilog=example(
        'hubflow reviews request-changes 3 --staff ann@masscare.org --comment "Add the date."'
    ),
)
def request_changes(
    submission_id: int = SUBMISSION, staff_email: str = STAFF, comment: str = COMMENT
) -> None:
    """Ask the Hub to change its submission, saying what."""
    _decide(submission_id, "request_changes", staff_email, comment)


@app.command(
    "decline",
    epilog=example('hubflow reviews decline 3 --staff ann@masscare.org --comment "Not in MA."'),
)
def decline(
    submission_id: int = SUBMISSION, staff_email: str = STAFF, comment: str = COMMENT
) -> None:
    """Decline a submission, saying why; the Hub is declined."""
    _decide(submission_id, "decline", staff_email, comment)
