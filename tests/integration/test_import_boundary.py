"""An imported file passes the input boundary the web's forms do (SPEC §8): control
characters, line breaks in a name, a cell too long for the csv module, a column named
twice: each refused by line and column, every one at once, nothing stored."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from models.enums import Stage, Status
from tests import factories
from tests.integration.helpers import row_counts
from tests.integration.test_cli import hubflow
from tests.integration.test_imports import COLUMNS, TODAY, _csv, _row


def imported(session: Session, tmp_path: Path, text: str) -> str:
    ann = factories.staff(session)
    file = tmp_path / "hubs.csv"
    file.write_text(text, encoding="utf-8")
    before = row_counts(session)
    code, out = hubflow("hubs", "import", str(file), "--staff", ann.email)
    assert code == 2, out
    assert row_counts(session) == before  # nothing stored
    return " ".join(out.split())


def test_control_characters_and_line_breaks_are_refused_by_line_and_column(
    session: Session, tmp_path: Path
) -> None:
    rows = [_row(n, Stage.FIRST_ACTION, Status.ACTIVE, TODAY) for n in range(1, 6)]
    rows[0]["group_name"] = "Nul\x00 Hub"
    rows[1]["contact_name"] = "Bell\x07 Esc\x1b"
    rows[2]["contact_name"] = "Two\r\nLines"  # a quoted cell over two lines
    rows[4]["district"] = "99th Nowhere"  # after the two-line cell: line 7, not record 6
    said = imported(session, tmp_path, _csv(rows))
    assert "line 2, group_name: it contains a character that cannot be stored" in said
    assert "line 3, contact_name: it contains a character that cannot be stored" in said
    assert "line 4, contact_name: keep it on one line" in said
    assert "line 7, district: there is no State Rep district “99th Nowhere”" in said


def test_a_cell_too_long_for_csv_and_a_column_named_twice_are_refused(
    session: Session, tmp_path: Path
) -> None:
    rows = [_row(n, Stage.FIRST_ACTION, Status.ACTIVE, TODAY) for n in range(1, 3)]
    rows[1]["contact_name"] = "x" * 200_000
    said = imported(session, tmp_path, _csv(rows))
    assert "line 3: a cell is longer than 131,072 characters" in said
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, "group_name"])
    writer.writerow([*_row(9, Stage.FIRST_ACTION, Status.ACTIVE, TODAY).values(), "Other"])
    said = imported(session, tmp_path, out.getvalue())
    assert "the file names a column twice: group_name" in said


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\u2028"])
def test_the_boundary_is_the_web_s_own(bad: str) -> None:
    from hubflow.web.boundary import unreadable as web
    from models.parsing import unreadable as domain

    assert web is domain and domain("a" + bad + "b", multiline=False)
