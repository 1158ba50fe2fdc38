"""Where the campaign stands: a Hub in each district of the chamber it covers, and who is
moving which legislator (SPEC §1, §5). A district may have several seats (Vermont,
New Hampshire): it is covered once, whatever its seats, and lists every member."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select
from sqlalchemy.orm import Session

from models.enums import Chamber, Stage, Stance, Status, SubmissionState
from models.hub import Hub, Submission
from models.legislature import District, Legislator
from models.plan import PlanTarget

CLOSED = (Status.WITHDRAWN, Status.DECLINED)


@dataclass(frozen=True, slots=True)
class HubRef:
    id: int
    name: str
    stage: Stage
    status: Status


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    name: str
    stance: Stance
    targeted: bool = False  # by a current plan


@dataclass
class DistrictCoverage:
    district: str
    chamber: Chamber
    seats: int = 1
    members: list[Member] = field(default_factory=list)  # its active legislators, by name
    listed: list[HubRef] = field(default_factory=list)
    in_progress: list[HubRef] = field(default_factory=list)
    # Hubs whose current plan targets one of this district's legislators.
    targeting: list[HubRef] = field(default_factory=list)
    # How many Hubs of each kind it has (with `names=N`, the lists hold only the first N).
    listed_count: int = 0
    in_progress_count: int = 0

    @property
    def status(self) -> str:
        return (
            "listed" if self.listed_count else "in_progress" if self.in_progress_count else "none"
        )

    @property
    def legislator(self) -> str | None:
        """Its members' names, or None when every seat is vacant."""
        return ", ".join(m.name for m in self.members) or None

    @property
    def stance(self) -> Stance | None:
        """The stance of a single member (None for a vacant or shared district)."""
        return self.members[0].stance if len(self.members) == 1 else None

    @property
    def vacancies(self) -> int:
        return max(self.seats - len(self.members), 0)

    @property
    def worked_on(self) -> bool:
        """A State Rep is worked on by its district's Hubs (any legislator by plans)."""
        return self.chamber is Chamber.HOUSE and bool(self.listed_count or self.in_progress_count)


@dataclass
class Coverage:
    house: list[DistrictCoverage]
    senate: list[DistrictCoverage]

    def counts(self) -> dict[str, int]:
        by_status: dict[str, int] = defaultdict(int)
        for d in self.house:
            by_status[d.status] += 1
        members = [(d, m) for d in self.house + self.senate for m in d.members]
        return {
            "house_districts": len(self.house),
            "seats": sum(d.seats for d in self.house),
            "vacancies": sum(d.vacancies for d in self.house),
            "listed": by_status["listed"],
            "in_progress": by_status["in_progress"],
            "none": by_status["none"],
            "legislators": len(members),
            "cosponsors": sum(1 for _, m in members if m.stance.rank >= Stance.COSPONSOR.rank),
            "legislators_with_a_hub": sum(1 for d, m in members if m.targeted or d.worked_on),
        }


def is_current_plan() -> ColumnElement[bool]:
    """Whether a plan target (PlanTarget, in the enclosing query) is of its Hub's current
    plan, asked of that Hub alone: for a few Hubs' targets, where current_plans() would
    find every Hub's plan first. The Hub's status is the caller's to check."""

    def latest(state: SubmissionState) -> Any:
        return (
            select(func.max(Submission.id))
            .where(
                Submission.hub_id == PlanTarget.hub_id,
                Submission.stage == Stage.STRATEGIC_PLAN,
                Submission.state == state,
            )
            .scalar_subquery()
        )

    return PlanTarget.submission_id == func.coalesce(
        latest(SubmissionState.APPROVED), latest(SubmissionState.PENDING)
    )


def current_plans() -> Select[tuple[int]]:
    """Each open Hub's plan: the latest staff approved, or else its latest waiting for
    them (a listed Hub's revision counts once it is approved; the plan before it until then)."""
    plans = Submission.stage == Stage.STRATEGIC_PLAN
    approved = (
        select(func.max(Submission.id))
        .where(plans, Submission.state == SubmissionState.APPROVED)
        .group_by(Submission.hub_id)
    )
    has_approved = select(Submission.hub_id).where(
        plans, Submission.state == SubmissionState.APPROVED
    )
    waiting = (
        select(func.max(Submission.id))
        .where(
            plans,
            Submission.state == SubmissionState.PENDING,
            Submission.hub_id.not_in(has_approved),
        )
        .group_by(Submission.hub_id)
    )
    return (
        select(Submission.id)
        .join(Hub, Hub.id == Submission.hub_id)
        .where(Submission.id.in_(approved) | Submission.id.in_(waiting), Hub.status.not_in(CLOSED))
    )


