"""Dates, times and values as a person reads them: in the campaign's time zone, with the
year only when it is not this year, never an ISO string or a Python value."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any


def day(value: date | str | None, *, today: date) -> str:
    """'Nov 26', or 'Nov 26, 2025' outside this year."""
    value = as_date(value)
    if value is None:
        return ""
    text = f"{value:%b} {value.day}"
    return text if value.year == today.year else f"{text}, {value.year}"


def longday(value: date | str | None, *, today: date | None) -> str:
    """'Thursday, November 26', or 'Thursday, November 26, 2025' outside this year (or
    always, with no `today`: an email is read days later, perhaps in another year)."""
    value = as_date(value)
    if value is None:
        return ""
    text = f"{value:%A}, {value:%B} {value.day}"
    return text if today is not None and value.year == today.year else f"{text}, {value.year}"


def when(value: datetime | None, *, tz: tzinfo, now: datetime) -> str:
    """'Nov 26, 2:05 PM EST' in the campaign's zone (the year when not this year)."""
    if value is None:
        return ""
    local = value.astimezone(tz)
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local:%M} {local:%p} {local.tzname()}"
    return f"{day(local.date(), today=now.astimezone(tz).date())}, {clock}"


def as_date(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def yes_no(value: Any) -> str:
    return "Yes" if value else "No"


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 Hub', '3 Hubs', '1,200 Hubs'."""
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def days_from(due: date | None, today: date) -> str:
    """'due today', 'due in 3 days', '5 days past the deadline' for a due date."""
    if due is None:
        return ""
    delta = (due - today).days
    if delta == 0:
        return "due today"
    if delta > 0:
        return f"due in {plural(delta, 'day')}"
    return f"{plural(-delta, 'day')} past the deadline"
