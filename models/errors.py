"""Errors the domain raises; each says what went wrong in words a person can act on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import TypeVar


class HubflowError(Exception):
    """Base for every error hubflow reports to a person."""


class InvalidInput(HubflowError):
    """Input that failed validation; `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))

    @classmethod
    def one(cls, field: str, message: str) -> InvalidInput:
        return cls({field: message})


class NotFound(HubflowError):
    """A thing referred to by id or name that does not exist."""

    def __init__(self, what: str, key: object) -> None:
        self.what, self.key = what, key
        super().__init__(f"{what} {key!r} not found")


class TransitionNotAllowed(HubflowError):
    """An action the lifecycle forbids in the Hub's current stage or status."""


class AlreadyDecided(HubflowError):
    """A submission someone else decided first."""

    def __init__(self, *, submission_id: int, state: str, by: str, at: datetime | None) -> None:
        self.submission_id, self.state, self.by, self.at = submission_id, state, by, at
        when = f"{at:%b} {at.day}, {at:%Y %H:%M} UTC" if at else "an earlier time"
        verb = {"changes_requested": "sent back for changes"}.get(state, state)
        who = by.partition(":")[2] or by
        super().__init__(f"submission {submission_id} was already {verb} by {who} at {when}")


E = TypeVar("E", bound=StrEnum)


def choice(enum: type[E], value: str, field: str) -> E:
    """`value` as a member of `enum`, or InvalidInput naming the field and the choices."""
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(m.value for m in enum)
        raise InvalidInput.one(field, f"{value!r} is not one of {choices}") from None
