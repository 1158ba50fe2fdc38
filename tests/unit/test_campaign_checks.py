"""Checking a campaign file at every start without importing what the check needs each
time: the states and chambers Open States knows ship as a table (and must still match the
library), and a file whose addresses passed email-validator is recorded by its digest
(issue 35)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plumbing.campaign import CampaignError, read_campaign
from plumbing.campaign_checks import LEGISLATURES, digest, recorded
from plumbing.openstates import legislature_names

ROOT = Path(__file__).resolve().parents[2]
VERMONT = ROOT / "tests" / "fixtures" / "vermont" / "campaign.toml"


def test_the_shipped_legislatures_are_open_states_own() -> None:
    shipped = json.loads(LEGISLATURES.read_text(encoding="utf-8"))
    assert shipped == legislature_names(), (
        "plumbing/data/legislatures.json no longer matches openstates-metadata: re-make it "
        "with `.venv/bin/python -c 'from plumbing.openstates import write_legislature_names "
        "as w; w()'`"
    )
    assert shipped["MA"] == {
        "name": "Massachusetts",
        "chambers": {
            "lower": {"name": "House", "title": "Representative"},
            "upper": {"name": "Senate", "title": "Senator"},
        },
    }
    assert set(shipped["NE"]["chambers"]) == {"legislature"}


def a_campaign(folder: Path, from_email: str = "crew@gmcnow.example.org") -> Path:
    text = VERMONT.read_text(encoding="utf-8")
    path = folder / "campaign.toml"
    path.write_text(text.replace("crew@gmcnow.example.org", from_email), encoding="utf-8")
    return path


def test_a_file_that_passed_is_recorded_and_a_changed_one_checked_again(tmp_path: Path) -> None:
    path, record = a_campaign(tmp_path), tmp_path / "campaign.checked"
    read_campaign(path, record=record)
    assert not record.exists()  # only `hubflow init` starts a record
    first = read_campaign(path, record=record, new_record=True)
    checked = recorded(record)
    assert checked == digest(path.read_bytes())
    again = read_campaign(path, record=record)  # the record matches: same campaign
    assert again == first and again.from_email == "crew@gmcnow.example.org"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign.checked", "campaign.toml"]

    path.write_text(path.read_text().replace("crew@gmcnow.example.org", "crew at gmcnow"))
    with pytest.raises(CampaignError) as refused:  # changed: checked whole again
        read_campaign(path, record=record)
    assert "from_email: value is not a valid email address" in str(refused.value)
    assert recorded(record) == checked  # the refused file is not recorded


def test_a_refused_file_is_never_recorded(tmp_path: Path) -> None:
    path, record = a_campaign(tmp_path, "crew@@gmcnow"), tmp_path / "campaign.checked"
    with pytest.raises(CampaignError, match="from_email: value is not a valid email"):
        read_campaign(path, record=record, new_record=True)
    assert not record.exists()


def test_an_address_the_check_rewrites_is_checked_every_time(tmp_path: Path) -> None:
    # email-validator writes the domain in lower case: what the file says is not what is
    # used, so its verdict is not kept (a later read must rewrite it the same way).
    path, record = a_campaign(tmp_path, "crew@GMCNOW.example.org"), tmp_path / "campaign.checked"
    campaign = read_campaign(path, record=record, new_record=True)
    assert campaign.from_email == "crew@gmcnow.example.org"
    assert not record.exists()


def test_a_folder_it_cannot_write_to_keeps_nothing(tmp_path: Path) -> None:
    path = a_campaign(tmp_path)
    campaign = read_campaign(
        path, record=tmp_path / "not-there" / "campaign.checked", new_record=True
    )
    assert campaign.state == "VT"
    assert not (tmp_path / "not-there").exists()


def test_a_start_with_the_record_imports_neither_checker(tmp_path: Path) -> None:
    """A process reading a file `hubflow init` recorded loads neither email-validator nor
    Open States' 58 modules; a start in a folder not set up, and one after the file
    changed, loads the address checker."""
    a_campaign(tmp_path)
    script = (
        "import sys; from plumbing.settings import get_settings; s = get_settings(); "
        "print(s.campaign.state_name, s.campaign.covered.name, s.from_email, "
        "'email_validator' in sys.modules, 'openstates_metadata' in sys.modules)"
    )
    env = {
        **os.environ,
        "HUBFLOW_DATA_DIR": str(tmp_path),
        "HUBFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}",
    }
    env.pop("HUBFLOW_CAMPAIGN_FILE", None)

    def start() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    said = "Vermont House crew@gmcnow.example.org"
    assert start() == f"{said} True False"  # checked whole; a folder not set up: no record
    assert start() == f"{said} True False" and not (tmp_path / "campaign.checked").exists()
    read_campaign(tmp_path / "campaign.toml", record=tmp_path / "campaign.checked", new_record=True)
    assert start() == f"{said} False False"  # as after `hubflow init`
    (tmp_path / "campaign.toml").write_text(
        (tmp_path / "campaign.toml").read_text() + "\n# a comment changes the file\n"
    )
    assert start() == f"{said} True False"  # changed: checked whole, and recorded again
    assert start() == f"{said} False False"
