"""`hubflow legislators history NAME` (#32): a legislator's stance over time with the Hub
credited; a name that means no one (or several) is said, naming the argument."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.base import utcnow
from models.enums import Stage
from models.progress import ReportAction
from models.services import progress
from models.services.common import Actor
from plumbing.settings import get_settings
from tests import factories
from tests.integration.test_cli import hubflow


def test_legislators_history_shows_each_change_with_the_hub_credited(session: Session) -> None:
    ann = factories.staff(session, name="Ann Lee", email="ann@masscare.org")
    hub = factories.hub_in(session, Stage.LISTED, reviewer=ann, group_name="Quincy Care")
    target = progress.plan_of(session, hub.id)[0].id
    session.commit()
    row = {
        "target": target,
        "kind": "call",
        "done_on": (utcnow().date() - timedelta(days=1)).isoformat(),
        "people": 12,
        "response": "His office confirmed he signed on.",
        "moved_to": "cosponsor",
    }
    progress.report(
        session,
        hub.id,
        {"actions": [row]},
        actions=get_settings().campaign.progress.actions,
        actor=Actor.hub(hub.id),
        now=utcnow(),
    )
    action = session.scalars(select(ReportAction)).one()
    session.commit()
    progress.confirm_move(session, action.id, actor=Actor.staff(ann), now=utcnow())

    code, out = hubflow("legislators", "history", "Bruce Ayers", "--json")
    assert code == 0, out
    found = json.loads(out)
    assert found["stance"] == "cosponsor"
    (change,) = found["history"]
    assert (change["from"], change["to"], change["by"], change["hub"]) == (
        "not_cosponsor",
        "cosponsor",
        "Ann Lee",
        "Quincy Care",
    )
    assert "His office confirmed he signed on." in change["evidence"]
    code, out = hubflow("legislators", "history", "ayers")
    assert code == 0 and "Quincy Care" in out and "now co-sponsor" in out
    code, out = hubflow("legislators", "history", "Nobody Atall")
    assert code == 2 and "NAME" in out and "'Nobody Atall'" in out
