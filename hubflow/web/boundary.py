"""The one input boundary of the web app: what no form field, query parameter or path id may
carry into hubflow (SPEC §8). Control characters, bytes that are not UTF-8 and numbers no
column can hold are refused here, naming the field, before any query runs."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Request

from models.errors import InvalidInput

# What a database integer column holds everywhere (PostgreSQL's `integer`).
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]

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


# A search or a filter is words, not a document: a longer one is refused before any query
# (SQLite answers a 100 kB LIKE pattern with "pattern too complex").
MAX_QUERY_VALUE = 500


async def check_query(request: Request) -> None:
    """Every query parameter of every route, checked once (an app-wide dependency)."""
    problems = {
        name: problem
        for name, value in request.query_params.multi_items()
        if (problem := unreadable(name + value, multiline=False) or _too_long(value))
    }
    if problems:
        raise InvalidInput(problems)


def _too_long(value: str) -> str | None:
    if len(value) > MAX_QUERY_VALUE:
        return f"keep it under {MAX_QUERY_VALUE} characters"
    return None


def ascii_int(value: str, *, high: int = MAX_ID) -> int | None:
    """A whole number written in ASCII digits, from 1 to `high`; None otherwise ('²' is a
    digit to `str.isdigit`, not to `int`)."""
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(high)):
        return None
    number = int(value)
    return number if 1 <= number <= high else None
