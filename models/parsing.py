"""Validating what people type, and saying what is wrong in their words, each error on
its field (models/forms.py holds the forms themselves)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from models.errors import InvalidInput


class FieldError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def field_error(field: str, message: str) -> FieldError:
    """A model validator's error on one field of the form (pydantic puts it on the model)."""
    return FieldError(field, message)


F = TypeVar("F", bound=BaseModel)


def parse(
    model: type[F],
    data: Any,
    *,
    today: dt.date | None = None,
    prefix: str = "",
    context: dict[str, Any] | None = None,
) -> F:
    """Validate `data` as `model` (its validators given `today` and `context`), or raise
    InvalidInput keyed by field path."""
    if not isinstance(data, dict):
        raise InvalidInput.one(prefix.rstrip(".") or "payload", "expected an object of fields")
    try:
        return model.model_validate(data, context={"today": today, **(context or {})})
    except ValidationError as exc:
        raise InvalidInput(_errors_by_field(exc, prefix)) from None


def _errors_by_field(exc: ValidationError, prefix: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(part) for part in err["loc"]]
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            loc.append(cause.field)
        field = prefix + (".".join(loc) or "payload")
        errors.setdefault(field, _plain(err))
    return errors


def _plain(err: Any) -> str:
    """Pydantic's message, said the way a volunteer filling in a form would want it."""
    kind, ctx = err["type"], err.get("ctx") or {}
    blank = str(err.get("input", "")).strip() == ""
    empty = blank and kind in (
        "string_too_short",
        "date_parsing",
        "date_from_datetime_parsing",
        "int_parsing",  # an empty number is missing, not a wrong number
    )
    if kind == "missing" or empty or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return "this is required"
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "add at least one"
    messages = {
        "string_too_short": "use at least {min_length} characters",
        "string_too_long": "use at most {max_length} characters",
        "too_short": "add at least {min_length}",
        "too_long": "add at most {max_length}",
        "enum": "choose one of: {expected}",
        "greater_than_equal": "must be at least {ge}",
        "less_than_equal": "must be at most {le}",
        "int_parsing": "enter a whole number",
        "int_from_float": "enter a whole number",
        # The form's date control shows the reader's own format; a typed date may be either.
        "date_parsing": "enter a real date, such as 3/14/2026 or 2026-03-14",
        "date_from_datetime_parsing": "enter a real date, such as 3/14/2026 or 2026-03-14",
        "date_type": "enter a real date, such as 3/14/2026 or 2026-03-14",
        "bool_parsing": "choose yes or no",
        "extra_forbidden": "unknown field",
    }
    if kind in messages:
        return messages[kind].format(**{k: str(v) for k, v in ctx.items()})
    message = str(err["msg"]).removeprefix("Value error, ")
    if "email address" in message:
        return "this is required" if blank else "enter a valid email address, e.g. name@example.org"
    return message


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP: CSV
# injection): a name typed into /join as `=HYPERLINK(…)` would run in a staff member's
# spreadsheet. Every CSV hubflow writes quotes such a cell with a leading apostrophe, which
# spreadsheets show as text; reading a CSV back takes that apostrophe off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """`value` as a CSV cell no spreadsheet takes for a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def from_spreadsheet(cell: str) -> str:
    """A CSV cell as it was before `spreadsheet_text` quoted it."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


# The one input boundary's rule (the web app's forms and URLs, imported files):
# C0 controls but tab and line breaks, DEL and C1; U+FFFD is what undecodable bytes became;
# surrogates cannot be stored as text at all.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\r\n\u2028\u2029\u0085]")


def unreadable(value: str, *, multiline: bool = True) -> str | None:
    """Why `value` cannot be taken as text, or None."""
    if _UNREADABLE.search(value):
        return (
            "it contains a character that cannot be stored (a control character or bytes "
            "that are not text); type it again"
        )
    if not multiline and _LINE_BREAKS.search(value):
        return "keep it on one line"
    return None
