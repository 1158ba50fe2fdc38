"""Announcements (#30): the audience each criterion chooses on a campaign of 500 Hubs whose
counts are known by construction, who is left out and why, the text's checks, and the
people waiting for a Hub as an audience (test_announcement_sending.py: sending)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.announcement import Announcement
from models.base import utcnow
from models.email import Email, OptOut, Suppression, SuppressionReason, Topic
from models.enums import Chamber, ContactRole, HubKind, Stage, Status
from models.errors import InvalidInput
from models.geography import county_of
from models.hub import Contact, Hub
from models.legislature import District
from models.services import announcements
from models.services.audience import parse_audience
from models.services.privacy import address_hash
from models.services.reach import BOUNCED, FORGOTTEN, PAUSED, UNSUBSCRIBED, UNSUBSCRIBED_HERE
from models.staff import StaffMember
from plumbing.geography import geography
from plumbing.settings import get_settings
from tasks.reactions.announce import audience_reach, deliver
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
STAGES = list(Stage)


@dataclass
class Seeded:
    """What each of the 500 Hubs is, by construction (index i)."""

    hubs: list[dict]  # type: ignore[type-arg]
    owner: StaffMember


def _status(i: int) -> Status:
    return Status.PAUSED if i % 10 == 0 else Status.WITHDRAWN if i % 25 == 1 else Status.ACTIVE


def _blocked(i: int) -> str | None:
    """What stops the primary contact of Hub i getting announcements, if anything."""
    return {2: UNSUBSCRIBED_HERE, 3: UNSUBSCRIBED, 4: BOUNCED, 5: FORGOTTEN}.get(i % 50)


@pytest.fixture
def campaign(session: Session) -> Seeded:
    owner = factories.staff(session, name="Owen Park", email="owen@masscare.org")
    districts = session.execute(
        select(District.id, District.name)
        .where(District.chamber == Chamber.HOUSE)
        .order_by(District.id)
    ).all()
    key = get_settings().key()
    made = []
    for i in range(500):
        district_id, district = districts[(i * 7) % len(districts)]
        hub = Hub(
            name=f"Hub {i:03}",
            kind=HubKind.SINGLE_ISSUE,
            towns=["Quincy"],
            district_id=district_id,
            stage=STAGES[i % 5],
            status=_status(i),
            owner_id=owner.id if i % 3 == 0 else None,
            dedup_key=f"hub {i}",
        )
        hub.contacts.append(
            Contact(name=f"Pat {i}", email=f"p{i}@example.org", role=ContactRole.PRIMARY)
        )
        if i % 2 == 0:
            hub.contacts.append(
                Contact(name=f"Oli {i}", email=f"o{i}@example.org", role=ContactRole.ONBOARDING)
            )
        session.add(hub)
        made.append({"i": i, "district": district, "stage": STAGES[i % 5], "status": _status(i)})
        blocked = _blocked(i)
        address = f"p{i}@example.org"
        if blocked == UNSUBSCRIBED_HERE:
            session.add(OptOut(email=address, topic=Topic.ANNOUNCEMENTS))
        elif blocked == UNSUBSCRIBED:
            session.add(Suppression(email=address, reason=SuppressionReason.UNSUBSCRIBE))
        elif blocked == BOUNCED:
            session.add(Suppression(email=address, reason=SuppressionReason.BOUNCE))
        elif blocked == FORGOTTEN:
            session.add(
                Suppression(email=address_hash(address, key), reason=SuppressionReason.FORGOTTEN)
            )
    session.commit()
    ids = {name: id_ for name, id_ in session.execute(select(Hub.name, Hub.id))}
    for h in made:
        h["id"] = ids[f"Hub {h['i']:03}"]
    return Seeded(made, owner)


def expected(
    seeded: Seeded, keep, *, all_contacts: bool = False, paused: bool = False
) -> tuple[int, int, Counter[str]]:  # type: ignore[no-untyped-def]
    """(people reached, Hubs reached, left out by reason), counted in Python."""
    people = hubs = 0
    left: Counter[str] = Counter()
    for h in seeded.hubs:
        if h["status"] is Status.WITHDRAWN or not keep(h):
            continue
        n = 2 if all_contacts and h["i"] % 2 == 0 else 1
        if h["status"] is Status.PAUSED and not paused:
            left[PAUSED] += n
            continue
        blocked = _blocked(h["i"])
        if blocked:
            left[blocked] += 1
        reached = n - (1 if blocked else 0)
        people += reached
        hubs += reached > 0
    return people, hubs, left


def check(session: Session, seeded: Seeded, form: dict[str, list[str]], keep, **kw) -> int:  # type: ignore[no-untyped-def]
    audience = parse_audience(session, form, geography())
    found = audience_reach(session, Announcement(audience=audience.as_dict()), get_settings())
    people, hubs, left = expected(seeded, keep, **kw)
    assert (len(found.people), found.hubs, dict(found.left_out)) == (people, hubs, dict(left)), form
    return people


def test_each_criterion_and_their_combinations_choose_the_hubs_known_by_construction(
    session: Session, campaign: Seeded
) -> None:
    geo = geography()
    senate = "Second Essex" if "Second Essex" in geo.senate_districts else geo.senate_districts[0]
    in_senate = {h for h, _ in geo.house_in_senate(senate)}
    in_congress = {h for h, _ in geo.house_in_congress(7)}
    some_house = sorted({h["district"] for h in campaign.hubs})[:5]
    owner = str(campaign.owner.id)
    cases = [
        ({}, lambda h: True),
        ({"stages": ["onboarding"]}, lambda h: h["stage"] is Stage.ONBOARDING),
        (
            {"stages": ["interest", "listed"]},
            lambda h: h["stage"] in (Stage.INTEREST, Stage.LISTED),
        ),
        ({"statuses": ["active"]}, lambda h: h["status"] is Status.ACTIVE),
        ({"counties": ["Essex"]}, lambda h: county_of(h["district"]) == "Essex"),
        ({"senate": [senate]}, lambda h: h["district"] in in_senate),
        ({"congress": ["7"]}, lambda h: h["district"] in in_congress),
        ({"house": ["\n".join(some_house)]}, lambda h: h["district"] in some_house),
        ({"listed": ["yes"]}, lambda h: h["stage"] is Stage.LISTED),
        ({"listed": ["no"]}, lambda h: h["stage"] is not Stage.LISTED),
        ({"owner": [owner]}, lambda h: h["i"] % 3 == 0),
        ({"owner": ["none"]}, lambda h: h["i"] % 3 != 0),
        (
            {
                "hub_ids": [
                    f"{campaign.hubs[0]['id']}, {campaign.hubs[2]['id']}\n{campaign.hubs[4]['id']}"
                ]
            },
            lambda h: h["i"] in (0, 2, 4),
        ),
        (
            {"counties": ["Essex"], "stages": ["listed"], "owner": ["none"]},
            lambda h: (
                county_of(h["district"]) == "Essex"
                and h["stage"] is Stage.LISTED
                and h["i"] % 3 != 0
            ),
        ),
        (
            {"senate": [senate], "listed": ["no"]},
            lambda h: h["district"] in in_senate and h["stage"] is not Stage.LISTED,
        ),
    ]
    for form, keep in cases:
        assert check(session, campaign, form, keep) > 0 or form.get("hub_ids"), form
    everyone = check(session, campaign, {"contacts": ["all"]}, lambda h: True, all_contacts=True)
    with_paused = check(session, campaign, {"paused": ["yes"]}, lambda h: True, paused=True)
    assert everyone > check(session, campaign, {}, lambda h: True) < with_paused
    # The team's move: stage interest (its intro call) is always the team's.
    move = parse_audience(session, {"whose": ["team"]}, geo)
    assert {
        p.hub_id
        for p in audience_reach(
            session, Announcement(audience=move.as_dict()), get_settings()
        ).people
    } == {
        h["id"]
        for h in campaign.hubs
        if h["stage"] is Stage.INTEREST and h["status"] is Status.ACTIVE and not _blocked(h["i"])
    }


def test_a_wrong_audience_names_every_wrong_field_at_once(
    session: Session, campaign: Seeded
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_audience(
            session,
            {
                "stages": ["nowhere"],
                "counties": ["Atlantis"],
                "congress": ["99"],
                "house": ["99th Nowhere"],
                "owner": ["12345"],
                "hub_ids": ["1, two"],
                "contacts": ["everyone"],
            },
            geography(),
        )
    assert set(refused.value.errors) == {
        "stages",
        "counties",
        "congress",
        "house",
        "owner",
        "hub_ids",
        "contacts",
    }
    assert "Atlantis: not a county" in refused.value.errors["counties"]


def test_the_text_names_its_wrong_fields_and_merge_fields_it_does_not_know() -> None:
    with pytest.raises(InvalidInput) as refused:
        announcements.check_text("", "Hi {{ hub.nmae }}")
    assert refused.value.errors["subject"] == "Give the email a subject."
    assert "{{ hub.nmae }} is not a field we know" in refused.value.errors["body"]
    assert "{{ first_name }}" in refused.value.errors["body"]
    with pytest.raises(InvalidInput) as refused:
        announcements.check_text("Line one\nline two", "{% include 'x' %}")
    assert set(refused.value.errors) == {"subject", "body"}
    with pytest.raises(InvalidInput) as refused:  # a body file from the CLI: no boundary
        announcements.check_text("Hi\x07", "Para one\n\n\tok\x00")
    assert refused.value.errors == {
        "subject": "Keep the subject to one line, without special characters.",
        "body": "Remove the special (control) characters from the text.",
    }


def test_the_people_waiting_for_a_hub_can_be_the_audience(
    sessions: sessionmaker[Session], session: Session, campaign: Seeded
) -> None:
    from models.newcomer import Newcomer, NewcomerState

    districts = sorted({h["district"] for h in campaign.hubs})[:2]
    ids = {
        name: session.scalar(select(District.id).where(District.name == name)) for name in districts
    }
    people = [
        ("Wen Ho", "wen@example.org", districts[0], NewcomerState.WAITING),
        ("Ada Ng", "ada@example.org", districts[0], NewcomerState.WAITING),
        ("Raj Oz", "raj@example.org", districts[1], NewcomerState.WAITING),
        ("Lee Vo", "lee@example.org", districts[1], NewcomerState.INTRODUCED),
    ]
    for name, email, district, state in people:
        session.add(Newcomer(name=name, email=email, district_id=ids[district], state=state))
    session.add(OptOut(email="raj@example.org", topic=Topic.ANNOUNCEMENTS))
    session.commit()
    geo = geography()
    everyone = parse_audience(session, {"newcomers": ["yes"]}, geo)
    found = audience_reach(session, Announcement(audience=everyone.as_dict()), get_settings())
    assert sorted(p.email for p in found.people) == ["ada@example.org", "wen@example.org"]
    assert dict(found.left_out) == {UNSUBSCRIBED_HERE: 1} and found.hubs == 0
    one = parse_audience(session, {"newcomers": ["yes"], "house": [districts[1]]}, geo)
    assert (
        audience_reach(session, Announcement(audience=one.as_dict()), get_settings()).people == []
    )
    with pytest.raises(InvalidInput) as refused:
        announcements.write(
            session,
            author=campaign.owner,
            subject="Hi",
            body="See {{ hub.link }}",
            audience=everyone,
        )
    assert "the people waiting for a Hub have none yet" in refused.value.errors["body"]
    found_a = announcements.write(
        session,
        author=campaign.owner,
        subject="A Hub for {{ hub.district }}?",
        body="Hi {{ first_name }}: want to start one in {{ hub.district }}?",
        audience=everyone,
    )
    announcements.schedule(
        session, found_a.id, by=campaign.owner, at=None, people=2, approval_over=0, now=utcnow()
    )
    sent = deliver(sessions, found_a.id, 1, settings=get_settings(), now=utcnow())
    assert sent.people == 2
    session.commit()
    wen = session.scalars(select(Email).where(Email.to_email == "wen@example.org")).one()
    assert wen.hub_id is None and wen.subject == f"A Hub for {districts[0]}?"
    assert "Hi Wen: want to start one" in wen.text and "asked to get involved" in wen.text
