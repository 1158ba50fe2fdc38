"""What people hand in: the interest form and the evidence each stage needs (SPEC §2).

Validation is pure (pydantic, no database). `parse` turns any failure into InvalidInput
whose keys name the field, e.g. `targets.0.goal`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models.enums import (
    ActionKind,
    Goal,
    HubKind,
    OnboardingProcess,
    Stage,
    Stance,
    TargetRole,
    Term,
)
from models.errors import InvalidInput
from models.parsing import field_error, parse
from models.words import longday

_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(value: str) -> str:
    """A name or a short answer: one line, no control characters (they would break the
    headers of the emails that carry it)."""
    # "=?…?=" would be read as an encoded header word: the email would show another name.
    if _BREAKS.search(value) or "=?" in value:
        raise ValueError("keep it on one line, without special characters")
    return value


def _deliverable(value: str) -> str:
    """An address both email backends can deliver to: ASCII only (an address with other
    letters needs SMTPUTF8, which not every mail server along the way speaks)."""
    if not value.isascii():
        raise ValueError("use an address with only plain letters, digits and . _ + - @")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_one_line),
]
Email = Annotated[EmailStr, AfterValidator(_deliverable)]
GroupName = Annotated[
    str, StringConstraints(min_length=2, max_length=120), AfterValidator(_one_line)
]
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _us_date(value: Any) -> Any:
    """A date typed as the browser's own date control shows it in the U.S. (3/14/2026) is
    the same day as 2026-03-14; anything else is left to the date parser."""
    if isinstance(value, str) and (found := _US_DATE.match(value.strip())):
        month, day, year = (int(part) for part in found.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            return value
    return value


Day = Annotated[dt.date, BeforeValidator(_us_date)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=5000)]
_PHONE_DIGITS = re.compile(r"\d")
_PHONE_CHARS = re.compile(r"^[\d\s().+\-x]+$")


def check_phone(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("this is required")
    digits = len(_PHONE_DIGITS.findall(value))
    if not _PHONE_CHARS.match(value) or not 10 <= digits <= 15:
        raise ValueError("enter a phone number with 10 to 15 digits, e.g. 617-555-0123")
    return value


def already_happened(value: dt.date, info: ValidationInfo, who: str = "it must") -> dt.date:
    """A day that is not after the campaign's today (given as the validation's context)."""
    today = (info.context or {}).get("today")
    if today is not None and value > today:
        raise ValueError(f"{who} already have happened (today is {longday(today, today=today)})")
    return value


class _Form(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class InterestForm(_Form):
    """The `/join` form, also what `hubflow hubs add` records for an interest taken by phone."""

    group_name: GroupName
    kind: HubKind
    towns: list[Text] = Field(min_length=1, max_length=30)
    district: Text
    contact_name: Text
    email: Email
    phone: str
    first_action_idea: str = Field("", max_length=2000)
    consent_to_contact: bool

    @field_validator("towns", mode="before")
    @classmethod
    def _split_towns(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [t.strip() for t in value.split(",") if t.strip()]
        return value

    _phone = field_validator("phone")(classmethod(lambda cls, v: check_phone(v)))

    @field_validator("consent_to_contact")
    @classmethod
    def _must_consent(cls, value: bool) -> bool:
        if not value:
            raise ValueError(
                f"the {Term.TEAM.label} can only follow up if you agree to be contacted"
            )
        return value

    def dedup_key(self) -> str:
        return dedup_key(self.group_name, str(self.email))


def dedup_key(group_name: str, email: str) -> str:
    """Same group name and contact email means the same interest (a double-click, or a Hub
    imported that already joined)."""
    name = re.sub(r"\s+", " ", group_name).casefold()
    return f"{name}|{email.casefold()}"


class FreshLinkRequest(_Form):
    """A Hub contact asking for a fresh link to the Hub's page."""

    email: Email


