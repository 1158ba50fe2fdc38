"""The interest forms of a batch written as rows: Hubs, contacts, submissions, audit rows
and events, several rows per INSERT (what /join does under load)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from models.enums import Chamber, ContactRole, Stage, Status, Term
from models.errors import InvalidInput
from models.events import EventType
from models.forms import InterestForm
from models.hub import Contact, Hub, Submission
from models.legislature import District
from models.policy import Policy
from models.services.common import Actor, append_audit, change_row, event_row, stage_entry


def unknown_district(name: str) -> InvalidInput:
    return InvalidInput.one(
        "district",
        f"there is no {Term.STATE.label} {Term.DISTRICT.label} called “{name}”: choose one "
        "from the list",
    )


@dataclass(frozen=True, slots=True)
class Interest:
    """What an interest form became: a new Hub, or the one the same form made before."""

    hub_id: int
    hub_name: str
    district: str
    new: bool


# Each new row says which it is by a column unique in the batch (a Hub's dedup key, a
# submission's Hub), not by RETURNING's order: asking SQLite for rows in parameter order
# makes SQLAlchemy insert one row per statement.
_INSERT_HUB = insert(Hub.__table__).returning(  # type: ignore[arg-type]
    Hub.__table__.c.dedup_key, Hub.__table__.c.id
)
_INSERT_CONTACT = insert(Contact.__table__)  # type: ignore[arg-type]
_INSERT_SUBMISSION = insert(Submission.__table__).returning(  # type: ignore[arg-type]
    Submission.__table__.c.hub_id, Submission.__table__.c.id
)


def record_batch(
    session: Session,
    parsed: list[InterestForm | InvalidInput],
    *,
    actor: Actor | None,
    now: datetime,
    policy: Policy,
) -> list[Interest | InvalidInput]:
    """Each parsed form's outcome, in order: a new Hub, the open Hub the same form made
    before, or the refusal (a form already refused stays so). In the caller's transaction."""
    forms = [f for f in parsed if isinstance(f, InterestForm)]
    districts = house_districts(session, {_district_key(f) for f in forms})
    known = _open_hubs(session, {f.dedup_key() for f in forms}, now=now)
    outcomes: list[InterestForm | InvalidInput] = []
    new: dict[str, InterestForm] = {}  # by dedup key, in order
    for form in parsed:
        if isinstance(form, InterestForm) and _district_key(form) not in districts:
            form = unknown_district(form.district)
        elif isinstance(form, InterestForm) and form.dedup_key() not in known:
            new.setdefault(form.dedup_key(), form)
        outcomes.append(form)
    if new:
        _insert_hubs(session, new, districts, known, actor=actor, now=now, policy=policy)
    return [o if isinstance(o, InvalidInput) else known[o.dedup_key()] for o in outcomes]


def _district_key(form: InterestForm) -> str:
    return form.district.strip().lower()


# Built once, with the varying lists as expanding parameters: they compile once.
_HOUSE_DISTRICTS = select(District.id, District.name).where(
    District.chamber == Chamber.HOUSE,
    func.lower(District.name).in_(bindparam("keys", expanding=True)),
)
_HUBS_BY_KEY = (
    select(Hub.id, Hub.name, Hub.status, Hub.dedup_key, District.name)
    .join(District, Hub.district_id == District.id)
    .where(Hub.dedup_key.in_(bindparam("keys", expanding=True)))
)


def house_districts(session: Session, keys: set[str]) -> dict[str, tuple[int, str]]:
    """House districts by lower-cased name: (id, name)."""
    rows = session.execute(_HOUSE_DISTRICTS, {"keys": sorted(keys)})
    return {name.lower(): (district_id, name) for district_id, name in rows}


def _open_hubs(session: Session, keys: set[str], *, now: datetime) -> dict[str, Interest]:
    """The Hubs these dedup keys already name. A withdrawn or declined group may apply
    again: its old Hub gives up the key."""
    rows = session.execute(_HUBS_BY_KEY, {"keys": sorted(keys)}).all()
    known = {}
    for hub_id, name, status, key, district in rows:
        if status.is_final():
            session.execute(
                update(Hub)
                .where(Hub.id == hub_id)
                .values(dedup_key=f"{key}#{hub_id}", updated_at=now, version=Hub.version + 1)
            )
        else:
            known[key] = Interest(hub_id, name, district, new=False)
    return known


def _insert_hubs(
    session: Session,
    new: dict[str, InterestForm],
    districts: dict[str, tuple[int, str]],
    known: dict[str, Interest],
    *,
    actor: Actor | None,
    now: datetime,
    policy: Policy,
) -> None:
    """New Hubs with their first contact, their interest form, audit rows and events."""
    entry = stage_entry(Stage.INTEREST, now=now, policy=policy)
    forms = list(new.values())
    rows = session.execute(
        _INSERT_HUB,
        [
            {
                **entry,
                "name": f.group_name,
                "kind": f.kind,
                "towns": list(f.towns),
                "district_id": districts[_district_key(f)][0],
                "status": Status.ACTIVE,
                "first_action_idea": f.first_action_idea,
                "dedup_key": key,
                "created_at": now,
                "updated_at": now,
            }
            for key, f in new.items()
        ],
    )
    ids = {row.dedup_key: row.id for row in rows}
    hub_ids = [ids[key] for key in new]
    actors = [actor or Actor(f"applicant:{str(f.email).lower()}") for f in forms]
    session.execute(
        _INSERT_CONTACT,
        [
            {
                "hub_id": hub_id,
                "name": f.contact_name,
                "email": str(f.email).lower(),
                "phone": f.phone,
                "role": ContactRole.PRIMARY,
                "created_at": now,
            }
            for hub_id, f in zip(hub_ids, forms, strict=True)
        ],
    )
    rows = session.execute(
        _INSERT_SUBMISSION,
        [
            {
                "hub_id": hub_id,
                "stage": Stage.INTEREST,
                "version": 1,
                "payload": f.model_dump(mode="json"),
                "submitted_by": who.label,
                "submitted_at": now,
            }
            for hub_id, f, who in zip(hub_ids, forms, actors, strict=True)
        ],
    )
    by_hub = {row.hub_id: row.id for row in rows}
    submission_ids = [by_hub[hub_id] for hub_id in hub_ids]
    changes, events = [], []
    for hub_id, submission_id, who in zip(hub_ids, submission_ids, actors, strict=True):
        changes.append(
            change_row(
                hub_id,
                actor=who,
                now=now,
                to=(Stage.INTEREST, Status.ACTIVE),
                from_=None,
                reason="interest form submitted",
            )
        )
        events.append(event_row(EventType.STAGE_ENTERED, hub_id, now, stage=Stage.INTEREST.value))
        events.append(
            event_row(EventType.INTEREST_SUBMITTED, hub_id, now, submission_id=submission_id)
        )
    append_audit(session, changes=changes, events=events)
    for (key, f), hub_id in zip(new.items(), hub_ids, strict=True):
        known[key] = Interest(hub_id, f.group_name, districts[_district_key(f)][1], new=True)
