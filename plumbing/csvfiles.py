"""The one way hubflow writes CSV: every cell that a spreadsheet would take for a formula
is quoted as text (models/parsing.py: spreadsheet_text)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from models.parsing import spreadsheet_text


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spreadsheet_text(h) for h in header])
    writer.writerows([spreadsheet_text(cell) for cell in row] for row in rows)


def write_dicts(out: TextIO, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of the same keys, their keys as the header."""
    header = list(rows[0]) if rows else []
    write_csv(out, header, ([row.get(k, "") for k in header] for row in rows))
