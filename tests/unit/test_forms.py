"""What each stage needs (SPEC §2), and errors that name the field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.enums import Stage
from models.errors import InvalidInput
from models.forms import InterestForm, parse, parse_evidence
from tests import factories

TODAY = date(2026, 5, 1)


def errors(stage: Stage, payload: dict) -> dict[str, str]:
    with pytest.raises(InvalidInput) as exc:
        parse_evidence(stage, payload, today=TODAY)
    return exc.value.errors


def test_a_first_action_dated_in_the_future_is_refused() -> None:
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    assert (
        "already have happened"
        in errors(Stage.FIRST_ACTION, factories.first_action(TODAY, date=tomorrow))["payload.date"]
    )


def test_a_first_action_on_the_day_itself_is_accepted() -> None:
    report = parse_evidence(
        Stage.FIRST_ACTION, factories.first_action(TODAY, date=TODAY.isoformat()), today=TODAY
    )
    assert report.date == TODAY  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "rally", "canvass"),
        ("participants", 0, "must be at least 1"),
        ("description", "short", "use at least 10 characters"),
        ("date", "yesterday", "date"),
    ],
)
def test_each_bad_first_action_field_is_named(field: str, value: object, message: str) -> None:
    assert (
        message
        in errors(Stage.FIRST_ACTION, factories.first_action(TODAY, **{field: value}))[
            f"payload.{field}"
        ]
    )


def test_onboarding_needs_a_contact_with_a_valid_email() -> None:
    payload = factories.onboarding(contacts=[{"name": "Cy", "email": "cy@", "phone": "6175550199"}])
    assert "payload.contacts.0.email" in errors(Stage.ONBOARDING, payload)
    assert "payload.contacts" in errors(Stage.ONBOARDING, factories.onboarding(contacts=[]))


def test_a_monthly_meeting_needs_its_schedule_and_another_process_its_description() -> None:
    assert "payload.schedule" in errors(Stage.ONBOARDING, factories.onboarding(schedule=""))
    assert "payload.description" in errors(
        Stage.ONBOARDING, factories.onboarding(process="other", description="")
    )


def test_onboarding_needs_an_explicit_publishing_choice() -> None:
    payload = factories.onboarding()
    del payload["consent_to_publish"]
    assert "payload.consent_to_publish" in errors(Stage.ONBOARDING, payload)


def test_a_plan_whose_state_rep_goal_contradicts_the_stance_is_refused() -> None:
    plan = factories.strategic_plan(
        TODAY, factories.plan_target(TODAY, stance="cosponsor", goal="win_cosponsorship")
    )
    assert "does not fit" in errors(Stage.STRATEGIC_PLAN, plan)["payload.targets.0.goal"]


def test_a_plan_needs_its_state_rep() -> None:
    senator = factories.plan_target(TODAY, role="state_senator", legislator="John Keenan")
    assert (
        "needs its State Rep"
        in errors(Stage.STRATEGIC_PLAN, factories.strategic_plan(TODAY, senator))["payload.targets"]
    )


def test_a_plan_may_add_a_senator_and_members_of_congress() -> None:
    plan = factories.strategic_plan(
        TODAY,
        factories.plan_target(TODAY),
        factories.plan_target(
            TODAY,
            role="state_senator",
            legislator="John Keenan",
            stance="cosponsor",
            goal="join_caucus",
        ),
        factories.plan_target(
            TODAY,
            role="member_of_congress",
            legislator="Stephen Lynch",
            stance="champion",
            goal="public_statement",
        ),
    )
    assert len(parse_evidence(Stage.STRATEGIC_PLAN, plan, today=TODAY).targets) == 3  # type: ignore[attr-defined]


def test_a_plan_target_date_in_the_past_is_refused() -> None:
    target = factories.plan_target(TODAY, target_date="2026-01-01")
    assert "payload.targets.0.target_date" in errors(
        Stage.STRATEGIC_PLAN, factories.strategic_plan(TODAY, target)
    )


def test_unknown_fields_are_refused_by_name() -> None:
    assert errors(Stage.FIRST_ACTION, factories.first_action(TODAY, colour="red")) == {
        "payload.colour": "unknown field"
    }


def test_listed_takes_no_submission() -> None:
    assert errors(Stage.LISTED, {}) == {"stage": "nothing can be submitted for listed"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("group_name", "x"),
        ("kind", "party"),
        ("towns", []),
        ("district", ""),
        ("contact_name", "  "),
        ("email", "bo.example.org"),
        ("phone", "555"),
        ("consent_to_contact", False),
    ],
)
def test_each_bad_interest_field_is_named(field: str, value: object) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse(InterestForm, factories.interest_form(**{field: value}))
    assert list(exc.value.errors) == [field]


def test_towns_may_be_given_as_a_comma_separated_line() -> None:
    form = parse(InterestForm, factories.interest_form(towns="Quincy, Braintree ,"))
    assert form.towns == ["Quincy", "Braintree"]


def test_the_same_group_and_email_in_other_case_is_the_same_interest() -> None:
    a = parse(
        InterestForm, factories.interest_form(group_name="South  Shore M4A", email="Bo@Example.org")
    )
    b = parse(
        InterestForm, factories.interest_form(group_name="south shore m4a", email="bo@example.org")
    )
    assert a.dedup_key() == b.dedup_key()
