"""Lists of Hubs for the console and the CLI: by stage, status, whose move it is, owner and
a search, sorted and a page at a time. Apart from the other queries, so that `hubflow hubs
list` loads only the tables a list reads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, String, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session, contains_eager

from models.enums import ContactRole, Stage, Status
from models.errors import InvalidInput, choice
from models.hub import Contact, Hub
from models.legislature import District
from models.services import clocks


def _optional(enum: Any, value: str | None, field: str) -> Any:
    return None if value is None else choice(enum, value, field)


HUB_SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "name": "Name",
    "due": "The Hub's move, deadline first",
    "waiting": "Waiting on the team longest",
}
WHOSE = {"hub": "The Hub's move", "team": "Waiting on the team"}


def list_hubs(
    session: Session,
    *,
    stage: str | None = None,
    status: str | None = None,
    q: str = "",
    whose: str = "",
    bounced: bool = False,
    owner: str = "",
    sort: str = "",
    limit: int | None = None,
    offset: int = 0,
) -> list[Hub]:
    """Hubs by stage, status, whose move it is and a search of their name, towns or
    district, sorted (oldest first by default), a page at a time."""
    sort = sort_choice(sort, HUB_SORTS, "oldest")
    orders: dict[str, list[Any]] = {
        "oldest": [Hub.id],
        "newest": [Hub.id.desc()],
        "name": [func.lower(Hub.name), Hub.id],
        "due": [case((clocks.hubs_move(), 0), else_=1), Hub.stage_due_date, Hub.id],
        "waiting": [case((clocks.teams_move(), 0), else_=1), clocks.waiting_since(), Hub.id],
    }
    stmt = _hubs_where(select(Hub), stage, status, q, whose, bounced, owner).options(
        contains_eager(Hub.district)
    )
    return list(session.scalars(stmt.order_by(*orders[sort]).limit(limit).offset(offset)))


def count_hubs(
    session: Session,
    *,
    stage: str | None = None,
    status: str | None = None,
    q: str = "",
    whose: str = "",
    bounced: bool = False,
    owner: str = "",
) -> int:
    counted = _hubs_where(select(func.count(Hub.id)), stage, status, q, whose, bounced, owner)
    return session.scalar(counted) or 0


def hub_ids(session: Session, *, limit: int, **filters: Any) -> list[int]:
    """The ids of every Hub the filters of `list_hubs` match, at most `limit` of them."""
    stmt = _hubs_where(select(Hub.id), **filters).order_by(Hub.id).limit(limit)
    return list(session.scalars(stmt))


def _hubs_where(
    stmt: Select[Any],
    stage: str | None,
    status: str | None,
    q: str,
    whose: str = "",
    bounced: bool = False,
    owner: str = "",
) -> Select[Any]:
    stmt = stmt.join(District, District.id == Hub.district_id)
    if owner == "none":
        stmt = stmt.where(Hub.owner_id.is_(None))
    elif owner:
        if not (owner.isascii() and owner.isdigit() and len(owner) < 10):
            raise InvalidInput.one("owner", "choose someone on the team, or nobody")
        stmt = stmt.where(Hub.owner_id == int(owner))
    if bounced:  # its primary contact's address bounces
        stmt = stmt.where(
            exists().where(
                Contact.hub_id == Hub.id,
                Contact.role == ContactRole.PRIMARY,
                Contact.bounced_at.is_not(None),
            )
        )
    if whose:
        choice_of_move = sort_choice(whose, WHOSE, "", field="whose")
        stmt = stmt.where(clocks.hubs_move() if choice_of_move == "hub" else clocks.teams_move())
    if (st := _optional(Stage, stage or None, "stage")) is not None:
        stmt = stmt.where(Hub.stage == st)
    if (stat := _optional(Status, status or None, "status")) is not None:
        stmt = stmt.where(Hub.status == stat)
    return matching(stmt, q)


def matching(stmt: Select[Any], search: str) -> Select[Any]:
    """Hubs (joined to their district) whose name, towns, district or staff notes contain
    `search`."""
    term = search.strip().lower()
    if not term:
        return stmt
    # Imported here: a list without a search (`hubflow hubs list`) does not load the notes'
    # tables (and the staff's they name), ~10 ms of its start.
    from models.notes import Note

    return stmt.where(
        or_(
            func.lower(Hub.name).contains(term, autoescape=True),
            func.lower(cast(Hub.towns, String)).contains(term, autoescape=True),
            func.lower(District.name).contains(term, autoescape=True),
            exists().where(
                Note.hub_id == Hub.id, func.lower(Note.text).contains(term, autoescape=True)
            ),
        )
    )


def sort_choice(value: str, options: dict[str, str], default: str, *, field: str = "sort") -> str:
    """A choice (a sort order, by default) named in a URL or a flag, or InvalidInput naming
    the field."""
    value = value or default
    if value not in options:
        raise InvalidInput.one(field, f"choose one of: {', '.join(options.values())}")
    return value
