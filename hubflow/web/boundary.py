"""The one input boundary of the web app: what no form field, query parameter or path id may
carry into hubflow (SPEC §8). Control characters, bytes that are not UTF-8 and numbers no
column can hold are refused here, naming the field, before any query runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request

from models.errors import InvalidInput
from models.parsing import unreadable

# What a database integer column holds everywhere (PostgreSQL's `integer`).
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]

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
