"""The domain's vocabularies, each carrying its own rules."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a Hub is on its way to being listed (SPEC §2)."""

    INTEREST = "interest"
    FIRST_ACTION = "first_action"
    ONBOARDING = "onboarding"
    STRATEGIC_PLAN = "strategic_plan"
    LISTED = "listed"

    @property
    def order(self) -> int:
        return list(Stage).index(self)

    def next(self) -> Stage | None:
        """The stage an approval leads to, or None from `listed`."""
        order = list(Stage)
        return order[self.order + 1] if self.order + 1 < len(order) else None

    def previous(self) -> Stage | None:
        """The stage staff can move a Hub back to, or None from `interest`."""
        return list(Stage)[self.order - 1] if self.order > 0 else None

    def takes_submission(self) -> bool:
        """Whether a Hub leaves this stage by handing in a submission."""
        return self is not Stage.LISTED

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]


_STAGE_LABELS = {
    Stage.INTEREST: "Interest",
    Stage.FIRST_ACTION: "First action",
    Stage.ONBOARDING: "Onboarding",
    Stage.STRATEGIC_PLAN: "Strategic plan",
    Stage.LISTED: "Listed",
}


class Status(StrEnum):
    """How a Hub is doing, independent of its stage."""

    ACTIVE = "active"
    STALLED = "stalled"
    PAUSED = "paused"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"

    def is_open(self) -> bool:
        """A Hub that can act and be acted on (submit, be reviewed, advance)."""
        return self in (Status.ACTIVE, Status.STALLED)

    def clock_runs(self) -> bool:
        """Whether deadlines and reminders apply."""
        return self.is_open()

    def is_final(self) -> bool:
        return self in (Status.WITHDRAWN, Status.DECLINED)


class HubKind(StrEnum):
    SINGLE_ISSUE = "single_issue"
    MULTI_ISSUE = "multi_issue"


class SubmissionState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    def is_decided(self) -> bool:
        return self is not SubmissionState.PENDING


class Decision(StrEnum):
    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"
    DECLINE = "decline"

    @property
    def resulting_state(self) -> SubmissionState:
        return {
            Decision.APPROVE: SubmissionState.APPROVED,
            Decision.REQUEST_CHANGES: SubmissionState.CHANGES_REQUESTED,
            Decision.DECLINE: SubmissionState.DECLINED,
        }[self]

    def needs_comment(self) -> bool:
        return self is not Decision.APPROVE


class ReviewKind(StrEnum):
    INTRO_CALL = "intro_call"
    SUBMISSION = "submission"
    CHECK_IN = "check_in"


class ReviewState(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Chamber(StrEnum):
    HOUSE = "house"
    SENATE = "senate"


class Stance(StrEnum):
    """A legislator's position on Medicare for All, weakest first."""

    NOT_COSPONSOR = "not_cosponsor"
    COSPONSOR = "cosponsor"
    CAUCUS_MEMBER = "caucus_member"
    CHAMPION = "champion"

    @property
    def rank(self) -> int:
        return list(Stance).index(self)

    def allows(self, goal: Goal) -> bool:
        """Whether `goal` still means something for a legislator with this stance."""
        return self.rank < _GOAL_CEILING.get(goal, len(Stance))


class Goal(StrEnum):
    WIN_COSPONSORSHIP = "win_cosponsorship"
    JOIN_CAUCUS = "join_caucus"
    COHOST_EVENT = "cohost_event"
    PERSUADE_COLLEAGUES = "persuade_colleagues"


# A goal is only open to legislators whose stance ranks below its ceiling:
# a co-sponsor cannot be won as a co-sponsor, a caucus member cannot join the caucus.
_GOAL_CEILING = {
    Goal.WIN_COSPONSORSHIP: Stance.COSPONSOR.rank,
    Goal.JOIN_CAUCUS: Stance.CAUCUS_MEMBER.rank,
}


class ActionKind(StrEnum):
    CANVASS = "canvass"
    PHONEBANK = "phonebank"
    DELEGATION = "delegation"
    EDUCATIONAL_EVENT = "educational_event"


class OnboardingProcess(StrEnum):
    MONTHLY_MEETING = "monthly_meeting"
    ONE_ON_ONE = "one_on_one"
    OTHER = "other"


class TargetRole(StrEnum):
    STATE_REP = "state_rep"
    STATE_SENATOR = "state_senator"
    MEMBER_OF_CONGRESS = "member_of_congress"


class ContactRole(StrEnum):
    PRIMARY = "primary"
    ONBOARDING = "onboarding"
