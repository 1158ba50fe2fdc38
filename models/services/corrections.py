"""Staff correct a Hub (SPEC §9): each change one transaction, checked by the rules the
public forms apply, and recorded in its history ("Ann Lee changed the towns from … to …").
Its contacts: models/services/contacts.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.enums import Chamber, HubKind, Term
from models.errors import InvalidInput
from models.events import EventType
from models.forms import GroupName, Text, parse
from models.geography import Geography, natural_key
from models.hub import Hub
from models.legislature import District
from models.notes import Correction
from models.services.common import Actor, clock, emit, load_hub, transaction


class HubCorrection(BaseModel):
    """What staff may correct of a Hub; a field left out is not changed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    name: GroupName | None = None
    kind: HubKind | None = None
    towns: list[Text] | None = Field(None, min_length=1, max_length=30)
    district: Text | None = None


def correct_hub(
    session: Session,
    hub_id: int,
    changes: dict[str, Any],
    *,
    actor: Actor,
    geo: Geography | None = None,
    now: datetime | None = None,
) -> Hub:
    """Correct a Hub's name, kind, towns or district. The district must be a House district
    its first town lies in (where hubflow knows the towns), as on /join."""
    now = clock(now)
    if isinstance(changes.get("towns"), str):
        changes = {
            **changes,
            "towns": [t.strip() for t in changes["towns"].split(",") if t.strip()],
        }
    form = parse(HubCorrection, {k: v for k, v in changes.items() if v not in (None, "", [])})
    with transaction(session):
        hub = load_hub(session, hub_id)
        towns = list(dict.fromkeys(form.towns)) if form.towns is not None else list(hub.towns)
        district = hub.district
        if form.district is not None or form.towns is not None:
            district = _district(session, geo, towns, form.district or hub.district.name)
            if geo:
                towns = [geo.town(towns[0]), *towns[1:]]
        wanted = {
            "name": form.name,
            "kind": form.kind,
            "towns": towns if form.towns is not None else None,
            "district": district if district.id != hub.district_id else None,
        }
        for field, value in wanted.items():
            if value is None:
                continue
            before = _words(field, getattr(hub, field))
            if before == _words(field, value):
                continue
            record_correction(
                session, hub, field, before, _words(field, value), actor=actor, now=now
            )
            setattr(hub, field, value)
        emit(session, EventType.CORRECTED, hub, now, what="hub")
        return hub


def _words(field: str, value: Any) -> str:
    if field == "towns":
        return ", ".join(value)
    if field == "district":
        return str(value.name)
    if field == "kind":
        return str(HubKind(value).label)
    return str(value)


def _district(session: Session, geo: Geography | None, towns: list[str], name: str) -> District:
    found = session.scalar(
        select(District).where(
            District.chamber == Chamber.HOUSE, func.lower(District.name) == name.strip().lower()
        )
    )
    if found is None:
        raise InvalidInput.one("district", f"there is no {Term.DISTRICT.label} called “{name}”")
    if geo:
        try:
            house = geo.lookup(towns[0]).house
        except InvalidInput as exc:
            raise InvalidInput({"towns": "; ".join(exc.errors.values())}) from None
        if found.name not in house:
            raise InvalidInput.one(
                "district",
                f"{towns[0]} is not in {found.name}: choose one of "
                + ", ".join(sorted(house, key=natural_key)),
            )
    return found


def record_correction(
    session: Session, hub: Hub, field: str, before: str, after: str, *, actor: Actor, now: datetime
) -> None:
    session.add(
        Correction(
            hub_id=hub.id,
            at=now,
            actor=actor.label,
            staff_id=actor.staff_id,
            field=field,
            before=before,
            after=after,
        )
    )
