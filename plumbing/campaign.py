"""The campaign hubflow runs, from one TOML file (`plumbing/data/campaign.toml` is
Mass-Care's, the default): its name and team, its state and the chamber it covers, the
bill and committee it works on, its zone, addresses, deadlines and first-action words.

Checked whole when it is read: every wrong key is named with its reason, and nothing
starts on a file that is not right.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from models.enums import ActionKind, Chamber, Goal, Stance, TargetRole, Term, reword
from models.errors import HubflowError
from plumbing.campaign_checks import Address, ChamberName, digest, keep, legislatures, recorded

Text = Field(min_length=1, max_length=200)

DEFAULT_FILE = Path(__file__).parent / "data" / "campaign.toml"


class CampaignError(HubflowError):
    """A campaign file hubflow cannot run on; `problems` maps each key to its reason."""

    def __init__(self, path: Path, problems: dict[str, str]) -> None:
        self.path, self.problems = path, problems
        lines = "\n  ".join(f"{key}: {reason}" for key, reason in problems.items())
        super().__init__(f"the campaign file {path} is not right:\n  {lines}")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Coverage(_Section):
    chamber: Literal["lower", "legislature"] = "lower"
    goal: str = Text
    district: str = Text


class Bill(_Section):
    name: str = Text
    number: str = Field("", max_length=100)
    link: str = Field("", max_length=500)

    @field_validator("link")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be a web address starting with https:// (or empty)")
        return value


class Committee(_Section):
    name: str = Text
    full: str = Text


class Deadlines(_Section):
    interest: int = Field(ge=1, le=365)
    first_action: int = Field(ge=1, le=365)
    onboarding: int = Field(ge=1, le=365)
    strategic_plan: int = Field(ge=1, le=365)
    changes_requested: int = Field(ge=1, le=365)
    # A listed Hub reports on its plan this often (its check-in rhythm).
    listed: int = Field(90, ge=7, le=365)


class FirstActions(_Section):
    canvass: str = Text
    phonebank: str = Text
    delegation: str = Text
    educational_event: str = Text


class Announcements(_Section):
    # An announcement to more people than this waits for a second staff member's
    # approval before it can go; 0: never.
    approval_over: int = Field(200, ge=0)


class Progress(_Section):
    # What a listed Hub may say it did with a legislator: a code and the form's words.
    actions: dict[str, str] = Field(
        default_factory=lambda: {
            "meeting": "A meeting with the legislator or their staff",
            "call": "A call to their office",
            "letter": "Letters or emails",
            "district_event": "A district event",
            "testimony": "Public testimony",
            "other": "Something else",
        },
        min_length=1,
        max_length=12,
    )
    # The day this legislative session began ("moved this session"); left out: January 1st
    # of the last odd-numbered year, when most legislatures start their two-year session.
    session_started: date | None = None

    def session_start(self, today: date) -> date:
        if self.session_started is not None:
            return self.session_started
        return date(today.year if today.year % 2 else today.year - 1, 1, 1)


class GetInvolved(_Section):
    # What a newcomer may say they would like to do: a code and the words the form shows.
    interests: dict[str, str] = Field(
        default_factory=lambda: {
            "canvass": "Knock on doors and talk with neighbours",
            "phonebank": "Make phone calls",
            "events": "Help at events",
            "legislators": "Meet our legislators",
            "other": "Something else: I'll say when we talk",
        },
        min_length=1,
        max_length=12,
    )


class Campaign(_Section):
    name: str = Text
    team: str = Text
    cause: str = Text
    state: str = Field(min_length=2, max_length=2)
    timezone: str
    from_email: Address
    reply_to: Address
    coverage: Coverage
    bill: Bill
    # The bill in Congress, if the campaign asks Members of Congress to co-sponsor one.
    federal_bill: Bill | None = None
    committee: Committee
    deadlines: Deadlines
    first_actions: FirstActions
    announcements: Announcements = Announcements()
    get_involved: GetInvolved = GetInvolved()
    progress: Progress = Progress()

    @field_validator("state")
    @classmethod
    def _a_state(cls, value: str) -> str:
        value = value.upper()
        if value not in legislatures():
            raise ValueError(f"{value!r} is not a state Open States knows (e.g. MA, VT, NE)")
        return value

    @field_validator("timezone")
    @classmethod
    def _a_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not a time zone, e.g. America/New_York") from None
        return value

    @model_validator(mode="after")
    def _the_chamber_exists(self) -> Campaign:
        legislature = legislatures()[self.state]
        if self.coverage.chamber not in legislature["chambers"]:
            has = "legislature" if "legislature" in legislature["chambers"] else "lower"
            raise ValueError(
                f"coverage.chamber: {legislature['name']} has no {self.coverage.chamber!r} "
                f"chamber; use {has!r}"
            )
        return self

    @property
    def state_name(self) -> str:
        return str(legislatures()[self.state]["name"])

    @property
    def covered(self) -> ChamberName:
        """The covered chamber's name and its members' title, as Open States gives them."""
        return ChamberName(**legislatures()[self.state]["chambers"][self.coverage.chamber])

    @property
    def upper(self) -> ChamberName | None:
        """The state's other chamber, or None for a unicameral legislature."""
        if self.coverage.chamber == "legislature":
            return None
        return ChamberName(**legislatures()[self.state]["chambers"]["upper"])

    @property
    def has_town_data(self) -> bool:
        """Whether hubflow ships town → district data for the state (Massachusetts only)."""
        return self.state == "MA"

    def words(self) -> dict[tuple[type, str], str]:
        """The vocabulary's words this campaign changes (see models.enums.reword)."""
        words: dict[tuple[type, str], str] = {
            (ActionKind, kind.value): getattr(self.first_actions, kind.value) for kind in ActionKind
        }
        words[Term, Term.TEAM.value] = self.team
        words[Term, Term.STATE.value] = self.state_name
        words[Term, Term.DISTRICT.value] = self.coverage.district
        words[Stance, Stance.CAUCUS_MEMBER.value] = f"{self.cause} Caucus member"
        words[Goal, Goal.PERSUADE_COLLEAGUES.value] = (
            f"Persuade colleagues (e.g. {self.committee.name})"
        )
        if self.federal_bill is not None:
            words[Goal, Goal.COSPONSOR_FEDERAL.value] = f"Co-sponsor {self.federal_bill.name}"
        words[Chamber, Chamber.HOUSE.value] = self.covered.name
        words[TargetRole, TargetRole.STATE_REP.value] = f"State {self.covered.title}"
        if self.upper is not None:
            words[Chamber, Chamber.SENATE.value] = self.upper.name
            words[TargetRole, TargetRole.STATE_SENATOR.value] = f"State {self.upper.title}"
        return words


