"""The overview pages kept between views (models.services.kept) show each change at the
next view: one made by this process, and one made by another (a flow run, the CLI)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from models.enums import Decision
from models.services import hubs, reviews
from models.services.kept import WRITES
from models.staff import StaffMember
from tests import factories
from tests.web.visible import visible_text


def test_the_dashboard_and_coverage_show_each_change_at_the_next_view(
    staff_client: TestClient,
    session: Session,
    staff_member: StaffMember,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def seen() -> tuple[str, str]:
        return (
            visible_text(staff_client.get("/staff").text),
            visible_text(staff_client.get("/coverage").text),
        )

    dashboard, public = seen()
    assert "0 reviews waiting" in dashboard and "0 in progress" in public
    assert seen() == (dashboard, public)  # nothing changed: the same pages
    hub = hubs.submit_interest(session, factories.interest_form(district="2nd Bristol"))
    dashboard, public = seen()
    assert "1 review waiting" in dashboard and "1 in progress" in public
    # Decided by another process: this one's count of its writes stays still.
    monkeypatch.setattr(WRITES, "seen", lambda statement: None)
    reviews.decide(
        session,
        factories.pending(session, hub).id,
        Decision.DECLINE,
        staff_id=staff_member.id,
        comment="Not a real group.",
    )
    dashboard, public = seen()
    assert "0 reviews waiting" in dashboard and "0 in progress" in public
