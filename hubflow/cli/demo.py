"""`hubflow demo`: a small cohort through the whole lifecycle on simulated time."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hubflow.cli.output import console

START = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)  # a Monday, 9:00 in Boston


def _form(name: str, district: str, email: str, town: str) -> dict[str, Any]:
    return {
        "group_name": name,
        "kind": "single_issue",
        "towns": [town],
        "district": district,
        "contact_name": name.split()[0] + " organizer",
        "email": email,
        "phone": "617-555-0100",
        "first_action_idea": "a canvass",
        "consent_to_contact": True,
    }


def evidence(stage: str, today: Any) -> dict[str, Any]:
    """What a Hub hands in to leave `stage` (the demo's; bench/campaign.py's too)."""
    if stage == "first_action":
        return {
            "kind": "canvass",
            "date": (today - timedelta(days=2)).isoformat(),
            "description": "Canvassed 150 doors and gathered 40 petition signatures.",
            "participants": 8,
        }
    if stage == "onboarding":
        return {
            "contacts": [
                {"name": "Newcomer Desk", "email": "welcome@example.org", "phone": "617-555-0111"}
            ],
            "process": "monthly_meeting",
            "schedule": "Second Monday, 7pm, public library",
            "consent_to_publish": True,
        }
    return {
        "targets": [
            {
                "role": "state_rep",
                "legislator": "Bruce Ayers",
                "stance": "not_cosponsor",
                "goal": "win_cosponsorship",
                "tactics": "Monthly constituent meetings and a district town hall.",
                "target_date": (today + timedelta(days=120)).isoformat(),
            }
        ]
    }


def run(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["HUBFLOW_DATABASE_URL"] = f"sqlite:///{(folder / 'demo.db').resolve()}"
    os.environ["HUBFLOW_OUTBOX_DIR"] = str((folder / "outbox").resolve())
    os.environ["HUBFLOW_PUBLIC_DIR"] = str((folder / "public").resolve())
    os.environ["HUBFLOW_DATA_DIR"] = str(folder.resolve())  # its own key, in its folder
    from plumbing.campaign import DEFAULT_FILE

    # Its Hubs, districts and legislators are the default campaign's, whatever the file.
    os.environ["HUBFLOW_CAMPAIGN_FILE"] = str(DEFAULT_FILE)
    from models.audit import DomainEvent
    from models.email import Email
    from models.enums import Decision, Stage
    from models.hub import Submission
    from models.services import hubs, reviews
    from models.services.common import Actor
    from models.services.legislature import import_legislature
    from models.services.staff import add_staff
    from plumbing.db import reset_engines, session_factory, upgrade
    from plumbing.email.dispatch import dispatch
    from plumbing.openstates import bundled
    from plumbing.settings import get_settings, write_key_file
    from tasks.events import process_waiting

    get_settings.cache_clear()
    reset_engines()
    if not os.environ.get("HUBFLOW_SECRET_KEY"):
        write_key_file(get_settings().key_file)
    (folder / "demo.db").unlink(missing_ok=True)
    upgrade()
    sessions = session_factory()
    settings = get_settings()
    with sessions() as session:
        import_legislature(session, bundled())
        ann = add_staff(session, name="Ann Lee", email="ann@masscare.org")

    def react(now: datetime, hub_id: int, since: int) -> None:
        """The reactions to one step, and exactly the emails it caused: those whose key
        names this Hub and one of the events the step recorded (`since`: the last event
        before it)."""
        process_waiting(sessions, settings=settings, now=now)
        dispatch(sessions, clock=lambda: now)
        with sessions() as session:
            uids = set(
                session.scalars(
                    select(DomainEvent.uid).where(
                        DomainEvent.id > since, DomainEvent.hub_id == hub_id
                    )
                )
            )
            for email in session.scalars(
                select(Email).where(Email.hub_id == hub_id).order_by(Email.id)
            ):
                if not any(uid in email.key for uid in uids):
                    continue
                path = (email.provider_message_id or "").removeprefix("outbox:")
                console.print(
                    f"    “{email.subject}” to {email.to_email}: outbox/{path}", highlight=False
                )

    def last_event() -> int:
        with sessions() as session:
            return session.scalar(select(func.max(DomainEvent.id))) or 0

    now = START
    cohort = {
        "Quincy M4A": _form("Quincy M4A", "1st Norfolk", "quincy@example.org", "Quincy"),
        "Fall River for All": _form(
            "Fall River for All", "10th Bristol", "fr@example.org", "Fall River"
        ),
        "Lowell Health Now": _form(
            "Lowell Health Now", "16th Middlesex", "lowell@example.org", "Lowell"
        ),
    }
    ids = {}
    for name, form in cohort.items():
        since = last_event()
        with sessions() as session:
            ids[name] = hubs.submit_interest(session, form, now=now, policy=settings.policy).id
        console.print(f"[bold]{now:%b %d}[/] {name}: interest form received")
        react(now, ids[name], since)

    def decide_on(name: str, decision: Decision, comment: str = "") -> None:
        since = last_event()
        with sessions() as session:
            sub = session.scalar(
                select(Submission).where(
                    Submission.hub_id == ids[name], Submission.state == "pending"
                )
            )
            assert sub is not None
            reviews.decide(
                session,
                sub.id,
                decision,
                staff_id=ann.id,
                comment=comment,
                now=now,
                policy=settings.policy,
            )
        verb = {
            "approve": "approved",
            "request_changes": "changes requested",
            "decline": "declined",
        }[decision.value]
        console.print(
            f"[bold]{now:%b %d}[/] {name}: {sub.stage.label.lower()} {verb}"
            + (f' ("{comment}")' if comment else "")
        )
        react(now, ids[name], since)

    def submit(name: str, stage: str) -> None:
        since = last_event()
        with sessions() as session:
            hubs.submit_stage_work(
                session,
                ids[name],
                stage,
                evidence(stage, settings.policy.today(now)),
                now=now,
                policy=settings.policy,
            )
        console.print(f"[bold]{now:%b %d}[/] {name}: submitted its {Stage(stage).label.lower()}")
        react(now, ids[name], since)

    now += timedelta(days=3)
    for name in cohort:
        decide_on(name, Decision.APPROVE)
    now += timedelta(days=20)
    submit("Quincy M4A", "first_action")
    submit("Fall River for All", "first_action")
    now += timedelta(days=2)
    decide_on("Quincy M4A", Decision.APPROVE)
    decide_on("Fall River for All", Decision.REQUEST_CHANGES, "How many people took part?")
    now += timedelta(days=4)
    submit("Fall River for All", "first_action")
    now += timedelta(days=1)
    decide_on("Fall River for All", Decision.APPROVE)
    for stage in ("onboarding", "strategic_plan"):
        now += timedelta(days=10)
        submit("Quincy M4A", stage)
        now += timedelta(days=2)
        decide_on("Quincy M4A", Decision.APPROVE)
    now += timedelta(days=1)
    since = last_event()
    with sessions() as session:
        hubs.withdraw(
            session,
            ids["Lowell Health Now"],
            actor=Actor.hub(ids["Lowell Health Now"]),
            reason="the group merged with another",
            now=now,
            policy=settings.policy,
        )
    console.print(f"[bold]{now:%b %d}[/] Lowell Health Now: withdrew")
    react(now, ids["Lowell Health Now"], since)
    console.print(
        f"\nEmails are in {os.environ['HUBFLOW_OUTBOX_DIR']} (open the .eml files); "
        f"the database is {folder / 'demo.db'}."
    )
    console.print(
        f"Try: HUBFLOW_DATABASE_URL={os.environ['HUBFLOW_DATABASE_URL']} hubflow hubs list"
    )
