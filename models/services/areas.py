"""Coverage by geography: for each Senate district, congressional district or county, the
House districts it holds and how many have a Hub (SPEC §1, §5)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.orm import Session

from models.enums import Chamber
from models.geography import Geography, congressional_district, county_of, natural_key
from models.services.coverage import Coverage, DistrictCoverage
from models.services.delegation import members


class Area(StrEnum):
    HOUSE = "house"
    SENATE = "senate"
    CONGRESS = "congress"
    COUNTY = "county"


@dataclass(frozen=True)
class Part:
    """A House district within an area, with the share of its precincts that lie there."""

    district: DistrictCoverage
    share: float


@dataclass
class AreaCoverage:
    name: str
    members: list[str] = field(default_factory=list)  # who represents the area, if anyone
    parts: list[Part] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for p in self.parts if p.district.status == status)

    @property
    def covered(self) -> int:
        return self.count("listed") + self.count("in_progress")


def _names(session: Session, chamber: Chamber) -> dict[str, list[str]]:
    return {d: [leg.name for leg in legs] for d, legs in members(session, chamber).items()}


def by_area(session: Session, geo: Geography, cover: Coverage, by: Area) -> list[AreaCoverage]:
    """One row per area, in natural order; each House district counted once per area that
    holds any of its precincts."""
    house = {d.district: d for d in cover.house}
    if by is Area.HOUSE:
        return [
            AreaCoverage(d.district, [d.legislator] if d.legislator else [], [Part(d, 1.0)])
            for d in sorted(house.values(), key=lambda d: natural_key(d.district))
        ]
    if by is Area.COUNTY:
        counties: dict[str, AreaCoverage] = {}
        for d in sorted(house.values(), key=lambda d: natural_key(d.district)):
            county = county_of(d.district) or "Other"
            counties.setdefault(county, AreaCoverage(county)).parts.append(Part(d, 1.0))
        return [counties[c] for c in sorted(counties)]
    if by is Area.SENATE:
        senators = _names(session, Chamber.SENATE)
        return [
            AreaCoverage(
                senate,
                senators.get(senate, []),
                [Part(house[h], share) for h, share in geo.house_in_senate(senate) if h in house],
            )
            for senate in geo.senate_districts
        ]
    representatives = _names(session, Chamber.US_HOUSE)
    out = []
    for number in geo.congressional_districts:
        name = congressional_district(number)
        parts = [Part(house[h], share) for h, share in geo.house_in_congress(number) if h in house]
        out.append(AreaCoverage(name, representatives.get(name, []), parts))
    return out
