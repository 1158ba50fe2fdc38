"""`hubflow announce` (#30): every wrong flag named at once and nothing stored; a draft that
says whom it reaches; send at a time in the campaign's zone, cancel; show, list, export."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models.announcement import Announcement, AnnouncementState
from models.enums import Stage
from models.staff import StaffMember
from tests import factories
from tests.integration.test_cli import hubflow


def _campaign(session: Session) -> StaffMember:
    ann = factories.staff(session, name="Ann Lee", email="ann@masscare.org")
    for i in range(2):
        factories.hub_in(
            session,
            Stage.ONBOARDING,
            reviewer=ann,
            email=f"lead{i}@example.org",
            group_name=f"Hub {i}",
        )
    factories.hub_in(session, Stage.LISTED, reviewer=ann, email="listed@example.org")
    return ann


def test_wrong_flags_are_named_at_once_and_nothing_is_stored(
    session: Session, tmp_path: Path
) -> None:
    _campaign(session)
    body = tmp_path / "body.md"
    body.write_text("Hi {{ frist_name }}", encoding="utf-8")
    code, out = hubflow(
        "announce", "new", "--subject", "", "--body-file", str(body), "--stage", "nowhere",
        "--county", "Atlantis", "--listed", "maybe", "--hubs", "1,x", "--staff", "ann@masscare.org",
    )  # fmt: skip
    assert code == 2, out
    for flag in ("--subject:", "--body-file:", "--stage:", "--county:", "--listed:", "--hubs:"):
        assert flag in out, out
    assert session.scalar(select(func.count(Announcement.id))) == 0


def test_a_draft_says_whom_it_reaches_then_goes_at_its_time_or_is_cancelled(
    session: Session, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _campaign(session)
    body = tmp_path / "body.md"
    body.write_text("Hi {{ first_name }}, training on **Tuesday**.", encoding="utf-8")
    code, out = hubflow(
        "announce", "new", "--subject", "Training", "--body-file", str(body),
        "--stage", "onboarding", "--staff", "ann@masscare.org",
    )  # fmt: skip
    assert code == 0, out
    assert "Announcement 1 saved (a draft). It reaches 2 people at 2 Hubs." in out
    code, out = hubflow(
        "announce", "send", "1", "--at", "2020-01-01 10:00", "--staff", "ann@masscare.org"
    )
    assert code == 2 and "--at: That time has passed" in out, out
    code, out = hubflow(
        "announce", "send", "1", "--at", "2099-03-02 19:00", "--staff", "ann@masscare.org"
    )
    assert code == 0, out
    assert "scheduled for 2099-03-02 19:00 (America/New_York), to 2 people" in out
    with sessions() as s:
        found = s.get(Announcement, 1)
        assert found is not None and found.state is AnnouncementState.SCHEDULED
        assert found.send_at is not None and (found.send_at.hour, found.send_at.minute) == (0, 0)
    code, out = hubflow("announce", "list", "--json")
    assert code == 0 and json.loads(out)[0]["state"] == "scheduled", out
    code, out = hubflow("announce", "cancel", "1", "--staff", "ann@masscare.org")
    assert code == 0 and "cancelled: nothing will be sent" in out, out
    code, out = hubflow("announce", "cancel", "1", "--staff", "ann@masscare.org")
    assert code == 2 and "too late to cancel it" in out, out
    code, out = hubflow("announce", "show", "1")
    assert (
        code == 0
        and "Announcement 1: Training (cancelled)" in out
        and "At the stage Onboarding" in out
    )
    code, out = hubflow("export", "announcements", "--json")
    [row] = json.loads(out)
    assert (row["subject"], row["state"], row["author"]) == ("Training", "Cancelled", "Ann Lee")
    assert "At the stage Onboarding" in row["audience"]
