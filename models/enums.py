"""The domain's vocabularies, each carrying its own rules."""

from __future__ import annotations

from enum import StrEnum


class Worded(StrEnum):
    """A vocabulary whose values are codes: `label` is what a person reads."""

    @property
    def label(self) -> str:
        # Keyed by class too: Stage.ONBOARDING and ContactRole.ONBOARDING are equal strings.
        return _WORDS[type(self), self.value]


class Term(Worded):
    """Words a campaign chooses for itself (hubflow/campaign.py): its team, its state, and
    what it calls one of the districts it covers."""

    TEAM = "team"
    STATE = "state"
    DISTRICT = "district"


class Stage(Worded):
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


class Status(Worded):
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


class HubKind(Worded):
    SINGLE_ISSUE = "single_issue"
    MULTI_ISSUE = "multi_issue"


class SubmissionState(Worded):
    PENDING = "pending"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    def is_decided(self) -> bool:
        return self is not SubmissionState.PENDING


class Decision(Worded):
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


class ReviewKind(Worded):
    INTRO_CALL = "intro_call"
    SUBMISSION = "submission"
    CHECK_IN = "check_in"
    FOLLOW_UP = "follow_up"
    MOVE_CLAIM = "move_claim"  # a Hub says a legislator moved: staff confirm or decline


class ClaimState(Worded):
    """A Hub's claim that a legislator moved, as staff have (or have not yet) judged it."""

    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class NoteKind(Worded):
    """What a staff note records."""

    INTRO_CALL = "intro_call"
    PHONE = "phone"
    MEETING = "meeting"
    OTHER = "other"


class ReviewState(Worded):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class Chamber(Worded):
    HOUSE = "house"
    SENATE = "senate"
    US_HOUSE = "us_house"
    US_SENATE = "us_senate"

    @property
    def state(self) -> bool:
        """A chamber of the state legislature (not Congress)."""
        return self in (Chamber.HOUSE, Chamber.SENATE)


class Stance(Worded):
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


class Goal(Worded):
    WIN_COSPONSORSHIP = "win_cosponsorship"
    JOIN_CAUCUS = "join_caucus"
    COHOST_EVENT = "cohost_event"
    PERSUADE_COLLEAGUES = "persuade_colleagues"
    # For Members of Congress, who vote on the federal bill, not the state one.
    COSPONSOR_FEDERAL = "cosponsor_federal"
    PUBLIC_STATEMENT = "public_statement"

    def fits(self, role: TargetRole) -> bool:
        """Whether a legislator in `role` can meet this goal: the state bill, its caucus and
        committee are the state legislature's; Congress has the federal bill."""
        federal = self in (Goal.COSPONSOR_FEDERAL, Goal.PUBLIC_STATEMENT)
        return federal == (role is TargetRole.MEMBER_OF_CONGRESS)


# A goal is only open to legislators whose stance ranks below its ceiling:
# a co-sponsor cannot be won as a co-sponsor, a caucus member cannot join the caucus.
_GOAL_CEILING = {
    Goal.WIN_COSPONSORSHIP: Stance.COSPONSOR.rank,
    Goal.JOIN_CAUCUS: Stance.CAUCUS_MEMBER.rank,
    Goal.COSPONSOR_FEDERAL: Stance.COSPONSOR.rank,
}


class ActionKind(Worded):
    CANVASS = "canvass"
    PHONEBANK = "phonebank"
    DELEGATION = "delegation"
    EDUCATIONAL_EVENT = "educational_event"


class OnboardingProcess(Worded):
    MONTHLY_MEETING = "monthly_meeting"
    ONE_ON_ONE = "one_on_one"
    OTHER = "other"


class TargetRole(Worded):
    STATE_REP = "state_rep"
    STATE_SENATOR = "state_senator"
    MEMBER_OF_CONGRESS = "member_of_congress"


class ContactRole(Worded):
    PRIMARY = "primary"
    ONBOARDING = "onboarding"


