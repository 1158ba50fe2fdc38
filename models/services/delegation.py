"""Who represents a place: the State Rep, State Senator(s), U.S. Representative(s) and the
two U.S. Senators of a town or of a Hub's House district (SPEC §1, §5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models.enums import Chamber, Stage, Status
from models.geography import Geography, Lookup, congressional_district, natural_key
from models.hub import Hub
from models.legislature import District, Legislator


def members(
    session: Session, chamber: Chamber, names: list[str] | None = None
) -> dict[str, list[Legislator]]:
    """The active members of each district of `chamber` (of those `names`, each listed even
    with no member), by name: a district may have none, or several."""
    query = (
        select(Legislator)
        .join(District, Legislator.district_id == District.id)
        .where(District.chamber == chamber, Legislator.active)
        .options(selectinload(Legislator.district))
        .order_by(Legislator.name)
    )
    if names is not None:
        query = query.where(District.name.in_(names))
    out: dict[str, list[Legislator]] = {name: [] for name in names or []}
    for leg in session.scalars(query):
        out.setdefault(leg.district.name, []).append(leg)
    return out


def _person(leg: Legislator) -> dict[str, Any]:
    return {"id": leg.id, "name": leg.name, "party": leg.party, "stance": leg.stance.value}


def districts_of(session: Session, found: Lookup) -> list[dict[str, Any]]:
    """A town's districts in each chamber with their members, and the share of the town's
    precincts each holds (the main one first)."""
    total = len(found.precincts)
    rows = []
    for chamber, values in (
        (Chamber.HOUSE, Counter(p.house for p in found.precincts)),
        (Chamber.SENATE, Counter(p.senate for p in found.precincts)),
        (
            Chamber.US_HOUSE,
            Counter(congressional_district(p.congress) for p in found.precincts),
        ),
    ):
        ordered = sorted(values, key=lambda name: (-values[name], natural_key(name)))
        by_district = members(session, chamber, ordered)
        rows += [
            {
                "chamber": chamber.value,
                "district": name,
                "share": values[name] / total,
                "members": [_person(m) for m in by_district[name]],
            }
            for name in ordered
        ]
    for state, senators in members(session, Chamber.US_SENATE).items():
        rows.append(
            {
                "chamber": Chamber.US_SENATE.value,
                "district": state,
                "share": 1.0,
                "members": [_person(m) for m in senators],
            }
        )
    return rows


@dataclass
class Delegation:
    """Who a Hub's House district sends: each list in order of the share of the district's
    precincts (main first); U.S. Senators by name."""

    state_rep: list[Legislator] = field(default_factory=list)
    state_senators: list[Legislator] = field(default_factory=list)
    us_representatives: list[Legislator] = field(default_factory=list)
    us_senators: list[Legislator] = field(default_factory=list)


def delegation(session: Session, geo: Geography, district: District) -> Delegation:
    out = Delegation(state_rep=[leg for leg in district.legislators if leg.active])
    senate = [name for name, _ in geo.senate_of_house(district.name)]
    congress = [congressional_district(n) for n, _ in geo.congress_of_house(district.name)]
    by_senate = members(session, Chamber.SENATE, senate)
    by_congress = members(session, Chamber.US_HOUSE, congress)
    out.state_senators = [leg for name in senate for leg in by_senate[name]]
    out.us_representatives = [leg for name in congress for leg in by_congress[name]]
    out.us_senators = [
        leg for senators in members(session, Chamber.US_SENATE).values() for leg in senators
    ]
    return out


@dataclass(frozen=True, slots=True)
class Nearby:
    """Another Hub sharing a State Senator's or a U.S. Representative's district."""

    hub_id: int
    hub: str
    district: str  # its House district
    shared: str  # the Senate or congressional district both lie in

    @property
    def shared_words(self) -> str:
        """The shared district as a sentence names it."""
        if self.shared.endswith("Congressional District"):
            return f"the {self.shared}"
        return f"the {self.shared} Senate district"


def nearby_hubs(
    session: Session, geo: Geography, hub: Hub, *, besides: set[int] | frozenset[int] = frozenset()
) -> list[Nearby]:
    """Listed Hubs in other House districts of this Hub's Senate district(s), then of its
    congressional district(s): neighbours to work with on those members, plans or not
    (but for the Hubs `besides`, already named)."""
    mine = hub.district.name
    areas: list[tuple[str, set[str]]] = []
    for senate, _ in geo.senate_of_house(mine):
        areas.append((senate, {h for h, _ in geo.house_in_senate(senate)}))
    for number, _ in geo.congress_of_house(mine):
        areas.append(
            (congressional_district(number), {h for h, _ in geo.house_in_congress(number)})
        )
    houses = set().union(*(h for _, h in areas)) - {mine} if areas else set()
    if not houses:
        return []
    others = session.execute(
        select(Hub.id, Hub.name, District.name)
        .join(District, Hub.district_id == District.id)
        .where(
            District.name.in_(houses),
            District.chamber == Chamber.HOUSE,
            Hub.id != hub.id,
            # Listed: staff have seen them, and their contact is in the public directory.
            Hub.stage == Stage.LISTED,
            Hub.status.in_([Status.ACTIVE, Status.STALLED, Status.PAUSED]),
        )
        .order_by(Hub.name)
    ).all()
    out, seen = [], set()
    for area, members in areas:
        for hub_id, name, district in others:
            if district in members and hub_id not in seen and hub_id not in besides:
                seen.add(hub_id)
                out.append(Nearby(hub_id, name, district, area))
    return out
