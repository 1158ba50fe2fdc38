"""The Massachusetts precinct table shipped in plumbing/data (see its README), and the import
that makes it from the Secretary of the Commonwealth's table, with district names matched
to Open States' ("Seventh Plymouth" is "7th Plymouth", "&" is "and")."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from functools import cache
from pathlib import Path

from models.errors import InvalidInput
from models.geography import Geography, Precinct, ordinal, spelled_ordinal

DATA = Path(__file__).parent / "data"
PRECINCTS = DATA / "ma_precincts.csv"
COLUMNS = ("town", "ward", "precinct", "house", "senate", "congress")


def name_candidates(name: str) -> list[str]:
    """How Open States may write a district the precinct table names `name`."""
    plain = re.sub(r"\s+", " ", name.replace("&", "and")).strip()
    out = [name.strip(), plain]
    first, _, rest = plain.partition(" ")
    number = spelled_ordinal(first)
    if number is not None and rest:
        out.append(f"{ordinal(number)} {rest}")
    return out


@dataclass
class Converted:
    precincts: list[Precinct] = field(default_factory=list)
    unmatched: dict[str, set[str]] = field(
        default_factory=lambda: {"house": set(), "senate": set()}
    )
    matched: dict[str, set[str]] = field(default_factory=lambda: {"house": set(), "senate": set()})


def convert(text: str, *, house: Iterable[str], senate: Iterable[str]) -> Converted:
    """The Secretary's precinct table with Open States' district names; what did not match
    is listed in `unmatched` (and kept under its own name)."""
    known = {"house": set(house), "senate": set(senate)}
    out = Converted()
    reader = csv.DictReader(io.StringIO(text))
    missing = {"city_town", "Ward", "Pct", "State_Rep", "State_Senate", "US_House"} - set(
        reader.fieldnames or []
    )
    if missing:
        raise InvalidInput.one("file", f"not a precinct table: no {', '.join(sorted(missing))}")

    def match(chamber: str, name: str) -> str:
        for candidate in name_candidates(name):
            if candidate in known[chamber]:
                out.matched[chamber].add(candidate)
                return candidate
        out.unmatched[chamber].add(name)
        return name

    for line, row in enumerate(reader, 2):
        try:
            congress = int(row["US_House"])
        except ValueError:
            raise InvalidInput.one(
                "US_House", f"line {line}: {row['US_House']!r} is not a district number"
            ) from None
        out.precincts.append(
            Precinct(
                town=row["city_town"].strip(),
                ward="" if row["Ward"].strip() in ("", "-") else row["Ward"].strip(),
                precinct=row["Pct"].strip(),
                house=match("house", row["State_Rep"]),
                senate=match("senate", row["State_Senate"]),
                congress=congress,
            )
        )
    return out


def write(precincts: Iterable[Precinct], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for p in precincts:
            writer.writerow(astuple(p))


def read(path: Path) -> Geography:
    with path.open(newline="", encoding="utf-8") as f:
        return Geography(
            Precinct(
                town=r["town"],
                ward=r["ward"],
                precinct=r["precinct"],
                house=r["house"],
                senate=r["senate"],
                congress=int(r["congress"]),
            )
            for r in csv.DictReader(f)
        )


def geography() -> Geography:
    """The shipped table for a Massachusetts campaign; for another state an empty one (its
    join form lists the districts, and a town lookup says there is no town data)."""
    from plumbing.settings import get_settings

    return _shipped() if get_settings().campaign.has_town_data else NO_TOWNS


NO_TOWNS = Geography([])


@cache
def _shipped() -> Geography:
    """The shipped table, read once per process."""
    return read(PRECINCTS)
