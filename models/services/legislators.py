"""Legislators' stances and their history, and finding a legislator by a name (SPEC §5)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session, selectinload

from models.enums import Chamber, Stance
from models.errors import InvalidInput, NotFound, choice
from models.events import EventType
from models.legislature import Committee, CommitteeMembership, District, Legislator, StanceChange
from models.names import name_key, short_key
from models.services.common import Actor, clock, emit, transaction


class LegislatorIndex:
    """Active legislators by every spelling of their name that should find them."""

    def __init__(self, legislators: Iterable[Legislator]) -> None:
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.by_id: dict[int, Legislator] = {}
        for leg in legislators:
            self.by_id[leg.id] = leg
            names = [leg.name, f"{leg.given_name} {leg.family_name}", *leg.other_names]
            for name in names:
                if name.strip():
                    self.by_key[name_key(name)].add(leg.id)
                    self.by_key[short_key(name)].add(leg.id)

    @classmethod
    def load(cls, session: Session, chamber: Chamber | None = None) -> LegislatorIndex:
        stmt = select(Legislator).where(Legislator.active)
        if chamber is not None:
            stmt = stmt.where(Legislator.chamber == chamber)
        return cls(session.scalars(stmt))

    def find(self, name: str) -> Legislator | None:
        """The one legislator the name means, or None if no one or several match."""
        for key in (name_key(name), short_key(name)):
            ids = self.by_key.get(key, set())
            if len(ids) == 1:
                return self.by_id[next(iter(ids))]
            if len(ids) > 1:
                return None
        return None


def legislator_named(session: Session, name: str) -> Legislator:
    """The legislator a name (or a part of one that only they have, or their number) means,
    or InvalidInput naming the name."""
    name = name.strip()
    if name.isdigit():
        found = session.get(Legislator, int(name)) if int(name) < 2**31 else None
        if found is None:
            raise InvalidInput.one("name", f"there is no legislator number {name}")
        return found
    index = LegislatorIndex.load(session)
    found = index.find(name)
    if found is not None:
        return found
    term = name.casefold()
    like = sorted(
        (leg for leg in index.by_id.values() if term and term in leg.name.casefold()),
        key=lambda leg: leg.name,
    )
    if len(like) == 1:
        return like[0]
    hint = (
        f"; did you mean {', '.join(leg.name for leg in like[:5])}?"
        if like
        else " (see `hubflow legislators list`)"
    )
    raise InvalidInput.one("name", f"no one legislator is called {name!r}{hint}")


def set_stance(
    session: Session,
    legislator_id: int,
    stance: Stance | str,
    *,
    actor: Actor,
    reason: str = "",
    now: datetime | None = None,
) -> Legislator:
    """Record a legislator's new stance, with who, when and why."""
    stance = choice(Stance, stance, "stance")
    now = clock(now)
    with transaction(session):
        legislator = session.get(Legislator, legislator_id, with_for_update=True)
        if legislator is None:
            raise NotFound("legislator", legislator_id)
        change_stance(session, legislator, stance, actor=actor, reason=reason.strip(), now=now)
        return legislator


def change_stance(
    session: Session,
    legislator: Legislator,
    stance: Stance,
    *,
    actor: Actor,
    reason: str,
    now: datetime,
    hub_id: int | None = None,
    report_action_id: int | None = None,
) -> bool:
    """Record the change in the caller's transaction (with the Hub credited, if one's
    report claimed it); False when the legislator already holds `stance`."""
    if legislator.stance is stance:
        return False
    session.add(
        StanceChange(
            legislator_id=legislator.id,
            at=now,
            actor=actor.label,
            from_stance=legislator.stance,
            to_stance=stance,
            reason=reason,
            hub_id=hub_id,
            report_action_id=report_action_id,
        )
    )
    emit(
        session,
        EventType.STANCE_CHANGED,
        None,
        now,
        legislator_id=legislator.id,
        from_stance=legislator.stance.value,
        to_stance=stance.value,
        credited_hub_id=hub_id,
    )
    legislator.stance = stance
    return True


@dataclass
class CosponsorReport:
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)


