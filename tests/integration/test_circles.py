"""What a Hub is told of the Hubs around it (its page, its welcome): neighbours on its
legislators, the first few named and the rest counted, then listed Hubs near it that are
not neighbours already, named or counted."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models.enums import Decision, Stage
from models.hub import Hub
from models.services import hubs, reviews
from models.services.working_on import NAMED, circles
from plumbing.geography import geography
from tests import factories
from tests.integration.test_coverage import NOW, plan_for


def test_a_neighbour_counted_but_not_named_is_not_named_again_as_near(session: Session) -> None:
    ann = factories.staff(session)
    geo = geography()
    other = sorted({h for h, _ in geo.house_in_senate("Norfolk and Plymouth")} - {"1st Norfolk"})
    plan = plan_for("Sen. John Keenan", "Stephen F. Lynch")

    def planning(name: str, district: str) -> int:
        hub = factories.hub_in(
            session, Stage.STRATEGIC_PLAN, reviewer=ann, now=NOW, group_name=name, district=district
        )
        hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan, now=NOW)
        return hub.id

    mine = planning("Adams Hub", "1st Norfolk")
    for n in range(NAMED):
        planning(f"Keenan Hub {n:02}", "1st Norfolk")
    zed = planning("Zed Hub", other[0])  # last by name: counted, not named
    reviews.decide(session, factories.pending(session, session.get_one(Hub, zed)).id,
                   Decision.APPROVE, staff_id=ann.id, now=NOW)  # fmt: skip
    session.commit()

    told = circles(session, geo, session.get_one(Hub, mine))
    named = {n.hub_id for n in told.neighbours}
    assert zed not in named and told.more_neighbours == NAMED + 1 - len(named)
    assert zed not in {n.hub_id for n in told.nearby}  # listed and near, but told of already
    assert told.more_nearby == 0
