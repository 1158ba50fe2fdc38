"""A listed Hub's progress report (#32), as it comes in: one row per legislator of its plan
that it worked on, each checked field by field so that every error is named at once."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, ValidationInfo, field_validator, model_validator

from models.enums import Stance
from models.forms import Day, _Form, already_happened
from models.parsing import field_error


class ReportedAction(_Form):
    """What the Hub did with one legislator of its plan (`target`: the plan row's id)."""

    target: int = Field(ge=1, le=2**31 - 1)
    kind: str = Field(min_length=1, max_length=40)
    done_on: Day
    people: int = Field(ge=1, le=100_000)
    response: str = Field(min_length=1, max_length=5000)
    # "They moved": the stance the Hub says the legislator now holds (or None).
    moved_to: Stance | None = None

    @field_validator("kind")
    @classmethod
    def _a_kind_of_action(cls, value: str, info: ValidationInfo) -> str:
        kinds = (info.context or {}).get("actions") or {}
        if value not in kinds:
            raise ValueError("choose one of: " + ", ".join(kinds.values()))
        return value

    @field_validator("done_on")
    @classmethod
    def _already_happened(cls, value: dt.date, info: ValidationInfo) -> dt.date:
        return already_happened(value, info)

    @field_validator("moved_to", mode="before")
    @classmethod
    def _none_when_empty(cls, value: object) -> object:
        return None if value in ("", "none") else value


class ProgressForm(_Form):
    """The report: the legislators worked on since the last one, and anything else."""

    actions: list[ReportedAction] = Field(default_factory=list, max_length=12)
    note: str = Field("", max_length=5000)

    @model_validator(mode="after")
    def _something_to_report(self) -> ProgressForm:
        if not self.actions and len(self.note.strip()) < 10:
            raise field_error(
                "actions",
                "tell us what you did with at least one legislator, or say in a sentence or "
                "two how your plan is going",
            )
        targets = [a.target for a in self.actions]
        if len(targets) != len(set(targets)):
            raise field_error("actions", "the report names the same legislator twice")
        return self
