"""Which districts a place votes in: each ward and precinct of each city and town with its
State Rep, State Senate and U.S. House district (SPEC §1, §5). A town wholly inside one
House district needs nothing more; a split city is narrowed by ward and precinct."""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from models.errors import InvalidInput

# The counties, as district names spell them ("7th Plymouth", "Barnstable, Dukes and
# Nantucket"): a district's county is the first one its name gives.
COUNTIES = (
    "Barnstable",
    "Berkshire",
    "Bristol",
    "Dukes",
    "Essex",
    "Franklin",
    "Hampden",
    "Hampshire",
    "Middlesex",
    "Nantucket",
    "Norfolk",
    "Plymouth",
    "Suffolk",
    "Worcester",
)
_COUNTY = re.compile(r"\b(" + "|".join(COUNTIES) + r")\b")


def county_of(district: str) -> str | None:
    """The first county a district's name gives ("Cape and Islands" names none)."""
    found = _COUNTY.search(district)
    return found.group(1) if found else None


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def congressional_district(n: int) -> str:
    """A U.S. House district's name in hubflow ("7th Congressional District")."""
    return f"{ordinal(n)} Congressional District"


_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = [
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40}
_TENTHS = {"twentieth": 20, "thirtieth": 30, "fortieth": 40}


def spelled_ordinal(word: str) -> int | None:
    """ "Seventh" is 7, "Thirty-Fifth" is 35; None when it is not an ordinal."""
    w = word.lower()
    if w in _UNITS:
        return _UNITS.index(w) + 1
    if w in _TEENS:
        return _TEENS.index(w) + 10
    if w in _TENTHS:
        return _TENTHS[w]
    tens, _, unit = w.partition("-")
    if tens in _TENS and unit in _UNITS:
        return _TENS[tens] + _UNITS.index(unit) + 1
    return None


def natural_key(name: str) -> tuple[str, int, str]:
    """District names in the order people expect: by county, then 1st, 2nd, … 10th (or
    First, Second, … Tenth)."""
    number = re.match(r"(\d+)(?:st|nd|rd|th)\s+(.*)", name)
    if number:
        return (number.group(2), int(number.group(1)), "")
    first, _, rest = name.partition(" ")
    spelled = spelled_ordinal(first)
    if spelled is not None and rest:
        return (rest, spelled, "")
    return (name, 0, name)


def _numbered(value: str) -> tuple[int, str]:
    digits = re.match(r"\d*", value).group()  # type: ignore[union-attr]
    return (int(digits or 0), value)


@dataclass(frozen=True, slots=True)
class Precinct:
    town: str
    ward: str  # "" where the town has no wards
    precinct: str
    house: str
    senate: str
    congress: int


def _part(value: str) -> str:
    """A ward or precinct as the table writes it: "01" is "1", "2a" is "2A"."""
    value = value.strip().upper()
    if value in ("", "-"):
        return ""
    digits = re.match(r"0*(\d+)(.*)", value)
    return f"{digits.group(1)}{digits.group(2).strip()}" if digits else value


def _by_share(values: Iterable[str | int]) -> list[tuple[str | int, float]]:
    counts = Counter(values)
    total = sum(counts.values())
    return [(v, n / total) for v, n in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]


@dataclass(frozen=True)
class Lookup:
    """The precincts of a town (narrowed by ward and precinct when given) and their districts,
    the one with most precincts first."""

    town: str
    precincts: list[Precinct]

    # Worked out once per Lookup: a town's whole Lookup is kept (Geography.lookup), and
    # /join asks for its districts on every post.
    @cached_property
    def house(self) -> list[str]:
        return [str(v) for v, _ in _by_share(p.house for p in self.precincts)]

    @cached_property
    def senate(self) -> list[str]:
        return [str(v) for v, _ in _by_share(p.senate for p in self.precincts)]

    @cached_property
    def congress(self) -> list[int]:
        return [int(v) for v, _ in _by_share(p.congress for p in self.precincts)]


