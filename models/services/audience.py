"""Who an announcement goes to: Hubs chosen by stage, status, whose move it is, place,
listing, owner or a list of ids; their primary contacts or all of them (#30)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from models.enums import Chamber, ContactRole, Stage, Status
from models.errors import InvalidInput
from models.geography import COUNTIES, Geography, county_of
from models.hub import Contact, Hub
from models.legislature import District
from models.newcomer import Newcomer, NewcomerState
from models.services import clocks
from models.staff import StaffMember

WHOSE = {"": "Either", "hub": "The Hub's move", "team": "Waiting on the team"}
LISTED = {"": "Listed or not", "yes": "Listed Hubs only", "no": "Hubs not yet listed"}
CONTACTS = {"primary": "Each Hub's primary contacts", "all": "Every contact of each Hub"}
# Hubs written to unless staff choose statuses: not those that withdrew or were declined.
OPEN_STATUSES = (Status.ACTIVE, Status.STALLED, Status.PAUSED)


@dataclass(frozen=True)
class Audience:
    """The Hubs (and which of their people) an announcement goes to; each criterion left
    empty matches every Hub, several criteria narrow each other."""

    stages: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    whose: str = ""
    counties: tuple[str, ...] = ()
    senate: tuple[str, ...] = ()
    congress: tuple[int, ...] = ()
    house: tuple[str, ...] = ()
    listed: str = ""
    owner: str = ""  # a staff member's id, or "none"
    hub_ids: tuple[int, ...] = ()
    contacts: str = "primary"
    paused: bool = False  # paused Hubs too (unless statuses name them, they are left out)
    # Instead of Hubs: the newcomers waiting for a Hub in the districts the place criteria
    # choose (#31), who have no Hub yet.
    newcomers: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Audience:
        known = {f.name for f in fields(cls)}
        kept: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in known
        }
        return cls(**kept)


def _listed(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in re.split(r"[\n,;]+", value) if v.strip())
    return out


def parse_audience(session: Session, form: Mapping[str, list[str]], geo: Geography) -> Audience:
    """The audience a form or the CLI chose, each value a list of what was given; every
    wrong field at once (InvalidInput), each named."""
    errors: dict[str, str] = {}

    def among(field: str, allowed: Iterable[str], words: str) -> tuple[str, ...]:
        given = _listed(form.get(field, []))
        allowed = list(allowed)
        wrong = [g for g in given if g not in allowed]
        if wrong:
            errors[field] = f"{', '.join(wrong)}: not {words}"
        return tuple(dict.fromkeys(given))

    def one(field: str, allowed: Mapping[str, str], default: str = "") -> str:
        value = (form.get(field) or [default])[-1].strip()
        if value not in allowed:
            errors[field] = f"choose one of: {'; '.join(allowed.values())}"
            return default
        return value

    stages = among("stages", [s.value for s in Stage], "a stage")
    statuses = among("statuses", [s.value for s in Status], "a status")
    counties = among("counties", COUNTIES, "a county")
    senate = among("senate", geo.senate_districts if geo else [], "a Senate district")
    congress_names = among(
        "congress",
        [str(n) for n in (geo.congressional_districts if geo else [])],
        "a congressional district number",
    )
    house = among("house", house_names(session), "a district")
    owner = (form.get("owner") or [""])[-1].strip()
    real = owner.isdigit() and len(owner) < 10 and session.get(StaffMember, int(owner)) is not None
    if owner not in ("", "none") and not real:
        errors["owner"] = "choose someone on the team, or nobody"
    hub_ids: list[int] = []
    for word in _listed([re.sub(r"\s+", ",", v) for v in form.get("hub_ids", [])]):
        if word.isdigit() and len(word) < 10:
            hub_ids.append(int(word))
        else:
            errors["hub_ids"] = f"{word!r} is not a Hub's number; give numbers, one per line"
            break
    if hub_ids and "hub_ids" not in errors:
        found = set(session.scalars(select(Hub.id).where(Hub.id.in_(hub_ids))))
        if missing := [str(i) for i in hub_ids if i not in found]:
            errors["hub_ids"] = f"no Hub numbered {', '.join(missing[:10])}"
    audience = Audience(
        stages=stages,
        statuses=statuses,
        whose=one("whose", WHOSE),
        counties=counties,
        senate=senate,
        congress=tuple(int(c) for c in congress_names if c.isdigit()),
        house=house,
        listed=one("listed", LISTED),
        owner=owner,
        hub_ids=tuple(dict.fromkeys(hub_ids)),
        contacts=one("contacts", CONTACTS, "primary"),
        paused=(form.get("paused") or [""])[-1] in ("yes", "on", "true", "1"),
        newcomers=(form.get("newcomers") or [""])[-1] in ("yes", "on", "true", "1"),
    )
    if errors:
        raise InvalidInput(errors)
    return audience


def house_names(session: Session) -> list[str]:
    """The covered chamber's districts, in the order people count them."""
    query = select(District.name).where(District.chamber == Chamber.HOUSE)
    return list(session.scalars(query.order_by(District.sort_key, District.name)))


