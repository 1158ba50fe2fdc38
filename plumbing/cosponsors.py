"""Read a bill's co-sponsor list: a CSV with a `name` column, one legislator a row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from models.errors import InvalidInput

NAME_COLUMNS = ("name", "legislator", "cosponsor", "co-sponsor", "member")


def read_cosponsors(path: Path) -> list[tuple[int, str]]:
    """(line, name) for every row; a malformed file is refused whole, naming line and reason."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput.one("file", f"{path} does not exist") from None
    except UnicodeDecodeError as exc:
        raise InvalidInput.one("file", f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_cosponsors(text, source=str(path))


def parse_cosponsors(text: str, *, source: str = "the file") -> list[tuple[int, str]]:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise InvalidInput.one("file", f"{source}: not valid CSV ({exc})") from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InvalidInput.one("file", f"{source}: line 1: empty; expected a header with 'name'")
    header = [cell.strip().casefold() for cell in rows[0]]
    column = next((header.index(c) for c in NAME_COLUMNS if c in header), None)
    if column is None:
        raise InvalidInput.one(
            "file", f"{source}: line 1: no 'name' column (found {', '.join(header)})"
        )
    names = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # blank lines are harmless
        if len(row) != len(header):
            raise InvalidInput.one(
                "file", f"{source}: line {line}: expected {len(header)} fields, found {len(row)}"
            )
        name = row[column].strip()
        if not name:
            raise InvalidInput.one("file", f"{source}: line {line}: the name is empty")
        names.append((line, name))
    if not names:
        raise InvalidInput.one("file", f"{source}: no names after the header")
    return names
