"""The interest form: a group's first step, one form or many at once (SPEC §2, §8)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models.errors import InvalidInput
from models.forms import InterestForm, parse
from models.hub import Hub
from models.policy import Policy
from models.services.common import (
    Actor,
    clock,
    current_policy,
    transaction,
)
from models.services.interest_rows import Interest, house_districts, record_batch, unknown_district


def submit_interest(
    session: Session,
    data: dict[str, Any] | InterestForm,
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> Hub:
    """Record an interest form (or one taken by phone); the same form twice gives one Hub."""
    [outcome], [hub] = _record(session, [data], actor=actor, now=now, policy=policy, load=True)
    if isinstance(outcome, InvalidInput):
        raise outcome
    assert hub is not None
    return hub


def record_interests(
    session: Session,
    forms: Sequence[dict[str, Any] | InterestForm],
    *,
    actor: Actor | None = None,
    now: datetime | None = None,
    policy: Policy | None = None,
) -> list[Interest | InvalidInput]:
    """Record many interest forms in one transaction (what `/join` does under load).

    Each form's outcome is in its place: its Interest, or why the form was refused (the
    others are recorded all the same). Forms for the same group (group name and contact
    email) give one Hub, within the batch as across time; a withdrawn or declined group
    may apply again. Everything is Core INSERTs, several rows per statement.
    """
    return _record(session, forms, actor=actor, now=now, policy=policy, load=False)[0]


def _record(
    session: Session,
    forms: Sequence[dict[str, Any] | InterestForm],
    *,
    actor: Actor | None,
    now: datetime | None,
    policy: Policy | None,
    load: bool,
) -> tuple[list[Interest | InvalidInput], list[Hub | None]]:
    """`record_interests`, and with `load` each new or found Hub (loaded in the same
    transaction, so that none is left open on the caller's session)."""
    parsed: list[InterestForm | InvalidInput] = []
    for data in forms:
        try:
            parsed.append(data if isinstance(data, InterestForm) else parse(InterestForm, data))
        except InvalidInput as exc:
            parsed.append(exc)
    parsed = _with_district_errors(session, forms, parsed)
    if not any(isinstance(f, InterestForm) for f in parsed):  # nothing to write
        return [f for f in parsed if isinstance(f, InvalidInput)], [None] * len(parsed)
    now, policy = clock(now), current_policy(policy)
    for attempt in range(3):
        try:
            with transaction(session):
                outcomes = record_batch(session, parsed, actor=actor, now=now, policy=policy)
                loaded = [
                    session.get(Hub, o.hub_id) if load and isinstance(o, Interest) else None
                    for o in outcomes
                ]
                return outcomes, loaded
        except IntegrityError:
            # Another process created one of these Hubs between our look-up and our
            # insert; looking again finds it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _with_district_errors(
    session: Session,
    forms: Sequence[dict[str, Any] | InterestForm],
    parsed: list[InterestForm | InvalidInput],
) -> list[InterestForm | InvalidInput]:
    """A form refused for other fields is also told if its district is unknown: every
    error in one answer, not one round at a time."""
    named = {
        i: str(data.get("district", "")).strip()
        for i, (data, outcome) in enumerate(zip(forms, parsed, strict=True))
        if isinstance(outcome, InvalidInput)
        and isinstance(data, dict)
        and "district" not in outcome.errors
        and str(data.get("district", "")).strip()
    }
    if not named:
        return parsed
    known = house_districts(session, {name.lower() for name in named.values()})
    session.commit()  # end the read
    out = list(parsed)
    for i, name in named.items():
        failed = out[i]
        if name.lower() not in known and isinstance(failed, InvalidInput):
            out[i] = InvalidInput({**failed.errors, **unknown_district(name).errors})
    return out
