"""What happens when: every consequence of every domain event, in one table (SPEC §3).

Each reaction runs inside the transaction that marks its event processed, and every
side effect it has carries a deterministic identity derived from the event, so running
the same event twice changes nothing. The emails that follow the clock rather than an
event (reminders, the daily digest) are queued by tasks/reactions/clock.py; no email is
queued anywhere else (tests/unit/test_floors.py checks).
"""

from __future__ import annotations

from collections.abc import Callable

from models.events import EventType
from tasks.reactions.announce import ask_approval, cancel_run, email_test, schedule_run
from tasks.reactions.events import (
    email_address_confirmed,
    email_changes_requested,
    email_declined,
    email_fresh_link,
    email_interest_received,
    email_new_owner,
    email_reopened,
    email_stage_approved,
    email_submission_received,
    escalate_stall,
    imported,
    open_intro_call,
    open_submission_review,
    publish_directory,
    publish_if_it_was_listed,
    publish_if_listed,
)
from tasks.reactions.newcomers import introduce_waiting, route_newcomer
from tasks.reactions.progress import (
    email_move_declined,
    email_report_received,
    email_revision_decided,
    open_claim_reviews,
    tell_hubs_targeting,
)
from tasks.reactions.reaction import Reaction

ReactionFn = Callable[[Reaction], None]

# The stage's due date is not here: the domain sets it in the same transaction as the
# stage change itself (models/services/common.py: move), so it is never stale.
REACTIONS: dict[EventType, tuple[ReactionFn, ...]] = {
    EventType.INTEREST_SUBMITTED: (email_interest_received, open_intro_call),
    EventType.SUBMISSION_RECEIVED: (email_submission_received, open_submission_review),
    EventType.SUBMISSION_APPROVED: (email_stage_approved,),
    EventType.CHANGES_REQUESTED: (email_changes_requested,),
    EventType.SUBMISSION_DECLINED: (email_declined, publish_if_it_was_listed),
    EventType.STAGE_ENTERED: (),
    EventType.LISTED: (publish_directory, introduce_waiting),
    EventType.MOVED_BACK: (publish_if_it_was_listed,),
    EventType.WITHDRAWN: (publish_if_it_was_listed,),
    EventType.PAUSED: (),
    EventType.RESUMED: (),
    EventType.STALLED: (escalate_stall,),
    EventType.REVIEW_REASSIGNED: (email_new_owner,),
    EventType.STANCE_CHANGED: (tell_hubs_targeting,),
    EventType.HUB_IMPORTED: (imported,),
    EventType.LINK_REQUESTED: (email_fresh_link,),
    EventType.REOPENED: (email_reopened,),
    EventType.ADDRESS_CONFIRMED: (email_address_confirmed,),
    EventType.CORRECTED: (publish_if_listed,),
    EventType.CONTACT_FORGOTTEN: (),
    EventType.CONTACTS_EXPORTED: (),
    EventType.ANNOUNCEMENT_SCHEDULED: (schedule_run,),
    EventType.ANNOUNCEMENT_CANCELLED: (cancel_run,),
    EventType.ANNOUNCEMENT_TEST: (email_test,),
    EventType.ANNOUNCEMENT_AWAITING: (ask_approval,),
    EventType.NEWCOMER_SIGNED_UP: (route_newcomer,),
    EventType.NEWCOMER_FOLLOWED_UP: (),
    EventType.PROGRESS_REPORTED: (email_report_received, open_claim_reviews),
    EventType.MOVE_DECLINED: (email_move_declined,),
    EventType.REVISION_DECIDED: (email_revision_decided,),
}

__all__ = ["REACTIONS", "Reaction", "ReactionFn"]
