"""Submissions, dates and times as a person reads them (models/presenters.py, models/words.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from models.enums import Stage, Worded
from models.presenters import Facts, changes, present
from models.words import day, days_from, longday, when
from tests import factories

TODAY = date(2026, 11, 26)
BOSTON = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def test_every_code_has_words() -> None:
    for vocabulary in Worded.__subclasses__():
        for member in vocabulary:
            assert member.label and "_" not in member.label, member


def test_dates_show_the_year_only_outside_this_year() -> None:
    assert day(date(2026, 3, 2), today=TODAY) == "Mar 2"
    assert day("2025-12-31", today=TODAY) == "Dec 31, 2025"
    assert longday(date(2027, 1, 4), today=TODAY) == "Monday, January 4, 2027"
    assert longday(date(2026, 12, 10), today=TODAY) == "Thursday, December 10"


def test_times_are_in_the_campaigns_zone_and_name_it() -> None:
    assert when(NOW, tz=BOSTON, now=NOW) == "Nov 26, 10:00 AM EST"
    summer = datetime(2026, 7, 4, 16, 30, tzinfo=UTC)
    assert when(summer, tz=BOSTON, now=NOW) == "Jul 4, 12:30 PM EDT"
    # 03:00 UTC on January 1st is still New Year's Eve in Boston
    assert when(datetime(2027, 1, 1, 3, 0, tzinfo=UTC), tz=BOSTON, now=NOW) == (
        "Dec 31, 10:00 PM EST"
    )
    assert when(datetime(2025, 5, 1, 12, 0, tzinfo=UTC), tz=BOSTON, now=NOW) == (
        "May 1, 2025, 8:00 AM EDT"
    )


def test_due_dates_read_as_distances() -> None:
    assert days_from(TODAY, TODAY) == "due today"
    assert days_from(date(2026, 11, 27), TODAY) == "due in 1 day"
    assert days_from(date(2026, 11, 21), TODAY) == "5 days past the deadline"


def test_the_interest_form_reads_as_words_with_the_districts_rep() -> None:
    doc = present(
        Stage.INTEREST,
        factories.interest_form(group_name="Salem M4A", towns=["Salem"]),
        Facts(today=TODAY, rep_of={"1st Norfolk": "Bruce Ayers"}),
    )
    rows = {r.label: r.value for r in doc.rows}
    assert rows["Kind of group"] == "Formed for single-payer advocacy"
    assert rows["Towns"] == "Salem"
    assert rows["State Rep district"] == "1st Norfolk (Rep. Bruce Ayers)"
    assert rows["Agreed to be contacted"] == "Yes"


def test_a_plan_is_a_table_of_legislators_in_words() -> None:
    plan = factories.strategic_plan(
        TODAY,
        factories.plan_target(TODAY, target_date="2027-02-01"),
        factories.plan_target(
            TODAY,
            role="state_senator",
            legislator="Paul Mark",
            stance="cosponsor",
            goal="persuade_colleagues",
        ),
    )
    doc = present(Stage.STRATEGIC_PLAN, plan, Facts(today=TODAY))
    assert doc.table is not None
    assert doc.table.rows[1][:4] == [
        "Paul Mark",
        "State Senator",
        "Co-sponsor",
        "Persuade colleagues (e.g. Health Care Financing)",
    ]
    assert doc.table.rows[0][5] == "Feb 1, 2027"


def test_changes_name_each_changed_field_with_old_and_new_values() -> None:
    facts = Facts(today=TODAY)
    old = present(Stage.FIRST_ACTION, factories.first_action(TODAY), facts)
    new = present(Stage.FIRST_ACTION, factories.first_action(TODAY, participants=14), facts)
    assert [(c.label, c.old, c.new) for c in changes(old, new)] == [
        ("People who took part", "9", "14")
    ]
    one = present(Stage.ONBOARDING, factories.onboarding(), facts)
    two_people = factories.onboarding(
        contacts=[
            {"name": "Cy Park", "email": "cy@example.org", "phone": "617 555 0199"},
            {"name": "Di Li", "email": "di@example.org", "phone": "617 555 0100"},
        ]
    )
    added = changes(one, present(Stage.ONBOARDING, two_people, facts))
    assert ("Contact for new people 2", "(not given)", "Di Li") in [
        (c.label, c.old, c.new) for c in added
    ]
