"""A reaction that fails on the database is told without the row it was writing (SPEC §8):
neither the statement's values nor PostgreSQL's DETAIL ("Failing row contains (…)") reach
the log, the event's last error or the exception Prefect keeps, whose database forget
cannot reach."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models.audit import DomainEvent
from models.enums import Stage
from models.events import EventType
from models.job_run import JobRun
from plumbing.job_runs import recorded
from plumbing.settings import get_settings
from tasks import events
from tasks.reactions import REACTIONS, Reaction
from tests import factories

SECRET = "Pria Prefect, 617-555-0177"


def _write_a_note_without_its_author(reaction: Reaction) -> None:
    reaction.session.execute(
        text("INSERT INTO hub_notes (hub_id, text) VALUES (:hub, :text)"),
        {"hub": reaction.event.hub_id, "text": SECRET},
    )


def test_a_failed_reaction_is_told_without_the_values_it_was_writing(
    session: Session,
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    factories.hub_in(session, Stage.INTEREST, reviewer=factories.staff(session))
    monkeypatch.setitem(
        REACTIONS, EventType.INTEREST_SUBMITTED, (_write_a_note_without_its_author,)
    )
    caplog.set_level(logging.WARNING, logger="tasks.events")
    with pytest.raises(events.ReactionFailed) as failed:
        events.process_waiting(sessions, settings=get_settings(), now=datetime.now(UTC))
    session.commit()
    event = session.scalars(
        select(DomainEvent).where(DomainEvent.type == EventType.INTEREST_SUBMITTED.value)
    ).one()
    told = {"raised": str(failed.value), "kept": event.last_error, "logged": caplog.text}
    for where, words in told.items():
        assert "IntegrityError" in words and "hub_notes" in words, (where, words)
        assert "Pria" not in words and "555-0177" not in words, (where, words)
    assert event.processed_at is None and event.attempts == 1  # waiting, tried again later


def test_a_failed_job_is_recorded_without_the_values_it_was_writing(
    session: Session, sessions: sessionmaker[Session]
) -> None:
    """The sweep, the report and dispatch keep their last failure in `job_runs`, which
    /staff/system shows: in the same words, without the row (PostgreSQL's DETAIL)."""
    hub = factories.hub_in(session, Stage.INTEREST, reviewer=factories.staff(session))
    with pytest.raises(IntegrityError), recorded(sessions, "sweep"), sessions() as failing:
        failing.execute(
            text("INSERT INTO hub_notes (hub_id, text) VALUES (:hub, :text)"),
            {"hub": hub.id, "text": SECRET},
        )
        failing.commit()
    session.commit()
    run = session.scalars(select(JobRun).where(JobRun.name == "sweep")).one()
    assert run.outcome == "failed"
    for words in (run.last_failure, run.detail):
        assert "IntegrityError" in words and "hub_notes" in words, words
        assert "Pria" not in words and "555-0177" not in words, words
