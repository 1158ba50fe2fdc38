"""The overview pages' kept views: worked out again after any change to what they show,
whether this process made it or another (a flow run, the CLI), and only then."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy.orm import Session

from models.enums import Stage, Status
from models.services import hubs
from models.services.coverage import coverage
from models.services.kept import WRITES, kept
from tests import factories


def counts(session: Session) -> dict[str, int]:
    return kept(session, ("test-counts",), lambda: coverage(session, names=0).counts())


def test_a_view_is_kept_until_this_process_writes_even_when_time_stands_still(
    session: Session,
) -> None:
    with time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False):
        hub = hubs.submit_interest(session, factories.interest_form(district="2nd Bristol"))
        first = counts(session)
        assert counts(session) is first  # nothing changed: the same object
        # Changed at the same instant, no new row: no mark in the database moves.
        hub.status = Status.WITHDRAWN
        session.commit()
        second = counts(session)
        assert second is not first
        assert second["in_progress"] == first["in_progress"] - 1


def test_a_change_made_by_another_process_is_seen_by_its_marks(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann)
    first = counts(session)
    assert first["listed"] >= 1
    # As if another process withdrew it: this process's count of its writes stays still.
    monkeypatch.setattr(WRITES, "seen", lambda statement: None)
    hub.status = Status.WITHDRAWN
    session.commit()
    after = counts(session)
    assert after is not first
    assert after["listed"] == first["listed"] - 1
