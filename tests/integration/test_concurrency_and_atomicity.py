"""Two people at once, and a transaction that fails half-way (SPEC §8)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from models.audit import StageChange
from models.enums import Decision, Stage
from models.errors import AlreadyDecided
from models.hub import Hub
from models.services import common, hubs, reviews
from models.services.common import Actor
from tests import factories
from tests.integration.helpers import row_counts

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def run_at_once(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `n` threads released together; return each result or exception."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def target(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def test_eight_staff_approving_at_once_one_wins(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        team = [factories.staff(s, name=f"Staff {i}") for i in range(8)]
        hub = hubs.submit_interest(s, factories.interest_form(), now=NOW)
        sub = factories.pending(s, hub)

    def approve(i: int) -> Any:
        with sessions() as s:
            return reviews.decide(s, sub.id, Decision.APPROVE, staff_id=team[i].id, now=NOW)

    results = run_at_once(8, approve)
    kinds = Counter(type(r).__name__ for r in results)
    assert kinds == Counter({"Submission": 1, "AlreadyDecided": 7}), results
    winner = next(r for r in results if not isinstance(r, Exception))
    for loser in (r for r in results if isinstance(r, AlreadyDecided)):
        assert loser.by == winner.decided_by and "was already approved by" in str(loser)
    with sessions() as s:
        changes = s.scalars(
            select(StageChange).where(
                StageChange.hub_id == hub.id, StageChange.to_stage == Stage.FIRST_ACTION
            )
        ).all()
        assert len(changes) == 1
        assert s.get(Hub, hub.id).stage is Stage.FIRST_ACTION  # type: ignore[union-attr]


def test_approve_and_decline_racing_leave_one_decision(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        ann, bea = factories.staff(s), factories.staff(s)
        hub = hubs.submit_interest(s, factories.interest_form(), now=NOW)
        sub = factories.pending(s, hub)

    def decide(i: int) -> Any:
        with sessions() as s:
            if i % 2:
                return reviews.decide(s, sub.id, Decision.DECLINE, staff_id=bea.id, comment="no")
            return reviews.decide(s, sub.id, Decision.APPROVE, staff_id=ann.id)

    results = run_at_once(6, decide)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    with sessions() as s:
        assert len(s.scalars(select(StageChange).where(StageChange.hub_id == hub.id)).all()) == 2


def test_a_double_submitted_interest_form_at_once_creates_one_hub(
    sessions: sessionmaker[Session],
) -> None:
    form = factories.interest_form()

    def submit(_: int) -> Any:
        with sessions() as s:
            return hubs.submit_interest(s, form, now=NOW).id

    ids = run_at_once(4, submit)
    assert len(set(ids)) == 1 and all(isinstance(i, int) for i in ids), ids
    with sessions() as s:
        assert row_counts(s)["hubs"] == 1


def _fail_on_commit(session: Session) -> Callable[[], None]:
    def boom(_session: Session) -> None:
        raise RuntimeError("the database went away at commit")

    event.listen(session, "before_commit", boom)
    return lambda: event.remove(session, "before_commit", boom)


SERVICES: dict[str, Callable[[Session, Hub, Any], Any]] = {
    "submit": lambda s, hub, staff: hubs.submit_stage_work(
        s, hub.id, Stage.FIRST_ACTION, factories.first_action(NOW.date()), now=NOW
    ),
    "approve": lambda s, hub, staff: reviews.decide(
        s, factories.pending(s, hub).id, Decision.APPROVE, staff_id=staff.id, now=NOW
    ),
    "request_changes": lambda s, hub, staff: reviews.decide(
        s,
        factories.pending(s, hub).id,
        Decision.REQUEST_CHANGES,
        staff_id=staff.id,
        comment="more detail",
        now=NOW,
    ),
    "decline": lambda s, hub, staff: reviews.decide(
        s, factories.pending(s, hub).id, Decision.DECLINE, staff_id=staff.id, comment="no", now=NOW
    ),
    "move_back": lambda s, hub, staff: hubs.move_back(
        s, hub.id, actor=Actor.staff(staff), reason="redo", now=NOW
    ),
    "pause": lambda s, hub, staff: hubs.pause(s, hub.id, actor=Actor.staff(staff), now=NOW),
    "withdraw": lambda s, hub, staff: hubs.withdraw(s, hub.id, actor=Actor.staff(staff), now=NOW),
}


@pytest.mark.parametrize("name", list(SERVICES))
def test_a_transaction_failing_at_commit_leaves_no_audit_row_and_no_event(
    session: Session, name: str
) -> None:
    ann = factories.staff(session)
    hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, now=NOW)
    if name in ("approve", "request_changes", "decline"):
        hubs.submit_stage_work(
            session, hub.id, Stage.FIRST_ACTION, factories.first_action(NOW.date()), now=NOW
        )
    before = row_counts(session)
    undo = _fail_on_commit(session)
    with pytest.raises(RuntimeError, match="went away"):
        SERVICES[name](session, hub, ann)
    undo()
    session.expire_all()
    assert row_counts(session) == before
    hub_now = session.get(Hub, hub.id)
    assert (hub_now.stage, hub_now.status, hub_now.version) == (  # type: ignore[union-attr]
        hub.stage,
        hub.status,
        hub.version,
    )


def test_an_approval_failing_midway_leaves_the_submission_pending(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = factories.staff(session)
    hub = hubs.submit_interest(session, factories.interest_form(), now=NOW)
    sub = factories.pending(session, hub)
    before = row_counts(session)
    calls = []

    def emit_then_fail(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[1])
        if len(calls) == 2:  # the approval event is appended; the stage-entered one fails
            raise RuntimeError("crash between two events")
        return real_emit(*args, **kwargs)

    real_emit = common.emit
    monkeypatch.setattr(common, "emit", emit_then_fail)
    monkeypatch.setattr(reviews, "emit", emit_then_fail)
    with pytest.raises(RuntimeError, match="crash between"):
        reviews.decide(session, sub.id, Decision.APPROVE, staff_id=ann.id, now=NOW)
    monkeypatch.undo()
    assert row_counts(session) == before
    assert factories.pending(session, hub).id == sub.id
    reviews.decide(session, sub.id, Decision.APPROVE, staff_id=ann.id, now=NOW)
