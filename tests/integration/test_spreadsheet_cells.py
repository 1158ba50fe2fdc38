"""No CSV hubflow writes can attack a spreadsheet (SPEC §8): a cell that a spreadsheet would
take for a formula (=, +, -, @, a tab, a carriage return first) comes out as text, in every
export and download; an import takes it back as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hubflow.web.app import create_app
from models.parsing import FORMULA_STARTS, from_spreadsheet, spreadsheet_text
from models.services import hubs
from models.services.common import Actor
from models.services.contacts import add_contact
from models.services.notes import add_note
from plumbing.settings import get_settings
from tests import factories
from tests.integration.test_cli import hubflow
from tests.web.conftest import PASSWORD, log_in, reset_rate_limits

NAMES = ["=1+1", "+1", "-1", "@SUM(A1)"]
KINDS = ("hubs", "contacts", "plans", "reviews", "emails", "notes")


def every_cell(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def dangerous(cells: list[str]) -> list[str]:
    return [c for c in cells if c.startswith(FORMULA_STARTS)]


def test_the_rule_quotes_formulas_and_reads_them_back() -> None:
    for text in [*NAMES, "\t=1", "\r=1"]:
        assert spreadsheet_text(text) == "'" + text
        assert from_spreadsheet(spreadsheet_text(text)) == text
    assert spreadsheet_text("Quincy M4A") == "Quincy M4A"
    assert from_spreadsheet("'quoted by a person") == "'quoted by a person"
    assert spreadsheet_text(None) == "" and spreadsheet_text(12) == "12"


@pytest.fixture
def formula_hubs(session: Session) -> list[str]:
    from models.services.staff import set_password_hash
    from plumbing.passwords import hash_password

    ann = factories.staff(session, name="Ann Lee", email="ann@masscare.org")
    set_password_hash(session, ann.email, hash_password(PASSWORD))
    for name in NAMES:
        hub = hubs.submit_interest(session, factories.interest_form(group_name=name))
        if name == "-1":
            add_contact(session, hub.id, name="-Cy", email="cy@example.org", actor=Actor.staff(ann))
        add_note(session, hub.id, author_id=ann.id, text="\t=1 met them at the library")
    return NAMES


def test_every_export_and_download_reads_back_as_text(
    session: Session, formula_hubs: list[str]
) -> None:
    seen: dict[str, list[str]] = {}
    for kind in KINDS:
        args = ["export", kind, "--csv"]
        if kind == "contacts":
            args += ["--include-private", "--staff", "ann@masscare.org"]
        code, out = hubflow(*args)
        assert code == 0, out
        seen[f"hubflow {' '.join(args)}"] = every_cell(out)
    reset_rate_limits()
    with TestClient(create_app(), base_url="http://hubflow.test") as client:
        assert log_in(client, "ann@masscare.org").status_code == 303
        for kind in KINDS:
            private = "?private=1" if kind == "contacts" else ""
            response = client.get(f"/staff/export/{kind}.csv{private}")
            assert response.status_code == 200, (kind, response.text[:200])
            seen[f"download {kind}"] = every_cell(response.text)
    for where, cells in seen.items():
        assert dangerous(cells) == [], where
    hubs_cells = seen["hubflow export hubs --csv"]
    assert {"'=1+1", "'+1", "'-1", "'@SUM(A1)"} <= set(hubs_cells)
    # The note's leading tab is trimmed at the boundary; what follows is still a formula.
    assert "'=1 met them at the library" in seen["download notes"]
    assert "'-Cy" in seen["download contacts"]


def test_an_export_imports_back_with_the_same_names(
    session: Session, formula_hubs: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from plumbing.db import reset_engines

    code, exported = hubflow("export", "hubs", "--csv")
    assert code == 0, exported
    file = tmp_path / "hubs.csv"
    file.write_text(exported)
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    get_settings.cache_clear()
    reset_engines()
    try:
        assert hubflow("init")[0] == 0
        assert hubflow("staff", "add", "--name", "Ann", "--email", "ann@masscare.org")[0] == 0
        code, out = hubflow("hubs", "import", str(file), "--staff", "ann@masscare.org")
        assert code == 0, out
        code, out = hubflow("hubs", "list", "--json")
        import json

        assert sorted(h["name"] for h in json.loads(out)) == sorted(NAMES)
    finally:
        reset_engines()
