"""What happens to a neighbour who wants to help (#31): signing up (again: one person,
updated), being introduced to a listed Hub of their district or waiting for one, and the
Hub's word that it reached them. Each function is one transaction's work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.enums import Chamber, Stage, Status
from models.errors import HubflowError, InvalidInput, NotFound
from models.events import EventType
from models.hub import Hub
from models.legislature import District
from models.newcomer import Newcomer, NewcomerState
from models.newcomer_form import NewcomerForm
from models.parsing import parse
from models.services.common import emit, transaction


class AlreadyFollowedUp(HubflowError):
    pass


def check(form: Mapping[str, Any], interests: Mapping[str, str]) -> NewcomerForm:
    """The form, valid, or InvalidInput naming every wrong field."""
    return parse(NewcomerForm, dict(form), context={"interests": interests})


@dataclass(frozen=True, slots=True)
class SignedUp:
    newcomer_id: int
    new: bool  # a first sign-up (or one that moved district): it is routed again


def sign_up(
    session: Session, form: Mapping[str, Any], *, interests: Mapping[str, str], now: datetime
) -> SignedUp:
    """Record a newcomer; the same address again updates them (no second introduction,
    unless they now live in another district and were still waiting)."""
    valid = check(form, interests)
    with transaction(session):
        district = session.scalar(
            select(District).where(
                District.chamber == Chamber.HOUSE, District.name == valid.district
            )
        )
        if district is None:
            raise InvalidInput.one("district", "choose your district from the list")
        email = str(valid.email).lower()
        found = session.scalar(select(Newcomer).where(Newcomer.email == email).with_for_update())
        moved = found is not None and found.district_id != district.id
        new = found is None or (moved and found.state is NewcomerState.WAITING)
        if found is None:
            found = Newcomer(email=email, signed_up_at=now)
            session.add(found)
        found.name, found.phone, found.town = valid.name, valid.phone, valid.town
        found.interests = valid.interests
        if found.state is NewcomerState.WAITING or found.hub_id is None:
            found.district_id = district.id
        session.flush()
        if new:
            emit(session, EventType.NEWCOMER_SIGNED_UP, None, now, newcomer_id=found.id)
    return SignedUp(found.id, new)


def hub_for(session: Session, district_id: int, town: str) -> Hub | None:
    """The listed Hub a newcomer of this district goes to: one of their town first, then
    the one listed longest."""
    hubs = session.scalars(
        select(Hub)
        .where(
            Hub.district_id == district_id,
            Hub.stage == Stage.LISTED,
            Hub.status.in_([Status.ACTIVE, Status.STALLED]),
        )
        .order_by(Hub.listed_at, Hub.id)
    ).all()
    in_town = [h for h in hubs if town.casefold() in (t.casefold() for t in h.towns)]
    chosen = in_town or list(hubs)
    return chosen[0] if chosen else None


def introduce(newcomer: Newcomer, hub: Hub, now: datetime) -> None:
    """In the caller's transaction: the newcomer is the Hub's to reach."""
    newcomer.hub_id, newcomer.state, newcomer.introduced_at = hub.id, NewcomerState.INTRODUCED, now


def waiting_for(session: Session, hub: Hub) -> list[Newcomer]:
    """The newcomers waiting in the Hub's district, first come first."""
    return list(
        session.scalars(
            select(Newcomer)
            .where(Newcomer.district_id == hub.district_id, Newcomer.state == NewcomerState.WAITING)
            .order_by(Newcomer.id)
            .with_for_update()
        )
    )


def follow_up(
    session: Session, newcomer_id: int, *, reached: bool, hub_id: int, now: datetime
) -> Newcomer:
    """The Hub's contact says they reached the newcomer (or could not)."""
    with transaction(session):
        found = session.get(Newcomer, newcomer_id, with_for_update=True)
        if found is None or found.hub_id != hub_id:
            raise NotFound("newcomer", newcomer_id)
        if found.state is NewcomerState.REACHED or (
            found.state is NewcomerState.UNREACHABLE and not reached
        ):
            raise AlreadyFollowedUp(f"{found.name} is already marked: {found.state.label.lower()}")
        found.state = NewcomerState.REACHED if reached else NewcomerState.UNREACHABLE
        found.followed_up_at = now
        emit(
            session,
            EventType.NEWCOMER_FOLLOWED_UP,
            found.hub,
            now,
            newcomer_id=found.id,
            reached=reached,
        )
    return found
