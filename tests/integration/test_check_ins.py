"""Check-ins (#32): a listed Hub owes a progress report every 90 days, day by day under the
same rules as a stage's deadline: due soon, due today, weekly nudges, then stalled with a
staff check-in task; a report starts the clock again; a paused Hub's clock stands still."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.email import Email, MessageKind
from models.enums import ReviewKind, ReviewState, Stage, Status
from models.hub import Hub
from models.review import ReviewTask
from models.services import hubs, progress
from models.services.common import Actor
from plumbing.settings import get_settings
from tests import factories
from tests.integration.test_sweep import at, run_days


def test_listed_hubs_are_asked_for_a_report_every_90_days_by_the_reminder_rules(
    sessions: sessionmaker[Session],
) -> None:
    ids: dict[str, int] = {}
    with sessions() as s:
        ann = factories.staff(s, name="Ann", email="ann@masscare.org")
        for name in ("Silent", "Reports", "Paused", "Late"):
            hub = factories.hub_in(
                s,
                Stage.LISTED,
                reviewer=ann,
                now=at(0, 12),
                group_name=name,
                email=f"{name.lower()}@example.org",
            )
            assert hub.stage_due_date == at(90).date()
            ids[name] = hub.id
        staff = Actor.staff(ann)

    def report(name: str, day: int) -> Callable[[], None]:
        def act() -> None:
            with sessions() as s:
                progress.report(
                    s,
                    ids[name],
                    {"note": "Two house meetings and a call to our Rep's office."},
                    actions=get_settings().campaign.progress.actions,
                    actor=Actor.hub(ids[name]),
                    now=at(day, 12),
                )

        return act

    def status(name: str, action: Callable[..., object], day: int) -> Callable[[], None]:
        def act() -> None:
            with sessions() as s:
                action(s, ids[name], actor=staff, now=at(day, 12))

        return act

    plan = {
        30: [status("Paused", hubs.pause, 30)],  # 60 days left on its clock
        80: [report("Reports", 80)],  # early: due again on day 170
        100: [status("Paused", hubs.resume, 100)],  # due day 160
        106: [report("Late", 106)],  # stalled on day 104: active again, due day 196
    }
    timeline = run_days(sessions, range(175), plan)

    def reminders(due: int, nudges: int = 3) -> list[tuple[int, str]]:
        return [(due - 7, "due_soon"), (due, "due_today")] + [
            (due + 7 * n, "overdue_nudge") for n in range(1, nudges + 1)
        ]

    assert timeline["silent@example.org"] == reminders(90)
    assert timeline["reports@example.org"] == reminders(170, nudges=0)
    assert timeline["paused@example.org"] == reminders(160, nudges=2)
    assert timeline["late@example.org"] == reminders(90, nudges=2)  # then it reported
    # Ann: Silent and Late stalled 14 days after their date, Paused 14 days after its
    # (resumed) date: a check-in task each.
    assert [e for e in timeline["ann@masscare.org"] if e[1] == "stalled_escalation"] == [
        (104, "stalled_escalation"),
        (104, "stalled_escalation"),
        (174, "stalled_escalation"),
    ]
    with sessions() as s:
        found = {n: s.get(Hub, i) for n, i in ids.items()}
        assert {n: h.status for n, h in found.items()} == {  # type: ignore[union-attr]
            "Silent": Status.STALLED,
            "Reports": Status.ACTIVE,
            "Paused": Status.STALLED,
            "Late": Status.ACTIVE,
        }
        assert found["Late"].stage_due_date == at(196).date()  # type: ignore[union-attr]
        tasks = {
            t.hub_id: t.state
            for t in s.scalars(select(ReviewTask).where(ReviewTask.kind == ReviewKind.CHECK_IN))
        }
        assert tasks == {
            ids["Silent"]: ReviewState.OPEN,
            ids["Late"]: ReviewState.DONE,  # its report closed it
            ids["Paused"]: ReviewState.OPEN,
        }
        nudge = s.scalars(
            select(Email).where(
                Email.kind == MessageKind.OVERDUE_NUDGE, Email.to_email == "silent@example.org"
            )
        ).first()
        assert nudge is not None
        assert (
            "progress report was due" in nudge.text and "each legislator in your plan" in nudge.text
        )
        assert nudge.subject == "Silent: checking in on your progress report"