def coverage(
    session: Session, *, public: bool = False, targeting: bool = True, names: int | None = None
) -> Coverage:
    """Every district with its sitting legislator, its Hubs, and the Hubs targeting it.
    `public`: a Hub whose interest staff have not yet approved is counted without its name
    (its name is whatever someone typed into /join: no one has seen it yet). Without
    `targeting`, each member only says whether a plan targets them (the pages and counts
    need no more; a campaign of thousands of Hubs has tens of thousands of targets). With
    `names=N`, each district lists its first N listed and N other Hubs (those with a name
    to show first) and counts the rest: what a page shows, from 3 rows a district, not
    every Hub (`names=0`: counts alone)."""
    seats = session.execute(
        select(
            District.id,
            District.chamber,
            District.name,
            District.seats,
            Legislator.id,
            Legislator.name,
            Legislator.stance,
        )
        .outerjoin(Legislator, and_(Legislator.district_id == District.id, Legislator.active))
        .where(District.chamber.in_([Chamber.HOUSE, Chamber.SENATE]))
        .order_by(District.chamber, District.name, Legislator.name)
    ).all()
    hubs = _hubs(session, public=public, names=names)
    counted = session.execute(
        select(Hub.district_id, Hub.stage, func.count(Hub.id))
        .where(Hub.status.not_in(CLOSED))
        .group_by(Hub.district_id, Hub.stage)
    ).all()
    totals: dict[tuple[int, bool], int] = defaultdict(int)
    for district_id, stage, n in counted:
        totals[district_id, stage is Stage.LISTED] += n
    planned = (PlanTarget.submission_id.in_(current_plans()), PlanTarget.legislator_id.is_not(None))
    targets = (
        session.execute(
            select(PlanTarget.legislator_id, Hub.id, Hub.name, Hub.stage, Hub.status)
            .join(Hub, Hub.id == PlanTarget.hub_id)
            .where(*planned)
            .order_by(Hub.id)
        ).all()
        if targeting
        else []
    )
    targeted = (
        {leg for leg, *_ in targets}
        if targeting
        else set(session.scalars(select(PlanTarget.legislator_id).where(*planned).distinct()))
    )
    by_district: dict[int, list[HubRef]] = defaultdict(list)
    for district_id, hub_id, name, stage, status in hubs:
        unseen = public and stage is Stage.INTEREST
        by_district[district_id].append(HubRef(hub_id, "" if unseen else name, stage, status))
    by_legislator: dict[int, list[HubRef]] = defaultdict(list)
    for legislator_id, *fields in targets:
        by_legislator[legislator_id].append(HubRef(*fields))
    entries: dict[int, DistrictCoverage] = {}
    for district_id, chamber, name, count, legislator_id, legislator, stance in seats:
        entry = entries.get(district_id)
        if entry is None:
            entry = entries[district_id] = DistrictCoverage(
                name,
                chamber,
                seats=count,
                listed_count=totals.get((district_id, True), 0),
                in_progress_count=totals.get((district_id, False), 0),
            )
            for ref in by_district.get(district_id, []):
                (entry.listed if ref.stage is Stage.LISTED else entry.in_progress).append(ref)
        if legislator_id is None:
            continue
        refs = by_legislator.get(legislator_id, [])
        entry.members.append(Member(legislator_id, legislator, stance, legislator_id in targeted))
        entry.targeting += [ref for ref in refs if ref not in entry.targeting]
    house = [d for d in entries.values() if d.chamber is Chamber.HOUSE]
    senate = [d for d in entries.values() if d.chamber is Chamber.SENATE]
    return Coverage(house=house, senate=senate)


def _hubs(session: Session, *, public: bool, names: int | None) -> list[Any]:
    """(district, id, name, stage, status) of the open Hubs: all, or the first `names` of
    each district's listed and other Hubs, those whose name may be shown first."""
    columns = (Hub.district_id, Hub.id, Hub.name, Hub.stage, Hub.status)
    open_hubs = Hub.status.not_in(CLOSED)
    if names is None:
        return list(session.execute(select(*columns).where(open_hubs).order_by(Hub.id)))
    if names == 0:
        return []
    hidden = case((Hub.stage == Stage.INTEREST, 1), else_=0) if public else literal(0)
    place = (
        func.row_number()
        .over(partition_by=(Hub.district_id, Hub.stage == Stage.LISTED), order_by=(hidden, Hub.id))
        .label("place")
    )
    ranked = select(*columns, hidden.label("hidden"), place).where(open_hubs).subquery()
    return list(
        session.execute(
            select(
                ranked.c.district_id, ranked.c.id, ranked.c.name, ranked.c.stage, ranked.c.status
            )
            .where(ranked.c.place <= names)
            .order_by(ranked.c.hidden, ranked.c.id)
        )
    )
