"""Who works on whom: the Hubs whose current plans target a legislator, and a Hub's
neighbours on the legislators it shares with other Hubs (SPEC §5)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Chamber, TargetRole
from models.geography import Geography
from models.hub import Hub
from models.legislature import Legislator
from models.plan import PlanTarget
from models.services.coverage import CLOSED, is_current_plan
from models.services.delegation import Nearby, nearby_hubs

# Neighbouring Hubs named on a Hub's page or in its welcome; the rest are counted.
NAMED = 20


@dataclass(frozen=True, slots=True)
class Neighbour:
    hub_id: int
    hub: str
    legislator: str
    role: TargetRole


@dataclass(frozen=True)
class Worker:
    """A Hub working on a legislator: `how` says whether through its plan or as the Hub of
    the legislator's own district."""

    hub_id: int
    hub: str
    how: str


def hubs_working_on(session: Session, legislators: list[Legislator]) -> dict[int, list[Worker]]:
    """For each legislator, the open Hubs whose current plans target them and, for a
    State Rep, the open Hubs of their district (their Hub takes the lead on them). Two
    queries, whatever the number of legislators."""
    ids = [leg.id for leg in legislators]
    found: dict[int, dict[int, Worker]] = {i: {} for i in ids}
    planned = session.execute(
        select(PlanTarget.legislator_id, Hub.id, Hub.name)
        .join(Hub, Hub.id == PlanTarget.hub_id)
        .where(PlanTarget.legislator_id.in_(ids), Hub.status.not_in(CLOSED), is_current_plan())
        .order_by(Hub.name)
    ).all()
    for leg_id, hub_id, name in planned:
        found[leg_id][hub_id] = Worker(hub_id, name, "in its plan")
    reps = {leg.district_id: leg.id for leg in legislators if leg.chamber is Chamber.HOUSE}
    local = session.execute(
        select(Hub.district_id, Hub.id, Hub.name)
        .where(Hub.district_id.in_(list(reps)), Hub.status.not_in(CLOSED))
        .order_by(Hub.name)
    ).all()
    for district_id, hub_id, name in local:
        found[reps[district_id]].setdefault(hub_id, Worker(hub_id, name, "its district's Hub"))
    return {i: sorted(w.values(), key=lambda w: w.hub.casefold()) for i, w in found.items()}


def counted_neighbours(
    session: Session, hub_id: int, *, limit: int | None = None
) -> tuple[list[Neighbour], set[int]]:
    """Other open Hubs whose current plans target this open Hub's State Senator or Members
    of Congress, by name, each once per legislator it shares (the first `limit` of those),
    and the ids of all of them: in a large campaign hundreds of Hubs target each State
    Senator."""
    mine = session.execute(
        select(PlanTarget.legislator_id, PlanTarget.name_key, PlanTarget.role)
        .join(Hub, Hub.id == PlanTarget.hub_id)
        .where(
            PlanTarget.hub_id == hub_id,
            Hub.status.not_in(CLOSED),
            is_current_plan(),
            PlanTarget.role != TargetRole.STATE_REP,
        )
    ).all()
    if not mine:
        return [], set()
    ids = {lid for lid, _, _ in mine if lid is not None}
    keys = {key for lid, key, _ in mine if lid is None}
    theirs = (
        select(Hub.id, Hub.name, PlanTarget.legislator_name, PlanTarget.role)
        .join(Hub, Hub.id == PlanTarget.hub_id)
        .where(
            PlanTarget.legislator_id.in_(ids)
            | (PlanTarget.legislator_id.is_(None) & PlanTarget.name_key.in_(keys)),
            PlanTarget.role != TargetRole.STATE_REP,
            Hub.id != hub_id,
            Hub.status.not_in(CLOSED),
            is_current_plan(),
        )
    )
    rows = session.execute(
        theirs.order_by(Hub.name, PlanTarget.legislator_name).limit(limit)
    ).tuples()
    found = [Neighbour(hub_id=i, hub=n, legislator=leg, role=r) for i, n, leg, r in rows]
    if limit is None or len(found) < limit:
        return found, {n.hub_id for n in found}
    every = theirs.subquery()
    return found, set(session.scalars(select(every.c.id).distinct()))


@dataclass(frozen=True, slots=True)
class Circles:
    """The Hubs a Hub is told of (its page, its welcome): the first NAMED neighbours on its
    legislators and the first NAMED listed Hubs near it, each with how many more there are."""

    neighbours: list[Neighbour]
    more_neighbours: int
    nearby: list[Nearby]
    more_nearby: int


def circles(session: Session, geo: Geography, hub: Hub) -> Circles:
    named, every = counted_neighbours(session, hub.id, limit=NAMED)
    shown = {n.hub_id for n in named}
    # Near it: Hubs not told of as neighbours already, by name or in the count.
    near = nearby_hubs(session, geo, hub, besides=every)
    return Circles(named, len(every) - len(shown), near[:NAMED], max(len(near) - NAMED, 0))
