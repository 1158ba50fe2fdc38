"""Bring districts, legislators and committees up to date from imported records (SPEC §5)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Chamber
from models.legislature import Committee, CommitteeMembership, District, Legislator
from models.services.common import transaction


@dataclass(frozen=True, slots=True)
class DistrictRecord:
    chamber: str
    name: str
    division_id: str | None = None
    seats: int | None = None  # None: as it is (one, for a new district)


@dataclass(frozen=True, slots=True)
class LegislatorRecord:
    ocd_id: str
    chamber: str
    district: str
    name: str
    party: str = ""
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    committee_id: str
    committee: str
    committee_chamber: str
    person_id: str
    role: str


@dataclass(slots=True)
class LegislatureData:
    """What one import brings; None for a kind of record the source does not carry."""

    districts: list[DistrictRecord] | None = None
    legislators: list[LegislatorRecord] | None = None
    memberships: list[MembershipRecord] | None = None
    sources: list[str] = field(default_factory=list)
    # Whether `legislators` is everyone serving in their chambers (so the missing have left).
    complete_roster: bool = True

    def merge(self, other: LegislatureData) -> None:
        for name in ("districts", "legislators", "memberships"):
            extra = getattr(other, name)
            if extra is not None:
                setattr(self, name, (getattr(self, name) or []) + extra)
        self.sources += other.sources
        self.complete_roster = self.complete_roster and other.complete_roster


@dataclass
class ImportReport:
    """What an import changed; all zero when the data was already current."""

    counts: Counter[str] = field(default_factory=Counter)
    unknown_people: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(self.counts.values())


def import_legislature(session: Session, data: LegislatureData) -> ImportReport:
    """Upsert everything in `data` in one transaction; legislators who left become inactive."""
    report = ImportReport()
    with transaction(session):
        districts = {(d.chamber, d.name): d for d in session.scalars(select(District))}
        for record in data.districts or []:
            _upsert_district(session, districts, record, report)
        if data.legislators is not None:
            _upsert_legislators(session, districts, data, report)
        if data.memberships is not None:
            _replace_memberships(session, data.memberships, report)
    return report


def _upsert_district(
    session: Session,
    districts: dict[tuple[Chamber, str], District],
    record: DistrictRecord,
    report: ImportReport,
) -> District:
    key = (Chamber(record.chamber), record.name)
    district = districts.get(key)
    if district is None:
        district = District(
            chamber=key[0],
            name=record.name,
            division_id=record.division_id,
            seats=record.seats or 1,
        )
        session.add(district)
        districts[key] = district
        report.counts["districts added"] += 1
        return district
    changed = False
    if record.division_id and district.division_id != record.division_id:
        district.division_id, changed = record.division_id, True
    if record.seats and district.seats != record.seats:
        district.seats, changed = record.seats, True
    if changed:
        report.counts["districts updated"] += 1
    return district


def _upsert_legislators(
    session: Session,
    districts: dict[tuple[Chamber, str], District],
    data: LegislatureData,
    report: ImportReport,
) -> None:
    existing = {leg.ocd_id: leg for leg in session.scalars(select(Legislator))}
    seen: set[str] = set()
    for record in data.legislators or []:
        seen.add(record.ocd_id)
        district = districts.get((Chamber(record.chamber), record.district))
        if district is None:
            district = _upsert_district(
                session, districts, DistrictRecord(record.chamber, record.district), report
            )
            session.flush()
        values = {
            "chamber": Chamber(record.chamber),
            "name": record.name,
            "party": record.party,
            "email": record.email,
            "given_name": record.given_name,
            "family_name": record.family_name,
            "active": True,
        }
        if record.other_names:
            values["other_names"] = list(record.other_names)
        legislator = existing.get(record.ocd_id)
        if legislator is None:
            session.flush()
            legislator = Legislator(ocd_id=record.ocd_id, district_id=district.id, **values)
            session.add(legislator)
            existing[record.ocd_id] = legislator
            report.counts["legislators added"] += 1
            continue
        session.flush()
        values["district_id"] = district.id
        changed = [k for k, v in values.items() if getattr(legislator, k) != v]
        for name in changed:
            setattr(legislator, name, values[name])
        if changed:
            report.counts["legislators updated"] += 1
    if data.complete_roster:
        chambers = {Chamber(r.chamber) for r in data.legislators or []}
        for legislator in existing.values():
            if (
                legislator.chamber in chambers
                and legislator.ocd_id not in seen
                and legislator.active
            ):
                legislator.active = False  # kept, with its stance history and plan targets
                report.counts["legislators inactive"] += 1


def _replace_memberships(
    session: Session, memberships: Iterable[MembershipRecord], report: ImportReport
) -> None:
    session.flush()
    people = dict(session.execute(select(Legislator.ocd_id, Legislator.id)).tuples().all())
    committees = {c.ocd_id: c for c in session.scalars(select(Committee))}
    wanted: dict[str, dict[int, str]] = {}
    for m in memberships:
        committee = committees.get(m.committee_id)
        if committee is None:
            committee = Committee(
                ocd_id=m.committee_id, name=m.committee, chamber=m.committee_chamber
            )
            session.add(committee)
            committees[m.committee_id] = committee
            report.counts["committees added"] += 1
        elif committee.name != m.committee:
            committee.name = m.committee
            report.counts["committees updated"] += 1
        if m.person_id not in people:
            report.unknown_people.append(f"{m.committee}: {m.person_id}")
            continue
        wanted.setdefault(m.committee_id, {})[people[m.person_id]] = m.role
    session.flush()
    for ocd_id, members in wanted.items():
        committee = committees[ocd_id]
        current = {ms.legislator_id: ms for ms in committee.memberships}
        for legislator_id, ms in current.items():
            if legislator_id not in members:
                session.delete(ms)
                report.counts["memberships removed"] += 1
            elif ms.role != members[legislator_id]:
                ms.role = members[legislator_id]
                report.counts["memberships updated"] += 1
        for legislator_id, role in members.items():
            if legislator_id not in current:
                session.add(
                    CommitteeMembership(
                        committee_id=committee.id, legislator_id=legislator_id, role=role
                    )
                )
                report.counts["memberships added"] += 1