def read_campaign(path: Path, *, record: Path | None = None, new_record: bool = False) -> Campaign:
    """The campaign in `path`, or CampaignError naming every wrong key and its reason.

    With `record` (`<data_dir>/campaign.checked`), a file whose addresses passed the full
    check once is not checked by email-validator again until it, hubflow's checks or
    email-validator change: `record` keeps the digest of what was checked. Only `hubflow
    init` starts a record (`new_record`): reading settings writes nothing in a folder
    hubflow did not set up (the current one, by default)."""
    try:
        text = path.read_bytes()
        raw = tomllib.loads(text.decode("utf-8"))
    except FileNotFoundError:
        raise CampaignError(path, {"file": "does not exist"}) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CampaignError(path, {"file": f"not valid TOML ({exc})"}) from None
    checksum = digest(text) if record is not None else ""
    checked = bool(checksum) and recorded(record) == checksum
    try:
        campaign = Campaign.model_validate(raw, context={"addresses_checked": checked})
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for error in exc.errors():
            key = ".".join(str(part) for part in error["loc"]) or "file"
            reason = error["msg"].removeprefix("Value error, ")
            if error["type"] == "extra_forbidden":
                reason = "not a key hubflow knows"
            elif error["type"] == "missing":
                reason = "missing"
            if ": " in reason and key == "file":  # a check across keys names its own key
                key, _, reason = reason.partition(": ")
            problems.setdefault(key, reason)
        raise CampaignError(path, problems) from None
    as_written = (raw.get("from_email"), raw.get("reply_to"))
    if (
        record is not None
        and not checked
        and as_written == (campaign.from_email, campaign.reply_to)
        and (new_record or record.exists())
    ):
        keep(record, checksum)  # (an address the check rewrote is checked every time)
    return campaign


def use(campaign: Campaign) -> Campaign:
    """Make `campaign`'s words the vocabulary's, for this process."""
    reword(campaign.words())
    return campaign
