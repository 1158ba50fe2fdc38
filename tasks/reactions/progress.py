"""What follows a listed Hub's progress report and staff's word on a move (#32): the Hub
thanked, each claimed move a review task, every Hub whose plan targets a legislator told
when the legislator's stance changes, and a Hub told why a move it claimed was declined."""

from __future__ import annotations

from models.email import MessageKind
from models.enums import ReviewKind, Stage, Stance
from models.hub import Hub
from models.legislature import Legislator
from models.progress import ProgressReport, ReportAction
from models.services import progress_views
from models.services.progress import claim_key
from models.services.review_tasks import ensure_review_task, review_due
from tasks.reactions.contexts import task_context
from tasks.reactions.events import tell_owner
from tasks.reactions.reaction import Reaction


def email_report_received(r: Reaction) -> None:
    """Thank the Hub, say which moves wait for staff and when its next report is due."""
    report = r.session.get(ProgressReport, r.payload["report_id"])
    if report is None:
        raise ValueError(f"event {r.event.uid} names a report that does not exist")
    r.email_hub(
        MessageKind.PROGRESS_RECEIVED,
        report={
            "version": report.version,
            "actions": [a.legislator_name for a in report.actions],
            "claims": [
                {"legislator": a.legislator_name, "stance": a.claimed_stance.label}
                for a in report.actions
                if a.claimed_stance is not None
            ],
        },
        review_days=r.settings.policy.review_due_days,
    )


def open_claim_reviews(r: Reaction) -> None:
    """Each move the report claims: a task for the Hub's owner on staff to confirm it."""
    hub = r.require_hub()
    for action_id in r.payload.get("claims", []):
        action = r.session.get(ReportAction, action_id)
        if action is None or action.claimed_stance is None:
            continue
        task, opened = ensure_review_task(
            r.session,
            key=claim_key(action.id),
            hub=hub,
            kind=ReviewKind.MOVE_CLAIM,
            stage=Stage.LISTED,
            title=(
                f"Confirm {action.legislator_name} is now “{action.claimed_stance.label}” "
                f"({hub.name})"
            ),
            due=review_due(r.settings.policy.today(r.now), r.settings.policy.review_due_days),
            now=r.now,
        )
        if opened:
            r.tasks_opened.append(task.id)
            tell_owner(
                r,
                task,
                MessageKind.REVIEW_ASSIGNED,
                key=f"review-{task.id}/assigned/{task.owner_id}/{r.event.uid}",
                task=task_context(task, r.settings),
            )


def tell_hubs_targeting(r: Reaction) -> None:
    """A legislator's stance changed (confirmed from a report, typed by staff or from the
    co-sponsor list): every open Hub whose plan targets them hears it, once."""
    legislator = r.session.get(Legislator, r.payload["legislator_id"])
    if legislator is None:
        return
    before, after = Stance(r.payload["from_stance"]), Stance(r.payload["to_stance"])
    credited_id = r.payload.get("credited_hub_id")
    credited = r.session.get(Hub, credited_id) if credited_id else None
    for hub in progress_views.hubs_targeting(r.session, legislator.id):
        r.email_hub(
            MessageKind.LEGISLATOR_MOVED,
            to_hub=hub,
            legislator={
                "name": legislator.name,
                "from": before.label,
                "to": after.label,
                "rose": after.rank > before.rank,
            },
            credited=({"name": credited.name, "mine": credited.id == hub.id} if credited else None),
        )


def email_move_declined(r: Reaction) -> None:
    legislator = r.session.get(Legislator, r.payload["legislator_id"])
    if legislator is None:
        return
    r.email_hub(
        MessageKind.MOVE_DECLINED,
        legislator={
            "name": legislator.name,
            "claimed": Stance(r.payload["claimed"]).label,
            "now": legislator.stance.label,
        },
        reason=r.payload["reason"],
    )


def email_revision_decided(r: Reaction) -> None:
    """A listed Hub's revised plan: approved (now its plan), sent back, or declined (its
    approved plan stays), with the staff comment."""
    r.email_hub(
        MessageKind.REVISION_DECIDED,
        decision=r.payload["decision"],
        version=r.payload["version"],
        comment=r.payload["comment"],
    )
