"""The time figures' materials, kept up to date from the rows added since the last look
(models/services/figure_ledger.py): after each change they are what reading every row again
gives, and a table whose rows do not add up is read whole (issue 35)."""

from __future__ import annotations

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from models.audit import StageChange
from models.enums import Decision, Stage, Status
from models.hub import Hub
from models.services import status
from models.services.common import Actor
from models.services.figure_ledger import LEDGER, Ledger
from models.services.figures import work_out
from tests.integration.test_figures import BOSTON, TODAY, History, at, build


def whole(session: Session) -> dict[int, object]:
    """What reading every row again gives."""
    return dict(Ledger().hubs(session))


def test_after_each_change_the_ledger_is_what_reading_it_whole_gives(session: Session) -> None:
    ledger = Ledger()
    h = History(session)
    a = h.join("A", 0)
    session.commit()
    assert ledger.hubs(session) == whole(session) and ledger.read_whole == 1
    h.decide(a, 1)  # approved: into its first action
    b = h.join("B", 2)
    h.decide(b, 3, Decision.REQUEST_CHANGES)  # a decision on a submission, no stage change
    h.submit(a, Stage.FIRST_ACTION, 11)
    session.commit()
    for change in (
        lambda: h.decide(a, 13, Decision.REQUEST_CHANGES),  # decided: no stage change
        lambda: h.submit(a, Stage.FIRST_ACTION, 14),
        lambda: h.decide(a, 15),
        lambda: h.decide(h.join("D", 16), 17),
        lambda: status.pause(session, a.id, actor=Actor.staff(h.ann), reason="away", now=at(18)),
        lambda: status.resume(session, a.id, actor=Actor.staff(h.ann), now=at(19)),
        lambda: h.submit(a, Stage.ONBOARDING, 20),
        lambda: h.join("C", 21),
    ):
        change()
        session.commit()
        assert ledger.hubs(session) == whole(session)
    assert ledger.read_whole == 1  # every change was brought in from the rows added

    # The dashboard's figures, through the process's ledger: after a decision brought in
    # as added rows, they are what a process reading every row anew works out.
    before = work_out(session, today=TODAY, zone=BOSTON)
    reads = LEDGER.read_whole
    h.decide(session.get_one(Hub, a.id), 22, Decision.REQUEST_CHANGES)
    session.commit()
    after = work_out(session, today=TODAY, zone=BOSTON)
    assert LEDGER.read_whole == reads and after != before  # one more decision that week
    LEDGER.forget()
    assert work_out(session, today=TODAY, zone=BOSTON) == after


def test_the_figures_from_the_ledger_are_the_built_history(session: Session) -> None:
    ledger = Ledger()
    h = History(session)
    session.commit()
    ledger.hubs(session)  # read whole while empty; the whole history then comes in as added
    build(h)
    session.commit()
    assert ledger.hubs(session) == whole(session) and ledger.read_whole == 1


def test_rows_that_do_not_add_up_are_read_whole(session: Session) -> None:
    ledger = Ledger()
    h = History(session)
    a, b = h.join("A", 0), h.join("B", 0)
    h.decide(a, 1)
    h.decide(b, 2)
    session.commit()
    ledger.hubs(session)
    top = session.scalar(select(func.max(StageChange.id))) or 0

    def change(id_: int, hub_id: int, day: float) -> None:
        session.execute(
            insert(StageChange).values(
                id=id_,
                hub_id=hub_id,
                at=at(day),
                actor="test",
                from_stage=Stage.FIRST_ACTION,
                to_stage=Stage.ONBOARDING,
                from_status=Status.ACTIVE,
                to_status=Status.ACTIVE,
            )
        )
        session.commit()

    # A row committed after a higher id was read, within the ids read again: brought in.
    change(top + 10, a.id, 5)
    assert ledger.hubs(session) == whole(session)
    change(top + 5, b.id, 6)
    assert ledger.hubs(session) == whole(session) and ledger.read_whole == 1
    # One committed later than that (below the ids read again): the count tells.
    change(top + 5000, a.id, 7)
    assert ledger.hubs(session) == whole(session) and ledger.read_whole == 1
    change(top + 20, b.id, 8)
    assert ledger.hubs(session) == whole(session) and ledger.read_whole == 2
    # Rows deleted: the count and the rows read again tell.
    session.execute(delete(StageChange).where(StageChange.hub_id == b.id))
    session.commit()
    assert ledger.hubs(session) == whole(session) and ledger.read_whole == 3
