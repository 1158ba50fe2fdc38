"""Progress reports and moves under another state's campaign (#32, tests/fixtures/vermont):
a Hub of a two-member district reports on both members, and each moves on their own."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hubflow.web.hub_content import plan_rows
from models.base import utcnow
from models.enums import ClaimState, Decision, Stage, Stance
from models.legislature import Legislator
from models.progress import ReportAction
from models.services import hubs, legislators, progress, progress_views, reviews
from models.services.common import Actor
from models.services.staff import add_staff
from plumbing.settings import get_settings
from tests import factories


def test_a_two_member_districts_members_move_each_on_their_own(
    vermont: sessionmaker[Session],
) -> None:
    with vermont() as session:
        gil = add_staff(session, name="Gil Oak", email="gil@gmcnow.example.org")
        hub = factories.hub_in(
            session,
            Stage.STRATEGIC_PLAN,
            reviewer=gil,
            district="Chittenden-18",
            towns=["Burlington"],
        )
        reps = [r for r in plan_rows(session, hub) if r["role"] == "state_rep"]
        today = utcnow().date()
        plan = factories.strategic_plan(
            today,
            *(
                factories.plan_target(today, legislator=r["name"], legislator_id=r["id"])
                for r in reps
            ),
        )
        hubs.submit_stage_work(session, hub.id, Stage.STRATEGIC_PLAN, plan)
        reviews.decide(
            session, factories.pending(session, hub).id, Decision.APPROVE, staff_id=gil.id
        )
        targets = {t.legislator_name: t.id for t in progress.plan_of(session, hub.id)}
        session.commit()
        assert list(targets) == ["Ben Maple", "Cora Spruce"]
        when = (today - timedelta(days=2)).isoformat()
        actions = get_settings().campaign.progress.actions
        assert set(actions) >= {"meeting"}
        progress.report(
            session,
            hub.id,
            {
                "actions": [
                    {
                        "target": targets["Ben Maple"],
                        "kind": "meeting",
                        "done_on": when,
                        "people": 4,
                        "response": "Ben signed on.",
                        "moved_to": "cosponsor",
                    },
                    {
                        "target": targets["Cora Spruce"],
                        "kind": "meeting",
                        "done_on": when,
                        "people": 4,
                        "response": "Cora wants to hear from more constituents.",
                    },
                ]
            },
            actions=actions,
            actor=Actor.hub(hub.id),
            now=utcnow(),
        )
        claim = session.scalars(
            select(ReportAction).where(ReportAction.claim_state == ClaimState.PENDING)
        ).one()
        session.commit()
        progress.confirm_move(session, claim.id, actor=Actor.staff(gil), now=utcnow())
        session.expire_all()
        stances = {
            leg.name: leg.stance
            for leg in session.scalars(
                select(Legislator).where(Legislator.name.in_(["Ben Maple", "Cora Spruce"]))
            )
        }
        assert stances == {"Ben Maple": Stance.COSPONSOR, "Cora Spruce": Stance.NOT_COSPONSOR}
        ben = legislators.legislator_named(session, "Ben Maple")
        (entry,) = progress_views.history(session, ben.id)
        assert (entry.hub, entry.actor, entry.after) == (hub.name, "Gil Oak", Stance.COSPONSOR)
        cora = legislators.legislator_named(session, "cora spruce")
        assert progress_views.history(session, cora.id) == []
