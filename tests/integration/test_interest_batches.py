"""Many interest forms in one transaction (what /join does under load): each form gets
exactly what it would have got alone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models.audit import DomainEvent, StageChange
from models.enums import Stage, Status
from models.errors import InvalidInput
from models.hub import Contact, Hub
from models.services import hubs
from models.services.common import Actor
from tests import factories
from tests.integration.helpers import row_counts

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _rows(session: Session, hub_id: int, form: dict[str, Any]) -> str:
    """Everything a Hub's interest left, without ids and generated keys, with its group
    name and email as placeholders."""
    hub = session.get(Hub, hub_id)
    assert hub is not None
    submission_ids = {s.id: "<submission>" for s in hub.submissions}
    rows = {
        "hub": (
            hub.name,
            hub.kind,
            hub.towns,
            hub.district.name,
            hub.stage,
            hub.status,
            hub.stage_entered_at,
            hub.stage_due_date,
            hub.first_action_idea,
            hub.dedup_key,
            hub.version,
            hub.token_version,
        ),
        "contacts": [(c.name, c.email, c.phone, c.role) for c in hub.contacts],
        "submissions": [
            (s.stage, s.version, s.payload, s.submitted_by, s.submitted_at, s.state)
            for s in hub.submissions
        ],
        "changes": [
            (c.actor, c.from_stage, c.to_stage, c.from_status, c.to_status, c.reason, c.at)
            for c in session.scalars(
                select(StageChange).where(StageChange.hub_id == hub_id).order_by(StageChange.id)
            )
        ],
        "events": [
            (e.type, {k: submission_ids.get(v, v) for k, v in e.payload.items()}, e.occurred_at)
            for e in session.scalars(
                select(DomainEvent).where(DomainEvent.hub_id == hub_id).order_by(DomainEvent.id)
            )
        ],
    }
    session.commit()
    text = repr(rows)
    for value, placeholder in (
        (form["group_name"], "<name>"),
        (form["group_name"].casefold(), "<name>"),
        (form["email"], "<email>"),
    ):
        text = text.replace(value, placeholder)
    return text


def test_a_batch_records_what_each_form_would_have_recorded_alone(session: Session) -> None:
    singles = [factories.interest_form() for _ in range(5)]
    batch = [factories.interest_form() for _ in range(5)]
    alone = [hubs.submit_interest(session, f, now=NOW).id for f in singles]
    outcomes = hubs.record_interests(session, batch, now=NOW)

    assert [(o.hub_name, o.new) for o in outcomes if isinstance(o, hubs.Interest)] == [
        (f["group_name"], True) for f in batch
    ]
    for hub_id, single, outcome, form in zip(alone, singles, outcomes, batch, strict=True):
        assert isinstance(outcome, hubs.Interest)
        assert _rows(session, outcome.hub_id, form) == _rows(session, hub_id, single)
        assert "<submission>" in _rows(session, outcome.hub_id, form)  # its own form


def test_each_form_in_a_batch_gets_its_own_outcome(session: Session) -> None:
    existing = hubs.submit_interest(session, factories.interest_form(group_name="Old Hub"), now=NOW)
    existing_form = {
        **factories.interest_form(group_name="old  HUB"),
        "email": existing.contacts[0].email.upper(),
    }
    twice = factories.interest_form(group_name="Twice Hub")
    before = row_counts(session)
    outcomes = hubs.record_interests(
        session,
        [
            factories.interest_form(group_name="Fresh Hub"),
            factories.interest_form(district="99th Nowhere"),
            twice,
            {**factories.interest_form(), "email": "not an email"},
            existing_form,
            {**twice, "group_name": "TWICE hub"},
            factories.interest_form(district="First Middlesex"),  # a Senate district
        ],
        now=NOW,
    )
    fresh, nowhere, first, bad_email, again, second, senate = outcomes
    assert isinstance(fresh, hubs.Interest) and fresh.new and fresh.district == "1st Norfolk"
    assert (
        isinstance(nowhere, InvalidInput)
        and "no Massachusetts State Rep district called" in (nowhere.errors["district"])
    )
    assert isinstance(bad_email, InvalidInput) and "email" in bad_email.errors
    assert isinstance(senate, InvalidInput) and "district" in senate.errors
    assert again == hubs.Interest(existing.id, "Old Hub", "1st Norfolk", new=False)
    assert isinstance(first, hubs.Interest) and first.new
    assert second == first  # the same group twice in one batch: one Hub
    after = row_counts(session)
    assert after["hubs"] - before["hubs"] == 2
    assert after["contacts"] - before["contacts"] == 2
    assert after["submissions"] - before["submissions"] == 2
    assert after["stage_changes"] - before["stage_changes"] == 2
    assert after["domain_events"] - before["domain_events"] == 4


def test_a_withdrawn_group_may_apply_again(session: Session) -> None:
    form = factories.interest_form()
    old = hubs.submit_interest(session, form, now=NOW)
    hubs.withdraw(session, old.id, actor=Actor.system("test"), reason="moved away", now=NOW)
    new = hubs.submit_interest(session, form, now=NOW)
    assert new.id != old.id
    assert (new.stage, new.status) == (Stage.INTEREST, Status.ACTIVE)
    session.refresh(old)
    assert old.status is Status.WITHDRAWN and old.dedup_key.endswith(f"#{old.id}")
    assert hubs.submit_interest(session, form, now=NOW).id == new.id  # and again: the new one


def test_an_all_invalid_batch_stores_nothing(session: Session) -> None:
    before = row_counts(session)
    outcomes = hubs.record_interests(
        session,
        [factories.interest_form(towns=""), factories.interest_form(consent_to_contact=False)],
    )
    assert [sorted(o.errors) for o in outcomes if isinstance(o, InvalidInput)] == [
        ["towns"],
        ["consent_to_contact"],
    ]
    assert row_counts(session) == before


def test_a_batch_failing_at_commit_leaves_no_row_of_any_form(session: Session) -> None:
    before = row_counts(session)

    def boom(_session: Session) -> None:
        raise RuntimeError("the database went away at commit")

    event.listen(session, "before_commit", boom)
    try:
        with pytest.raises(RuntimeError, match="went away"):
            hubs.record_interests(session, [factories.interest_form() for _ in range(4)])
    finally:
        event.remove(session, "before_commit", boom)
    assert row_counts(session) == before
    assert session.scalars(select(Contact)).all() == []
