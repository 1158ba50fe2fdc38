"""Where the campaign stands: a Hub in each of the 160 House districts, and who is moving
which legislator (SPEC §1, §5)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from models.enums import Chamber, Stage, Stance, Status, SubmissionState, TargetRole
from models.hub import Hub, Submission
from models.legislature import District, Legislator
from models.plan import PlanTarget

_CLOSED = (Status.WITHDRAWN, Status.DECLINED)


@dataclass(frozen=True, slots=True)
class HubRef:
    id: int
    name: str
    stage: Stage
    status: Status


@dataclass
class DistrictCoverage:
    district: str
    chamber: Chamber
    legislator: str | None
    stance: Stance | None
    listed: list[HubRef] = field(default_factory=list)
    in_progress: list[HubRef] = field(default_factory=list)
    # Hubs whose current plan targets this district's legislator.
    targeting: list[HubRef] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "listed" if self.listed else "in_progress" if self.in_progress else "none"


@dataclass
class Coverage:
    house: list[DistrictCoverage]
    senate: list[DistrictCoverage]

    def counts(self) -> dict[str, int]:
        by_status: dict[str, int] = defaultdict(int)
        for d in self.house:
            by_status[d.status] += 1
        legislators = [d for d in self.house + self.senate if d.legislator is not None]
        return {
            "house_districts": len(self.house),
            "listed": by_status["listed"],
            "in_progress": by_status["in_progress"],
            "none": by_status["none"],
            "legislators": len(legislators),
            "cosponsors": sum(
                1
                for d in legislators
                if d.stance is not None and d.stance.rank >= Stance.COSPONSOR.rank
            ),
            "legislators_with_a_hub": sum(1 for d in legislators if _worked_on(d)),
        }


def _worked_on(d: DistrictCoverage) -> bool:
    """A State Rep is worked on by its district's Hubs; any legislator by plans targeting it."""
    return bool(d.targeting or (d.chamber is Chamber.HOUSE and (d.listed or d.in_progress)))


def current_plans() -> Select[tuple[int]]:
    """Each open Hub's latest strategic plan that staff have not turned down."""
    latest = (
        select(func.max(Submission.id))
        .where(Submission.stage == Stage.STRATEGIC_PLAN)
        .group_by(Submission.hub_id)
    )
    return (
        select(Submission.id)
        .join(Hub, Hub.id == Submission.hub_id)
        .where(
            Submission.id.in_(latest),
            Submission.state.in_([SubmissionState.PENDING, SubmissionState.APPROVED]),
            Hub.status.not_in(_CLOSED),
        )
    )


def coverage(session: Session) -> Coverage:
    """Every district with its sitting legislator, its Hubs, and the Hubs targeting it."""
    seats = session.execute(
        select(
            District.id,
            District.chamber,
            District.name,
            Legislator.id,
            Legislator.name,
            Legislator.stance,
        )
        .outerjoin(Legislator, and_(Legislator.district_id == District.id, Legislator.active))
        .where(District.chamber.in_([Chamber.HOUSE, Chamber.SENATE]))
        .order_by(District.chamber, District.name)
    ).all()
    hubs = session.execute(
        select(Hub.district_id, Hub.id, Hub.name, Hub.stage, Hub.status)
        .where(Hub.status.not_in(_CLOSED))
        .order_by(Hub.id)
    ).all()
    targets = session.execute(
        select(PlanTarget.legislator_id, Hub.id, Hub.name, Hub.stage, Hub.status)
        .join(Hub, Hub.id == PlanTarget.hub_id)
        .where(PlanTarget.submission_id.in_(current_plans()), PlanTarget.legislator_id.is_not(None))
        .order_by(Hub.id)
    ).all()
    by_district: dict[int, list[HubRef]] = defaultdict(list)
    for district_id, *fields in hubs:
        by_district[district_id].append(HubRef(*fields))
    by_legislator: dict[int, list[HubRef]] = defaultdict(list)
    for legislator_id, *fields in targets:
        by_legislator[legislator_id].append(HubRef(*fields))
    house: list[DistrictCoverage] = []
    senate: list[DistrictCoverage] = []
    for district_id, chamber, name, legislator_id, legislator, stance in seats:
        entry = DistrictCoverage(
            district=name, chamber=chamber, legislator=legislator, stance=stance
        )
        for ref in by_district.get(district_id, []):
            (entry.listed if ref.stage is Stage.LISTED else entry.in_progress).append(ref)
        entry.targeting = by_legislator.get(legislator_id, []) if legislator_id else []
        if chamber is Chamber.HOUSE:
            house.append(entry)
        elif chamber is Chamber.SENATE:
            senate.append(entry)
    return Coverage(house=house, senate=senate)


@dataclass(frozen=True, slots=True)
class Neighbour:
    hub_id: int
    hub: str
    legislator: str
    role: TargetRole


def neighbours(session: Session, hub_id: int) -> list[Neighbour]:
    """Other Hubs whose current plans target this Hub's State Senator or Members of Congress."""
    mine = session.execute(
        select(PlanTarget.legislator_id, PlanTarget.name_key, PlanTarget.role).where(
            PlanTarget.hub_id == hub_id,
            PlanTarget.submission_id.in_(current_plans()),
            PlanTarget.role != TargetRole.STATE_REP,
        )
    ).all()
    if not mine:
        return []
    ids = {lid for lid, _, _ in mine if lid is not None}
    keys = {key for lid, key, _ in mine if lid is None}
    rows = session.execute(
        select(Hub.id, Hub.name, PlanTarget.legislator_name, PlanTarget.role)
        .join(Hub, Hub.id == PlanTarget.hub_id)
        .where(
            PlanTarget.submission_id.in_(current_plans()),
            Hub.id != hub_id,
            PlanTarget.role != TargetRole.STATE_REP,
            PlanTarget.legislator_id.in_(ids)
            | (PlanTarget.legislator_id.is_(None) & PlanTarget.name_key.in_(keys)),
        )
        .order_by(Hub.name, PlanTarget.legislator_name)
    ).all()
    return [Neighbour(hub_id=i, hub=n, legislator=leg, role=r) for i, n, leg, r in rows]