def _districts(audience: Audience, geo: Geography) -> set[str] | None:
    """The House districts the place criteria leave (each narrowing the last), or None."""
    chosen: set[str] | None = None

    def narrow(names: Iterable[str]) -> None:
        nonlocal chosen
        names = set(names)
        chosen = names if chosen is None else chosen & names

    if audience.counties:
        narrow(d for d in geo.house_districts if county_of(d) in audience.counties)
    if audience.senate:
        narrow(h for s in audience.senate for h, _ in geo.house_in_senate(s))
    if audience.congress:
        narrow(h for c in audience.congress for h, _ in geo.house_in_congress(c))
    if audience.house:
        narrow(audience.house)
    return chosen


def hubs_where(audience: Audience, geo: Geography) -> ColumnElement[bool]:
    """(SQL, over Hub joined to its District) the Hubs the audience chooses, paused ones
    included: `paused_left_out` says which of them stay out."""
    where: list[ColumnElement[bool]] = []
    if audience.stages:
        where.append(Hub.stage.in_([Stage(s) for s in audience.stages]))
    statuses = [Status(s) for s in audience.statuses] or list(OPEN_STATUSES)
    where.append(Hub.status.in_(statuses))
    if audience.whose:
        where.append(clocks.hubs_move() if audience.whose == "hub" else clocks.teams_move())
    if (names := _districts(audience, geo)) is not None:
        where.append(District.name.in_(sorted(names)))
    if audience.listed:
        listed = Hub.stage == Stage.LISTED
        where.append(listed if audience.listed == "yes" else ~listed)
    if audience.owner == "none":
        where.append(Hub.owner_id.is_(None))
    elif audience.owner:
        where.append(Hub.owner_id == int(audience.owner))
    if audience.hub_ids:
        where.append(Hub.id.in_(audience.hub_ids))
    return and_(true(), *where)


def newcomers_where(audience: Audience, geo: Geography) -> ColumnElement[bool]:
    """(SQL, over Newcomer joined to its District) the waiting newcomers chosen."""
    where: list[ColumnElement[bool]] = [Newcomer.state == NewcomerState.WAITING]
    if (names := _districts(audience, geo)) is not None:
        where.append(District.name.in_(sorted(names)))
    return and_(*where)


def paused_left_out(audience: Audience) -> bool:
    """Whether the audience's paused Hubs stay out (reported as left out)."""
    return not audience.paused and Status.PAUSED.value not in audience.statuses


def contacts_where(audience: Audience) -> ColumnElement[bool]:
    if audience.contacts == "all":
        return true()
    return Contact.role == ContactRole.PRIMARY


def describe(audience: Audience, team: list[StaffMember]) -> list[str]:
    """The audience in words, a line per criterion chosen."""
    if audience.newcomers:
        places = [
            f"{name} {', '.join(values)}"
            for name, values in (
                ("in the county of", audience.counties),
                ("in the Senate district", audience.senate),
                ("in congressional district", [str(c) for c in audience.congress]),
                ("in the district", audience.house),
            )
            if values
        ]
        return [
            "People waiting for a Hub in their district"
            + (", " + "; ".join(places) if places else "")
        ]
    lines = []
    if audience.stages:
        lines.append("At the stage " + _or([Stage(s).label for s in audience.stages]))
    statuses = list(audience.statuses) or ["active", "stalled"] + ["paused"] * audience.paused
    lines.append("Status: " + _or([Status(s).label.lower() for s in statuses]))
    if audience.whose:
        lines.append(WHOSE[audience.whose])
    for name, values in (
        ("In the county of", audience.counties),
        ("In the Senate district", audience.senate),
        ("In congressional district", [str(c) for c in audience.congress]),
        ("In the district", audience.house),
    ):
        if values:
            lines.append(f"{name} {', '.join(values)}")
    if audience.listed:
        lines.append(LISTED[audience.listed])
    if audience.owner == "none":
        lines.append("No owner yet")
    elif audience.owner:
        who = next((m.name for m in team if str(m.id) == audience.owner), audience.owner)
        lines.append(f"Owned by {who}")
    if audience.hub_ids:
        lines.append(f"Only the Hubs numbered {', '.join(map(str, audience.hub_ids))}")
    lines.append(CONTACTS[audience.contacts])
    return lines


def _or(words: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