class FirstActionReport(_Form):
    """A Hub's report of its first action for Medicare for All."""

    kind: ActionKind
    date: Day
    description: LongText
    participants: int = Field(ge=1, le=100_000)

    @field_validator("date")
    @classmethod
    def _not_in_future(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        return already_happened(value, info, "the action must")


class OnboardingContact(_Form):
    name: Text
    email: Email
    phone: str

    _phone = field_validator("phone")(classmethod(lambda cls, v: check_phone(v)))


class OnboardingSetup(_Form):
    """Who new people reach, and how they are brought in."""

    contacts: list[OnboardingContact] = Field(min_length=1, max_length=5)
    process: OnboardingProcess
    # Checked against the process field by field (not after the whole form is valid), so
    # that every error comes in one answer.
    schedule: str = Field("", max_length=500, validate_default=True)
    description: str = Field("", max_length=5000, validate_default=True)
    consent_to_publish: bool

    @field_validator("schedule")
    @classmethod
    def _schedule_given(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("process") is OnboardingProcess.MONTHLY_MEETING and not value.strip():
            raise ValueError("say when the monthly meeting happens")
        return value

    @field_validator("description")
    @classmethod
    def _process_described(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("process") is OnboardingProcess.OTHER and len(value.strip()) < 10:
            raise ValueError("describe the on-boarding process in a sentence or two")
        return value


class PlanTarget(_Form):
    """One legislator the plan sets out to move."""

    role: TargetRole
    legislator: Text
    # What an integer column holds on every database: a longer id names no one.
    legislator_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    stance: Stance
    goal: Goal
    tactics: LongText
    target_date: Day

    @field_validator("goal")
    @classmethod
    def _goal_fits_stance(cls, value: Goal, info: ValidationInfo) -> Goal:
        # A field validator, not a model one: it runs even when other fields are wrong.
        role, stance = info.data.get("role"), info.data.get("stance")
        if isinstance(role, TargetRole) and not value.fits(role):
            raise ValueError(
                f"“{value.label}” is not a goal for a {role.label}: "
                + (
                    "Members of Congress vote on the federal bill, not the state one"
                    if role is TargetRole.MEMBER_OF_CONGRESS
                    else "choose a goal in the state legislature"
                )
            )
        if isinstance(stance, Stance) and not stance.allows(value):
            raise ValueError(
                f"“{value.label}” does not fit a legislator who is already "
                f"“{stance.label}”: choose a goal beyond where they stand"
            )
        return value

    @field_validator("target_date")
    @classmethod
    def _target_ahead(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        today = (info.context or {}).get("today")
        if today is not None and value < today:
            raise ValueError(
                f"the target date must not be in the past (today is {longday(today, today=today)})"
            )
        return value


class StrategicPlan(_Form):
    """The plan: its State Rep (required), and optionally its Senator and Members of Congress."""

    targets: list[PlanTarget] = Field(min_length=1, max_length=12)

    @model_validator(mode="after")
    def _its_state_reps(self) -> StrategicPlan:
        # One State Rep, or each of a district's several (Vermont, New Hampshire).
        roles = [t.role for t in self.targets]
        if TargetRole.STATE_REP not in roles:
            raise field_error("targets", "the plan needs its State Rep as a target")
        chosen = [t.legislator_id for t in self.targets if t.legislator_id is not None]
        if len(chosen) != len(set(chosen)):
            raise field_error("targets", "the plan names the same legislator twice")
        return self


EVIDENCE: dict[Stage, type[_Form]] = {
    Stage.INTEREST: InterestForm,
    Stage.FIRST_ACTION: FirstActionReport,
    Stage.ONBOARDING: OnboardingSetup,
    Stage.STRATEGIC_PLAN: StrategicPlan,
}


def parse_evidence(stage: Stage, payload: Any, *, today: dt.date) -> BaseModel:
    """Validate what a Hub hands in to leave `stage`."""
    if stage not in EVIDENCE:
        raise InvalidInput.one("stage", f"nothing can be submitted for {stage.value}")
    return parse(EVIDENCE[stage], payload, today=today, prefix="payload.")
