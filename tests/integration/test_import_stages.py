"""`hubflow hubs import`: what a Hub had done before hubflow comes in approved and checked
like the forms; a Hub open at the interest stage waits for its intro call (SPEC §2, §6)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.base import utcnow
from models.enums import ReviewKind, Stage, Status
from models.hub import Contact, Hub, Submission
from models.review import ReviewTask
from plumbing.settings import get_settings
from tests import factories
from tests.integration.test_cli import hubflow
from tests.integration.test_imports import COLUMNS, TODAY, _csv, _row


def test_what_a_hub_had_done_comes_in_approved_and_is_checked_like_the_forms(
    session: Session, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ann = factories.staff(session)
    done = {
        "first_action_kind": "Canvass",
        "first_action_date": "2025-05-03",
        "first_action_description": "Knocked on 200 doors at Quincy Point with a petition.",
        "first_action_participants": "9",
        "onboarding_name": "Cy Park",
        "onboarding_email": "cy@example.org",
        "onboarding_phone": "617 555 0199",
        "onboarding_published": "yes",
        "onboarding_process": "monthly_meeting",
        "onboarding_schedule": "First Tuesday, 7pm, Thomas Crane Library",
        "plan_goal": "Win co-sponsorship",
        "plan_tactics": "Monthly constituent meetings and a town hall in the spring.",
        "plan_target_date": "2026-06-30",
    }
    columns = [*COLUMNS, *done]
    good = _row(1, Stage.LISTED, Status.ACTIVE, TODAY, **done)
    early = _row(2, Stage.INTEREST, Status.ACTIVE, TODAY, first_action_kind="Canvass")
    wrong = _row(3, Stage.ONBOARDING, Status.ACTIVE, TODAY, **done) | {
        "first_action_participants": "0",
        "first_action_kind": "Bake sale",
        "plan_goal": "",
        "plan_tactics": "",
        "plan_target_date": "",
        "onboarding_process": "",
        "onboarding_schedule": "",
    }

    def write(rows: list[dict[str, str]]) -> Path:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)
        file = tmp_path / "done.csv"
        file.write_text(out.getvalue())
        return file

    code, out = hubflow("hubs", "import", str(write([good, early, wrong])), "--staff", ann.email)
    assert code == 2
    said = " ".join(out.split())
    assert "line 3, first_action_kind: the Hub is not past the first action stage" in said
    assert "line 4, first_action_kind: choose one of: Canvass" in said
    assert "line 4, first_action_participants: must be at least 1" in said

    code, out = hubflow("hubs", "import", str(write([good])), "--staff", ann.email)
    assert code == 0, out
    with sessions() as s:
        hub = s.scalars(select(Hub)).one()
        sent = {
            x.stage: x for x in s.scalars(select(Submission).where(Submission.hub_id == hub.id))
        }
        assert set(sent) == {Stage.FIRST_ACTION, Stage.ONBOARDING, Stage.STRATEGIC_PLAN}
        assert all(x.state.value == "approved" and x.decided_by_id == ann.id for x in sent.values())
        assert sent[Stage.FIRST_ACTION].payload["kind"] == "canvass"
        assert sent[Stage.FIRST_ACTION].payload["participants"] == 9
        [target] = sent[Stage.STRATEGIC_PLAN].payload["targets"]
        assert (target["legislator"], target["goal"]) == ("Bruce Ayers", "win_cosponsorship")
        onboarding = s.scalars(
            select(Contact).where(Contact.hub_id == hub.id, Contact.role == "onboarding")
        ).one()
        assert onboarding.consent_to_publish and onboarding.email == "cy@example.org"
        # Its first progress report is due a full rhythm (90 days) after the import, however
        # long ago it was listed.
        today = get_settings().policy.today(utcnow())
        assert hub.stage_due_date == today + timedelta(days=90)
    code, out = hubflow("export", "plans", "--json")
    assert json.loads(out)[0]["legislator"] == "Bruce Ayers"  # a current plan, like any other


def test_an_imported_hub_at_the_interest_stage_gets_its_intro_call_and_can_move_on(
    session: Session, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ann = factories.staff(session)
    file = tmp_path / "hubs.csv"
    file.write_text(_csv([_row(1, Stage.INTEREST, Status.ACTIVE, TODAY)]))
    assert hubflow("hubs", "import", str(file), "--staff", ann.email)[0] == 0
    assert hubflow("process")[0] == 0
    with sessions() as s:
        [task] = s.scalars(select(ReviewTask))
        assert (task.title, task.kind, task.owner_id) == (
            "Intro call with Imported Hub 1",
            ReviewKind.INTRO_CALL,
            ann.id,
        )
        [waiting] = s.scalars(select(Submission).where(Submission.state == "pending"))
        assert waiting.payload["email"] == "organizer1@example.org"
        assert "consent_to_contact" not in waiting.payload  # the file does not say
    code, out = hubflow("reviews", "approve", str(waiting.id), "--staff", ann.email)
    assert code == 0, out
    with sessions() as s:
        hub = s.scalars(select(Hub)).one()
        assert hub.stage is Stage.FIRST_ACTION
