"""Read Open States data (people CSV exports and per-person/committee YAML) into records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from models.errors import InvalidInput
from models.services.legislature import (
    DistrictRecord,
    LegislatorRecord,
    LegislatureData,
    MembershipRecord,
)

DATA = Path(__file__).parent / "data"
_CHAMBERS = {
    "house": "house",
    "lower": "house",
    "senate": "senate",
    "upper": "senate",
    "us_house": "us_house",
    "us_senate": "us_senate",
    # a unicameral legislature (Nebraska) is the chamber covered
    "legislature": "house",
    "unicameral": "house",
}


LEGISLATURES = DATA / "legislatures.json"


def legislature_names() -> dict[str, dict[str, Any]]:
    """Each state's name and its chambers' names and titles ("lower", "upper" or, for a
    unicameral one, "legislature"), from the `openstates-metadata` package: what
    `plumbing/data/legislatures.json` ships, so that every start of hubflow can check a
    campaign's state and name its chambers without importing all 58 of its modules (~25 ms).
    """
    import openstates_metadata

    out: dict[str, dict[str, Any]] = {}
    for abbr, state in sorted(openstates_metadata.STATES_BY_ABBR.items()):
        chambers = {
            kind: {"name": chamber.name, "title": chamber.title}
            for kind in ("lower", "upper", "legislature")
            if (chamber := getattr(state, kind)) is not None
        }
        out[abbr.upper()] = {"name": state.name, "chambers": chambers}
    return out


def write_legislature_names(path: Path = LEGISLATURES) -> None:
    """Re-make `plumbing/data/legislatures.json` (after an upgrade of openstates-metadata)."""
    text = json.dumps(legislature_names(), indent=1, ensure_ascii=False, sort_keys=True)
    path.write_text(text + "\n", encoding="utf-8")


def bundled() -> LegislatureData:
    """The districts, legislators and committees that ship with hubflow."""
    data = LegislatureData()
    for name in ("districts.csv", "legislators.csv", "committee_members.csv", "congress.csv"):
        data.merge(read_path(DATA / name))
    return data


def state_districts(state: str) -> LegislatureData:
    """Every district of a state's legislature, with its seats, from the
    `openstates-metadata` package (offline): its people come from an Open States folder."""
    import openstates_metadata

    try:
        found = openstates_metadata.lookup(abbr=state)
    except KeyError:
        raise InvalidInput.one("state", f"{state!r} is not a state Open States knows") from None
    chambers = [found.legislature] if found.unicameral else [found.lower, found.upper]
    return LegislatureData(
        districts=[
            DistrictRecord(
                chamber=_chamber(chamber.chamber_type, where=state),
                name=d.name,
                division_id=d.division_id,
                seats=d.num_seats,
            )
            for chamber in chambers
            for d in chamber.districts
        ],
        sources=[f"openstates-metadata ({found.name})"],
    )


def read_path(path: Path) -> LegislatureData:
    """Read a CSV export, a YAML file, or a folder of them (e.g. Open States' `people`)."""
    if path.is_dir():
        data = LegislatureData()
        for child in sorted(path.rglob("*")):
            if child.suffix.lower() in (".csv", ".yml", ".yaml"):
                data.merge(read_path(child))
        if not data.sources:
            raise InvalidInput.one("path", f"{path} holds no .csv or .yml files")
        data.complete_roster = True  # a folder of person files is the whole legislature
        return data
    if not path.exists():
        raise InvalidInput.one("path", f"{path} does not exist")
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        return read_csv(text, source=str(path))
    if path.suffix.lower() in (".yml", ".yaml"):
        return read_yaml(text, source=str(path))
    raise InvalidInput.one("path", f"{path}: expected a .csv, .yml or .yaml file")


def _chamber(value: str, *, where: str) -> str:
    chamber = _CHAMBERS.get((value or "").strip().lower())
    if chamber is None:
        raise InvalidInput.one("chamber", f"{where}: unknown chamber {value!r}")
    return chamber


def read_csv(text: str, *, source: str) -> LegislatureData:
    """A districts, legislators or committee-members CSV, told apart by its columns."""
    reader = csv.DictReader(io.StringIO(text))
    columns = set(reader.fieldnames or [])
    rows = list(reader)
    data = LegislatureData(sources=[source])

    def cell(row: dict[str, str], *names: str) -> str:
        return next(((row.get(n) or "").strip() for n in names if row.get(n)), "")

    if {"committee", "member_name"} <= columns:
        data.memberships = [
            MembershipRecord(
                committee_id=cell(r, "committee_id") or cell(r, "committee"),
                committee=cell(r, "committee"),
                committee_chamber=cell(r, "committee_chamber") or "legislature",
                person_id=cell(r, "ocd_person_id"),
                role=cell(r, "role") or "member",
            )
            for r in rows
        ]
    elif {"division_id"} <= columns and "name" not in columns:
        data.districts = [
            DistrictRecord(
                chamber=_chamber(cell(r, "chamber"), where=f"{source}:{n}"),
                name=_required(cell(r, "district"), "district", source, n),
                division_id=cell(r, "division_id") or None,
            )
            for n, r in enumerate(rows, start=2)
        ]
    elif "name" in columns:
        data.legislators = [_legislator_row(r, cell, source, n) for n, r in enumerate(rows, 2)]
    else:
        raise InvalidInput.one("path", f"{source}: not a districts, legislators or committee CSV")
    return data


def _required(value: str, field_name: str, source: str, line: int) -> str:
    if not value:
        raise InvalidInput.one(field_name, f"{source}:{line}: {field_name} is empty")
    return value


def _legislator_row(
    row: dict[str, str], cell: Callable[..., str], source: str, line: int
) -> LegislatorRecord:
    where = f"{source}:{line}"
    return LegislatorRecord(
        ocd_id=_required(cell(row, "ocd_person_id", "id"), "ocd_person_id", source, line),
        chamber=_chamber(cell(row, "chamber", "current_chamber"), where=where),
        district=_required(cell(row, "district", "current_district"), "district", source, line),
        name=_required(cell(row, "name"), "name", source, line),
        party=cell(row, "party", "current_party"),
        email=cell(row, "email"),
        given_name=cell(row, "given_name"),
        family_name=cell(row, "family_name"),
    )


def read_yaml(text: str, *, source: str) -> LegislatureData:
    """One Open States person or committee file."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput.one("path", f"{source}: not valid YAML ({exc})") from None
    if not isinstance(doc, dict) or "id" not in doc:
        raise InvalidInput.one("path", f"{source}: not an Open States person or committee")
    if doc.get("classification") == "committee":
        return LegislatureData(
            memberships=[
                MembershipRecord(
                    committee_id=doc["id"],
                    committee=doc.get("name", ""),
                    committee_chamber=doc.get("chamber", "legislature"),
                    person_id=m.get("person_id", ""),
                    role=m.get("role", "member"),
                )
                for m in doc.get("members", [])
                if m.get("person_id")
            ],
            sources=[source],
            complete_roster=False,
        )
    role = next((r for r in doc.get("roles", []) if not r.get("end_date")), None)
    if role is None:  # not serving: contributes nothing, so the import marks them inactive
        return LegislatureData(legislators=[], sources=[source], complete_roster=False)
    party = (doc.get("party") or [{}])[-1].get("name", "")
    record = LegislatorRecord(
        ocd_id=doc["id"],
        chamber=_chamber(role.get("type", ""), where=source),
        district=role.get("district", ""),
        name=doc.get("name", ""),
        party=party,
        email=doc.get("email", ""),
        given_name=doc.get("given_name", ""),
        family_name=doc.get("family_name", ""),
        other_names=tuple(o["name"] for o in doc.get("other_names", []) if o.get("name")),
    )
    return LegislatureData(legislators=[record], sources=[source], complete_roster=False)