# What a person reads for each code (pages, emails, CLI tables). Sentence case: these
# are used mid-sentence as well as in headings (`|lower` where needed).
WORDS: list[tuple[Worded, str]] = [
    (Term.TEAM, "GO! Team"),
    (Term.STATE, "Massachusetts"),
    (Term.DISTRICT, "State Rep district"),
    (Stage.INTEREST, "Interest"),
    (Stage.FIRST_ACTION, "First action"),
    (Stage.ONBOARDING, "Onboarding"),
    (Stage.STRATEGIC_PLAN, "Strategic plan"),
    (Stage.LISTED, "Listed"),
    (Status.ACTIVE, "Active"),
    (Status.STALLED, "Stalled"),
    (Status.PAUSED, "Paused"),
    (Status.WITHDRAWN, "Withdrawn"),
    (Status.DECLINED, "Declined"),
    (HubKind.SINGLE_ISSUE, "Formed for single-payer advocacy"),
    (HubKind.MULTI_ISSUE, "A multi-issue group committing to single-payer work"),
    (SubmissionState.PENDING, "Waiting for a decision"),
    (SubmissionState.APPROVED, "Approved"),
    (SubmissionState.CHANGES_REQUESTED, "Changes requested"),
    (SubmissionState.DECLINED, "Declined"),
    (SubmissionState.WITHDRAWN, "Withdrawn"),
    (Decision.APPROVE, "Approve"),
    (Decision.REQUEST_CHANGES, "Request changes"),
    (Decision.DECLINE, "Decline"),
    (ReviewKind.INTRO_CALL, "Intro call"),
    (ReviewKind.SUBMISSION, "Review a submission"),
    (ReviewKind.CHECK_IN, "Check in"),
    (ReviewKind.FOLLOW_UP, "Follow up"),
    (ReviewKind.MOVE_CLAIM, "Confirm a legislator's move"),
    (ClaimState.PENDING, "Waiting for the team to confirm"),
    (ClaimState.CONFIRMED, "Confirmed"),
    (ClaimState.DECLINED, "Not confirmed"),
    (NoteKind.INTRO_CALL, "Intro call"),
    (NoteKind.PHONE, "Phone call"),
    (NoteKind.MEETING, "Meeting"),
    (NoteKind.OTHER, "Note"),
    (ReviewState.OPEN, "Open"),
    (ReviewState.DONE, "Done"),
    (ReviewState.CANCELLED, "Cancelled"),
    (Chamber.HOUSE, "House"),
    (Chamber.SENATE, "Senate"),
    (Chamber.US_HOUSE, "U.S. House"),
    (Chamber.US_SENATE, "U.S. Senate"),
    (Stance.NOT_COSPONSOR, "Not a co-sponsor"),
    (Stance.COSPONSOR, "Co-sponsor"),
    (Stance.CAUCUS_MEMBER, "Medicare for All Caucus member"),
    (Stance.CHAMPION, "Champion"),
    (Goal.WIN_COSPONSORSHIP, "Win co-sponsorship"),
    (Goal.JOIN_CAUCUS, "Join the caucus"),
    (Goal.COHOST_EVENT, "Co-host a district event"),
    (Goal.PERSUADE_COLLEAGUES, "Persuade colleagues (e.g. Health Care Financing)"),
    (Goal.COSPONSOR_FEDERAL, "Co-sponsor the federal bill"),
    (Goal.PUBLIC_STATEMENT, "Speak up for it in public (a statement, an op-ed, a town hall)"),
    (ActionKind.CANVASS, "Canvass"),
    (ActionKind.PHONEBANK, "Phonebank"),
    (ActionKind.DELEGATION, "Delegation to a legislator"),
    (ActionKind.EDUCATIONAL_EVENT, "Educational event"),
    (OnboardingProcess.MONTHLY_MEETING, "A monthly meeting"),
    (OnboardingProcess.ONE_ON_ONE, "One-on-one meetings"),
    (OnboardingProcess.OTHER, "Another way"),
    (TargetRole.STATE_REP, "State Representative"),
    (TargetRole.STATE_SENATOR, "State Senator"),
    (TargetRole.MEMBER_OF_CONGRESS, "Member of Congress"),
    (ContactRole.PRIMARY, "Primary contact"),
    (ContactRole.ONBOARDING, "Contact for new people"),
]
_BASE = {(type(member), member.value): words for member, words in WORDS}
_WORDS = dict(_BASE)


def reword(words: dict[tuple[type, str], str]) -> None:
    """A campaign's own words for some codes (its first actions, its chambers, its
    committee), on top of the table above; `reword({})` restores the table."""
    _WORDS.clear()
    _WORDS.update(_BASE)
    _WORDS.update(words)
