"""Staff work inside hubflow (SPEC §9): notes, corrections with history, owners reassigned,
a decline undone. Each action: the state, its record in the history, its events, its
emails; a correction that breaks a rule is refused naming the field, nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.audit import DomainEvent, StageChange
from models.base import utcnow
from models.email import Email, MessageKind
from models.enums import Decision, NoteKind, ReviewKind, ReviewState, Stage, Status
from models.errors import InvalidInput, TransitionNotAllowed
from models.events import EventType
from models.hub import Contact, Hub
from models.notes import Correction, Note
from models.review import ReviewTask
from models.services import contacts, corrections, hubs, owners, reviews
from models.services.common import Actor
from models.services.notes import add_note
from models.services.timeline import timeline
from models.staff import StaffMember
from plumbing.geography import geography
from plumbing.settings import get_settings
from tasks.events import process_waiting
from tests import factories
from tests.integration.helpers import row_counts


def react(session: Session) -> None:
    from plumbing.db import session_factory

    session.commit()  # end this session's read: what the reactions write is seen next
    process_waiting(session_factory(session.get_bind()), settings=get_settings(), now=utcnow())  # type: ignore[arg-type]


@pytest.fixture
def ann(session: Session) -> StaffMember:
    return factories.staff(session, name="Ann Lee", email="ann@masscare.org")


def history(session: Session, hub: Hub) -> str:
    session.expire_all()
    fresh = session.get(Hub, hub.id)
    assert fresh is not None
    return "\n".join(f"{e.text} {e.quote}" for e in timeline(session, fresh, today=utcnow().date()))


def test_a_note_with_a_follow_up_opens_a_task_for_its_author(
    session: Session, ann: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    tomorrow = get_settings().policy.today(utcnow()) + timedelta(days=1)
    note = add_note(
        session,
        hub.id,
        author_id=ann.id,
        text="Called Bo: they plan a canvass in May.\nCall back after.",
        kind=NoteKind.PHONE,
        follow_up=tomorrow.isoformat(),
    )
    task = session.get(ReviewTask, note.task_id)
    assert task is not None and task.kind is ReviewKind.FOLLOW_UP and task.owner_id == ann.id
    assert task.due_date == tomorrow and task.title.endswith(
        "Called Bo: they plan a canvass in May."
    )
    assert "Ann Lee noted a phone call. Follow-up on" in history(session, hub)
    # Found from the Hubs list's search; never on the Hub's own page.
    from models.services.hub_list import list_hubs

    assert [h.id for h in list_hubs(session, q="canvass in may")] == [hub.id]
    session.expire_all()
    own = timeline(session, session.get(Hub, hub.id), today=utcnow().date(), for_staff=False)  # type: ignore[arg-type]
    assert not any("canvass" in (e.text + e.quote) for e in own)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "bad \x07 bell"}, "text"),
        ({"text": "ok", "kind": "gossip"}, "kind"),
        ({"text": "ok", "follow_up": "2001-01-01"}, "follow_up"),
        ({"text": "ok", "follow_up": "next week"}, "follow_up"),
        ({"text": "x" * 5001}, "text"),
    ],
)
def test_a_bad_note_is_refused_naming_the_field(
    session: Session, ann: StaffMember, fields: dict[str, str], field: str
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    before = row_counts(session)
    with pytest.raises(InvalidInput) as caught:
        add_note(session, hub.id, author_id=ann.id, **fields)  # type: ignore[arg-type]
    assert field in caught.value.errors
    assert row_counts(session) == before


def test_corrections_of_a_hub_are_recorded_and_checked_as_join_checks(
    session: Session, ann: StaffMember
) -> None:
    hub = factories.hub_in(
        session, Stage.FIRST_ACTION, reviewer=ann, group_name="Quincy M4", district="1st Norfolk"
    )
    actor = Actor.staff(ann)
    corrections.correct_hub(
        session, hub.id, {"name": "Quincy M4A", "kind": "multi_issue"}, actor=actor, geo=geography()
    )
    changed = session.scalars(select(Correction).where(Correction.hub_id == hub.id)).all()
    assert [(c.field, c.before, c.after) for c in changed] == [
        ("name", "Quincy M4", "Quincy M4A"),
        (
            "kind",
            "Formed for single-payer advocacy",
            "A multi-issue group committing to single-payer work",
        ),
    ]
    assert "Ann Lee changed the name from Quincy M4 to Quincy M4A." in history(session, hub)
    refusals = [
        ({"district": "1st Berkshire"}, "district"),  # Quincy is not in it
        ({"towns": "Atlantis"}, "towns"),
        ({"name": "Two\r\nLines"}, "name"),
        ({"district": "99th Nowhere"}, "district"),
    ]
    for changes, field in refusals:
        before = row_counts(session)
        with pytest.raises(InvalidInput) as caught:
            corrections.correct_hub(session, hub.id, changes, actor=actor, geo=geography())
        assert field in caught.value.errors, (changes, caught.value.errors)
        assert row_counts(session) == before
    corrections.correct_hub(
        session,
        hub.id,
        {"towns": "Braintree, Quincy", "district": "5th Norfolk"},
        actor=actor,
        geo=geography(),
    )
    session.expire_all()
    fixed = session.get(Hub, hub.id)
    assert fixed is not None and fixed.district.name == "5th Norfolk"
    assert fixed.towns == ["Braintree", "Quincy"]


def test_a_changed_address_ends_the_old_links_and_the_new_address_gets_one(
    session: Session, ann: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    [contact] = hub.contacts
    old_version = hub.token_version
    react(session)
    contacts.change_contact(session, contact.id, email="bo.new@example.org", actor=Actor.staff(ann))
    session.expire_all()
    assert session.get(Hub, hub.id).token_version == old_version + 1  # type: ignore[union-attr]
    react(session)
    links = session.scalars(select(Email).where(Email.kind == MessageKind.HUB_LINK)).all()
    assert [(e.to_email, "no longer work" in e.text) for e in links] == [
        ("bo.new@example.org", True)
    ]
    assert "changed the contact from Bo Diaz <bo" in history(session, hub)
    # An address already someone's is refused, naming the field; a CR/LF name too.
    other = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    for kwargs, field in (
        ({"email": other.contacts[0].email}, "email"),
        ({"name": "Bo\r\nBcc: x@y.z"}, "name"),
        ({"phone": "call me"}, "phone"),
    ):
        before = row_counts(session)
        with pytest.raises(InvalidInput) as caught:
            contacts.change_contact(session, contact.id, actor=Actor.staff(ann), **kwargs)
        assert field in caught.value.errors
        assert row_counts(session) == before


def test_contacts_are_added_made_primary_and_removed_with_history(
    session: Session, ann: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    actor = Actor.staff(ann)
    added = contacts.add_contact(
        session, hub.id, name="Cy Park", email="cy@example.org", actor=actor
    )
    contacts.make_primary(session, added.id, actor=actor)
    session.expire_all()
    roles = {c.email: c.role.value for c in session.get(Hub, hub.id).contacts}  # type: ignore[union-attr]
    assert roles["cy@example.org"] == "primary" and list(roles.values()).count("primary") == 1
    first = next(c for c in session.get(Hub, hub.id).contacts if c.email != "cy@example.org")  # type: ignore[union-attr]
    contacts.remove_contact(session, first.id, actor=actor)
    with pytest.raises(InvalidInput, match="at least one contact"):
        contacts.remove_contact(session, added.id, actor=actor)
    text = history(session, hub)
    assert "Ann Lee added the contact Cy Park <cy@example.org>." in text
    assert "Ann Lee removed the contact Bo Diaz" in text
    assert session.scalar(select(func.count(Contact.id)).where(Contact.hub_id == hub.id)) == 1


def test_twenty_hubs_change_owner_at_once_and_their_open_tasks_follow(
    session: Session, ann: StaffMember
) -> None:
    bea = factories.staff(session, name="Bea Ruiz", email="bea@masscare.org")
    made = [hubs.submit_interest(session, factories.interest_form()) for _ in range(20)]
    react(session)  # intro calls opened, round robin
    not_beas = session.scalar(
        select(func.count(ReviewTask.id)).where(
            ReviewTask.state == ReviewState.OPEN, ReviewTask.owner_id != bea.id
        )
    )
    handed = owners.assign(session, [h.id for h in made], staff_id=bea.id, actor=Actor.staff(ann))
    assert handed.tasks == not_beas and handed.hubs == not_beas  # one intro call per Hub
    open_tasks = session.scalars(
        select(ReviewTask).where(ReviewTask.state == ReviewState.OPEN)
    ).all()
    assert {t.owner_id for t in open_tasks} == {bea.id}
    assert session.scalar(select(func.count(Hub.id)).where(Hub.owner_id == bea.id)) == 20
    moved = session.scalar(
        select(func.count(DomainEvent.id)).where(
            DomainEvent.type == EventType.REVIEW_REASSIGNED.value
        )
    )
    assert moved == handed.tasks
    react(session)
    told = session.scalars(
        select(Email).where(Email.kind == MessageKind.REVIEW_ASSIGNED, Email.to_email == bea.email)
    ).all()
    assert len(told) >= handed.tasks


def test_deactivating_someone_with_seven_open_tasks_asks_who_takes_them(
    session: Session, ann: StaffMember
) -> None:
    bea = factories.staff(session, name="Bea Ruiz", email="bea@masscare.org")
    made = [hubs.submit_interest(session, factories.interest_form()) for _ in range(7)]
    react(session)
    owners.assign(session, [h.id for h in made], staff_id=bea.id, actor=Actor.staff(ann))
    before = row_counts(session)
    with pytest.raises(InvalidInput) as caught:
        owners.deactivate(session, bea.email, actor=Actor.staff(ann))
    assert "hand_to" in caught.value.errors and "7 open tasks" in caught.value.errors["hand_to"]
    assert row_counts(session) == before
    member, handed = owners.deactivate(
        session, bea.email, hand_to=ann.email, actor=Actor.staff(ann)
    )
    assert not member.active and handed.tasks == 7
    inactive_owned = session.scalar(
        select(func.count(ReviewTask.id))
        .join(StaffMember, StaffMember.id == ReviewTask.owner_id)
        .where(ReviewTask.state == ReviewState.OPEN, StaffMember.active.is_(False))
    )
    assert inactive_owned == 0


def test_a_declined_hub_is_reopened_at_its_stage_with_a_new_date_and_told(
    session: Session, ann: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    sub = hubs.submit_stage_work(
        session, hub.id, Stage.FIRST_ACTION, factories.first_action(utcnow().date())
    )
    reviews.decide(session, sub.id, Decision.DECLINE, staff_id=ann.id, comment="Not a M4A group.")
    with pytest.raises(InvalidInput, match="say why"):
        hubs.reopen(session, hub.id, actor=Actor.staff(ann), reason=" ")
    later = utcnow() + timedelta(days=3)
    hubs.reopen(
        session, hub.id, actor=Actor.staff(ann), reason="We talked again: they are.", now=later
    )
    session.expire_all()
    again = session.get(Hub, hub.id)
    assert again is not None and (again.stage, again.status) == (Stage.FIRST_ACTION, Status.ACTIVE)
    assert again.stage_due_date == get_settings().policy.today(later) + timedelta(days=60)
    last = session.scalars(
        select(StageChange).where(StageChange.hub_id == hub.id).order_by(StageChange.id.desc())
    ).first()
    assert last is not None and (last.from_status, last.to_status) == (
        Status.DECLINED,
        Status.ACTIVE,
    )
    assert last.reason == "We talked again: they are."
    react(session)
    [told] = session.scalars(select(Email).where(Email.kind == MessageKind.HUB_REOPENED)).all()
    assert "We talked again: they are." in told.text and "/hub/" in told.text
    with pytest.raises(TransitionNotAllowed):
        hubs.reopen(session, hub.id, actor=Actor.staff(ann), reason="again")


def test_notes_are_exported(session: Session, ann: StaffMember) -> None:
    from tests.integration.test_cli import hubflow

    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    add_note(
        session, hub.id, author_id=ann.id, text="=HYPERLINK(1) met at the library", kind="meeting"
    )
    code, out = hubflow("export", "notes", "--json")
    assert code == 0, out
    import json

    [row] = json.loads(out)
    assert (row["hub"], row["author"], row["kind"]) == (hub.name, "Ann Lee", "Meeting")
    assert Note.__tablename__ == "hub_notes"


def test_the_cli_notes_corrects_assigns_and_reopens_with_json(
    session: Session, ann: StaffMember
) -> None:
    import json

    from tests.integration.test_cli import hubflow

    bea = factories.staff(session, name="Bea Ruiz", email="bea@masscare.org")
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann)
    staff = ["--staff", ann.email]
    code, out = hubflow(
        "hubs", "note", str(hub.id), *staff, "--kind", "phone", "--text", "Called Bo", "--json"
    )
    assert code == 0 and json.loads(out)["kind"] == "phone", out
    code, out = hubflow("hubs", "note", str(hub.id), *staff, "--text", " ", "--kind", "gossip")
    assert code == 2 and "--text" in out and "--kind" in out, out  # every error at once
    code, out = hubflow("hubs", "edit", str(hub.id), *staff, "--name", "Quincy M4A", "--json")
    assert code == 0 and json.loads(out)["name"] == "Quincy M4A", out
    code, out = hubflow("hubs", "edit", str(hub.id), *staff, "--district", "1st Berkshire")
    assert code == 2 and "--district" in out, out
    code, out = hubflow("hubs", "assign", str(hub.id), "--to", bea.email, *staff, "--json")
    assert code == 0 and json.loads(out) == {"to": bea.email, "hubs": 1, "tasks": 0}, out
    sub = hubs.submit_stage_work(
        session, hub.id, Stage.FIRST_ACTION, factories.first_action(utcnow().date())
    )
    reviews.decide(session, sub.id, Decision.DECLINE, staff_id=ann.id, comment="Not now.")
    code, out = hubflow("hubs", "reopen", str(hub.id), *staff, "--reason", "Now.", "--json")
    assert code == 0 and json.loads(out)["status"] == "active", out