class Geography:
    def __init__(self, precincts: Iterable[Precinct]) -> None:
        self.precincts = list(precincts)
        self._towns: dict[str, list[Precinct]] = defaultdict(list)
        self._house: dict[str, list[Precinct]] = defaultdict(list)
        self._senate: dict[str, list[Precinct]] = defaultdict(list)
        self._congress: dict[int, list[Precinct]] = defaultdict(list)
        for p in self.precincts:
            self._towns[p.town.casefold()].append(p)
            self._house[p.house].append(p)
            self._senate[p.senate].append(p)
            self._congress[p.congress].append(p)
        self.towns = sorted({p.town for p in self.precincts})
        self._whole: dict[str, Lookup] = {}  # each town's Lookup, once asked for

    def __bool__(self) -> bool:
        return bool(self.precincts)

    @property
    def house_districts(self) -> list[str]:
        return sorted(self._house, key=natural_key)

    @property
    def senate_districts(self) -> list[str]:
        return sorted(self._senate, key=natural_key)

    @property
    def congressional_districts(self) -> list[int]:
        return sorted(self._congress)

    def town(self, name: str, *, field: str = "town") -> str:
        """The town's name as the table writes it, or InvalidInput with likely spellings."""
        key = re.sub(r"\s+", " ", name).strip().casefold()
        if not key:
            raise InvalidInput.one(field, "this is required")
        if not self:
            raise InvalidInput.one(field, "hubflow has no town data for this state")
        found = self._towns.get(key) or self._towns.get(
            re.sub(r"^(city|town) of ", "", key).strip()
        )
        if found:
            return found[0].town
        close = difflib.get_close_matches(key, list(self._towns), n=3, cutoff=0.7)
        hint = (
            " Did you mean " + " or ".join(self._towns[c][0].town for c in close) + "?"
            if close
            else ""
        )
        raise InvalidInput.one(field, f"there is no city or town called “{name.strip()}”.{hint}")

    def lookup(self, town: str, *, ward: str = "", precinct: str = "") -> Lookup:
        """The districts of `town`, of its ward, or of one precinct of it."""
        name = self.town(town)
        precincts = self._towns[name.casefold()]
        ward, precinct = _part(ward), _part(precinct)
        if not ward and not precinct:
            if name not in self._whole:
                self._whole[name] = Lookup(town=name, precincts=precincts)
            return self._whole[name]
        errors = {}
        has_wards = any(p.ward for p in precincts)
        if ward:
            if not has_wards:
                errors["ward"] = f"{name} has no wards: leave this empty"
            elif not any(p.ward == ward for p in precincts):
                wards = sorted({p.ward for p in precincts}, key=_numbered)
                errors["ward"] = (
                    f"{name} has no ward {ward} (its wards are {wards[0]} to {wards[-1]})"
                )
        if precinct and "ward" not in errors:
            narrowed = [p for p in precincts if not ward or p.ward == ward]
            if not any(p.precinct == precinct for p in narrowed):
                where = f"ward {ward} of {name}" if ward else name
                errors["precinct"] = f"{where} has no precinct {precinct}"
        if errors:
            raise InvalidInput(errors)
        chosen = [
            p
            for p in precincts
            if (not ward or p.ward == ward) and (not precinct or p.precinct == precinct)
        ]
        return Lookup(town=name, precincts=chosen)

    def towns_of_house(self, house: str) -> list[str]:
        return sorted({p.town for p in self._house.get(house, [])})

    def senate_of_house(self, house: str) -> list[tuple[str, float]]:
        """The Senate districts a House district lies in, with the share of its precincts,
        the main one first."""
        return [(str(v), s) for v, s in _by_share(p.senate for p in self._house.get(house, []))]

    def congress_of_house(self, house: str) -> list[tuple[int, float]]:
        return [(int(v), s) for v, s in _by_share(p.congress for p in self._house.get(house, []))]

    def house_in_senate(self, senate: str) -> list[tuple[str, float]]:
        """The House districts with precincts in a Senate district, each with the share of
        its own precincts that lie there, in natural order."""
        return self._house_in(p.house for p in self._senate.get(senate, []))

    def house_in_congress(self, district: int) -> list[tuple[str, float]]:
        return self._house_in(p.house for p in self._congress.get(district, []))

    def _house_in(self, houses: Iterable[str]) -> list[tuple[str, float]]:
        counts = Counter(houses)
        return [
            (house, counts[house] / len(self._house[house]))
            for house in sorted(counts, key=natural_key)
        ]


def house_district_for(
    geo: Geography, town: str, *, ward: str = "", precinct: str = "", district: str = ""
) -> str:
    """The State Rep district of a group from its town (and ward and precinct, for a split
    city), or the one chosen among the town's districts. InvalidInput names the field to
    fix: `town`, `ward`, `precinct`, or `district` when the town is split and nothing
    narrows it to one."""
    found = geo.lookup(town, ward=ward, precinct=precinct)
    if district.strip():
        wanted = district.strip().casefold()
        everywhere = geo.lookup(found.town).house
        for name in everywhere:
            if name.casefold() == wanted:
                return name
        raise InvalidInput.one(
            "district",
            f"{found.town} is not in {district.strip()}: choose one of "
            + ", ".join(sorted(everywhere, key=natural_key)),
        )
    if len(found.house) == 1:
        return found.house[0]
    where = found.town if not ward else f"ward {_part(ward)} of {found.town}"
    narrow = "your ward and precinct" if not ward else "your precinct"
    raise InvalidInput.one(
        "district",
        f"{where} is split among {len(found.house)} State Rep districts: choose yours, or "
        f"give {narrow} (they are on your voter card)",
    )
