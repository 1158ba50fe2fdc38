"""Domain event types: the vocabulary of what happened (SPEC §3)."""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    INTEREST_SUBMITTED = "hub.interest.submitted"
    SUBMISSION_RECEIVED = "hub.submission.received"
    SUBMISSION_APPROVED = "hub.submission.approved"
    CHANGES_REQUESTED = "hub.changes.requested"
    SUBMISSION_DECLINED = "hub.submission.declined"
    STAGE_ENTERED = "hub.stage.entered"
    MOVED_BACK = "hub.moved.back"
    LISTED = "hub.listed"
    STALLED = "hub.stalled"
    PAUSED = "hub.paused"
    RESUMED = "hub.resumed"
    WITHDRAWN = "hub.withdrawn"
    STANCE_CHANGED = "legislator.stance.changed"
    REVIEW_REASSIGNED = "review.reassigned"
    CONTACT_FORGOTTEN = "hub.contact.forgotten"
    CONTACTS_EXPORTED = "contacts.exported"
    HUB_IMPORTED = "hub.imported"
    LINK_REQUESTED = "hub.link.requested"
    REOPENED = "hub.reopened"
    ADDRESS_CONFIRMED = "hub.address.confirmed"
    CORRECTED = "hub.corrected"
    ANNOUNCEMENT_SCHEDULED = "announcement.scheduled"
    ANNOUNCEMENT_CANCELLED = "announcement.cancelled"
    ANNOUNCEMENT_TEST = "announcement.test.requested"
    ANNOUNCEMENT_AWAITING = "announcement.approval.asked"
    NEWCOMER_SIGNED_UP = "newcomer.signed_up"
    NEWCOMER_FOLLOWED_UP = "newcomer.followed_up"
    PROGRESS_REPORTED = "hub.progress.reported"
    MOVE_DECLINED = "hub.move.declined"
    REVISION_DECIDED = "hub.plan_revision.decided"