def apply_cosponsors(
    session: Session,
    names: list[tuple[int, str]],
    *,
    actor: Actor,
    bill: str = "",
    chamber: Chamber | None = None,
    now: datetime | None = None,
) -> CosponsorReport:
    """Mark each named legislator a co-sponsor (never lowering a caucus member or champion).

    `names` are (line number, name) pairs; names that match no one, or several, are reported.
    """
    now, report = clock(now), CosponsorReport()
    reason = f"co-sponsor of {bill}" if bill else "co-sponsor list imported"
    with transaction(session):
        index = LegislatorIndex.load(session, chamber)
        for line, name in names:
            legislator = index.find(name)
            if legislator is None:
                report.unmatched.append((line, name))
            elif legislator.stance.rank < Stance.COSPONSOR.rank:
                change_stance(
                    session, legislator, Stance.COSPONSOR, actor=actor, reason=reason, now=now
                )
                report.updated.append(legislator.name)
            else:
                report.unchanged.append(legislator.name)
    return report


def _found(
    *,
    chamber: str | None,
    stance: str | None,
    committee: str | None,
    search: str | None,
    include_inactive: bool,
) -> Select[tuple[Legislator]]:
    stmt = select(Legislator).join(District)
    if chamber is not None:
        stmt = stmt.where(Legislator.chamber == choice(Chamber, chamber, "chamber"))
    if stance is not None:
        stmt = stmt.where(Legislator.stance == choice(Stance, stance, "stance"))
    if committee is not None:
        stmt = stmt.where(
            Legislator.memberships.any(
                CommitteeMembership.committee.has(Committee.name == committee)
            )
        )
    term = (search or "").strip().lower()
    if term:  # a name or a district, or part of one
        stmt = stmt.where(
            func.lower(Legislator.name).contains(term, autoescape=True)
            | func.lower(District.name).contains(term, autoescape=True)
        )
    if not include_inactive:
        stmt = stmt.where(Legislator.active)
    return stmt


def count_legislators(
    session: Session,
    *,
    chamber: str | None = None,
    stance: str | None = None,
    committee: str | None = None,
    search: str | None = None,
) -> int:
    found = _found(
        chamber=chamber, stance=stance, committee=committee, search=search, include_inactive=False
    )
    return session.scalar(select(func.count()).select_from(found.subquery())) or 0


def list_legislators(
    session: Session,
    *,
    chamber: str | None = None,
    stance: str | None = None,
    committee: str | None = None,
    search: str | None = None,
    include_inactive: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[Legislator]:
    """The legislators found, by chamber, then district as people count them (1st Bristol,
    2nd Bristol, … 10th Bristol), then name; `limit` of them from `offset`, or all."""
    found = _found(
        chamber=chamber,
        stance=stance,
        committee=committee,
        search=search,
        include_inactive=include_inactive,
    )
    chambers = case({c.value: i for i, c in enumerate(Chamber)}, value=Legislator.chamber)
    return list(
        session.scalars(
            found.options(
                selectinload(Legislator.district),
                selectinload(Legislator.memberships).selectinload(CommitteeMembership.committee),
            )
            .order_by(chambers, District.sort_key, Legislator.name, Legislator.id)
            .offset(offset)
            .limit(limit)
        )
    )


def committee_role(legislator: Legislator, committee: str) -> str | None:
    """The legislator's role on `committee` ('chair', 'member', …), or None."""
    return next((m.role for m in legislator.memberships if m.committee.name == committee), None)


def stance_history(session: Session, legislator_id: int) -> list[StanceChange]:
    return list(
        session.scalars(
            select(StanceChange)
            .where(StanceChange.legislator_id == legislator_id)
            .order_by(StanceChange.id)
        )
    )


def sitting_senators(session: Session) -> list[Legislator]:
    """The state's sitting Senators by name, with their districts."""
    return list(
        session.scalars(
            select(Legislator)
            .where(Legislator.chamber == Chamber.SENATE, Legislator.active)
            .options(selectinload(Legislator.district))
            .order_by(Legislator.name)
        )
    )
