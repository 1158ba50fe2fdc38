"""`hubflow hubs import`: the campaign's Hubs from a spreadsheet, all or nothing; their
stages, due dates and "imported" history; the next day's sweep sending only what those
dates imply; an export read back into a fresh database (SPEC §2, §6)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.audit import StageChange
from models.email import Email
from models.enums import HubKind, ReviewKind, Stage, Status
from models.hub import Contact, Hub, Submission
from models.review import ReviewTask
from models.services.import_evidence import EVIDENCE_COLUMNS
from plumbing.settings import get_settings
from tasks.sweep import run_sweep
from tests import factories
from tests.integration.helpers import row_counts
from tests.integration.test_cli import hubflow

ZONE = ZoneInfo("America/New_York")
TODAY = datetime.now(ZONE).date()
COLUMNS = [
    "external_id", "group_name", "kind", "towns", "district", "stage", "status",
    "stage_entered", "contact_name", "contact_email", "contact_phone",
]  # fmt: skip


def _row(n: int, stage: Stage, status: Status, entered: date, **extra: str) -> dict[str, str]:
    return {
        "external_id": f"GT-{n:03d}",
        "group_name": f"Imported Hub {n}",
        "kind": (HubKind.SINGLE_ISSUE if n % 2 else HubKind.MULTI_ISSUE).label,
        "towns": "Quincy; Milton",
        "district": "1st Norfolk",
        "stage": stage.label if n % 3 else stage.value,  # words or codes
        "status": status.label,
        "stage_entered": entered.isoformat(),
        "contact_name": f"Organizer {n}",
        "contact_email": f"organizer{n}@example.org",
        "contact_phone": "617-555-0100",
        **extra,
    }


def _csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def fifty() -> tuple[list[dict[str, str]], dict[str, str]]:
    """50 Hubs in every stage and status, and what the next day's sweep owes a few."""
    day = timedelta(days=1)
    rows, n = [], 0
    for stage in Stage:
        for status in Status:
            for _ in range(2 if stage is not Stage.LISTED else 1):
                n += 1
                rows.append(_row(n, stage, status, TODAY))
    while len(rows) < 46:
        n += 1
        rows.append(_row(n, Stage.ONBOARDING, Status.ACTIVE, TODAY))
    # First action lasts 60 days, onboarding 30: seen from tomorrow, due in 7 days, due
    # that day, a week overdue, and long past (stalled).
    owed = {
        "GT-901": "due_soon",
        "GT-902": "due_today",
        "GT-903": "overdue_nudge",
        "GT-904": "stalled",
    }
    rows += [
        _row(901, Stage.FIRST_ACTION, Status.ACTIVE, TODAY - 52 * day) | {"external_id": "GT-901"},
        _row(902, Stage.ONBOARDING, Status.ACTIVE, TODAY - 29 * day) | {"external_id": "GT-902"},
        _row(903, Stage.FIRST_ACTION, Status.ACTIVE, TODAY - 67 * day) | {"external_id": "GT-903"},
        _row(904, Stage.FIRST_ACTION, Status.ACTIVE, TODAY - 90 * day) | {"external_id": "GT-904"},
    ]
    return rows, owed


def test_fifty_hubs_in_every_stage_and_status_are_imported_with_their_due_dates(
    session: Session, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    ann = factories.staff(session)
    rows, owed = fifty()
    assert len(rows) == 50
    file = tmp_path / "hubs.csv"
    file.write_text(_csv(rows))
    before = row_counts(session)
    code, dry = hubflow("hubs", "import", str(file), "--staff", ann.email, "--dry-run")
    assert code == 0, dry
    assert "Would add 50 Hubs" in dry and "Nothing was stored" in dry
    assert row_counts(session) == before

    code, out = hubflow("hubs", "import", str(file), "--staff", ann.email)
    assert code == 0, out
    assert out.startswith(dry.split(";")[0].replace("Would add", "Added"))  # the same report
    assert "nobody is emailed" in out
    policy = get_settings().policy
    with sessions() as s:
        hubs = {h.external_id: h for h in s.scalars(select(Hub))}
        assert len(hubs) == 50
        for row in rows:
            hub = hubs[row["external_id"]]
            entered = date.fromisoformat(row["stage_entered"])
            assert hub.name == row["group_name"] and hub.towns == ["Quincy", "Milton"]
            assert hub.stage.label == Stage(hub.stage).label
            assert hub.status.label == row["status"]
            noon = datetime.combine(entered, time(12), ZONE)
            due = policy.due_date(hub.stage, noon)
            if hub.status in (Status.PAUSED, Status.WITHDRAWN, Status.DECLINED):
                due = None  # as pausing or closing a Hub leaves it
            assert hub.stage_due_date == due
            assert hub.stage_entered_at.astimezone(UTC) == noon.astimezone(UTC)
            [contact] = s.scalars(select(Contact).where(Contact.hub_id == hub.id))
            assert (contact.email, contact.phone) == (row["contact_email"], "617-555-0100")
            [change] = s.scalars(select(StageChange).where(StageChange.hub_id == hub.id))
            assert change.actor == f"staff:{ann.email}" and change.staff_id == ann.id
            assert change.reason.startswith("imported from hubs.csv (line ")
            assert (change.to_stage, change.to_status) == (hub.stage, hub.status)
        ids = {hub.id: ext for ext, hub in hubs.items()}
    assert hubflow("process")[0] == 0  # the import's events: directory republished
    counts = row_counts(session)
    waiting = [
        r["external_id"]
        for r in rows
        if Stage(hubs[r["external_id"]].stage) is Stage.INTEREST
        and hubs[r["external_id"]].status in (Status.ACTIVE, Status.STALLED)
    ]
    assert waiting  # an open Hub at the interest stage waits for its intro call, as if it joined
    with sessions() as s:
        tasks = s.execute(
            select(ReviewTask.hub_id, ReviewTask.kind, Submission.state).join(
                Submission, Submission.id == ReviewTask.submission_id
            )
        ).all()
        emails = list(s.scalars(select(Email)))
    assert sorted(ids[hub_id] for hub_id, _, _ in tasks) == sorted(waiting)
    assert {(kind, state) for _, kind, state in tasks} == {(ReviewKind.INTRO_CALL, "pending")}
    # No Hub's contact is emailed without --notify; the staff member is told of the calls.
    assert {e.kind for e in emails} == {"review_assigned"} and len(emails) == len(waiting)
    assert counts["domain_events"] == 50

    code, again = hubflow("hubs", "import", str(file), "--staff", ann.email)
    assert code == 0 and "Added 0 Hubs; 50 already here" in again, again
    assert row_counts(session) == counts

    tomorrow = datetime.combine(TODAY + timedelta(days=1), time(9), ZONE)
    report = run_sweep(now=tomorrow)
    sent = {(ids[e.hub_id], e.kind) for e in report.emails if not e.kind.startswith("stalled")}
    assert {ext: kind for ext, kind in sent} == {k: v for k, v in owed.items() if v != "stalled"}
    assert [ids[h] for h in report.stalled] == ["GT-904"]


def test_three_bad_rows_are_all_reported_by_line_and_column_and_nothing_is_stored(
    session: Session, tmp_path: Path
) -> None:
    ann = factories.staff(session)
    rows = [_row(n, Stage.ONBOARDING, Status.ACTIVE, TODAY) for n in range(1, 8)]
    rows[1]["district"] = "99th Nowhere"
    rows[3]["contact_email"] = "bo.example.org"
    rows[5]["stage"] = "Party planning"
    file = tmp_path / "bad.csv"
    file.write_text(_csv(rows))
    before = row_counts(session)
    code, out = hubflow("hubs", "import", str(file), "--staff", ann.email)
    assert code == 2
    said = " ".join(out.split())
    assert "line 3, district: there is no State Rep district “99th Nowhere”" in said
    assert "line 5, contact_email: enter a valid email address" in said
    assert "line 7, stage: choose one of: Interest, First action" in said
    assert row_counts(session) == before


def test_an_export_imports_into_a_fresh_database_as_the_same_hubs(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = factories.staff(session)
    made = factories.every_kind_of_hub(session, ann)
    code, exported = hubflow("export", "hubs")
    assert code == 0, exported
    file = tmp_path / "hubs.csv"
    file.write_text(exported)

    def facts(url: str | None = None) -> set[tuple[str, ...]]:
        code, out = hubflow("export", "hubs")
        assert code == 0, out
        keep = ("group_name", "kind", "towns", "district", "stage", "status", "stage_entered",
                "due_date", "contact_name", "contact_email", "contact_phone", "onboarding_name",
                "onboarding_email", "onboarding_phone", "onboarding_published",
                *EVIDENCE_COLUMNS)  # fmt: skip
        hubs = {tuple(r[k] for k in keep) for r in csv.DictReader(io.StringIO(out))}
        code, out = hubflow(
            "export", "contacts", "--include-private", "--staff", ann.email, "--json"
        )
        assert code == 0, out
        people = {(c["hub"], c["role"], c["email"], c["published"]) for c in json.loads(out)}
        return hubs | people

    here = facts()
    assert len([f for f in here if len(f) > 4]) == len(made)  # a row per Hub, one per contact
    assert any(f[1] == "Contact for new people" for f in here if len(f) == 4)
    from plumbing.db import reset_engines

    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("HUBFLOW_DATABASE_URL", fresh)
    get_settings.cache_clear()
    reset_engines()
    try:
        assert hubflow("init")[0] == 0
        assert hubflow("staff", "add", "--name", "Ann", "--email", ann.email)[0] == 0
        code, out = hubflow("hubs", "import", str(file), "--staff", ann.email)
        assert code == 0 and f"Added {len(made)} Hubs" in out, out
        assert facts() == here
    finally:
        reset_engines()


def test_notify_emails_each_new_hub_a_link_to_its_page(
    session: Session, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from models.email import Email

    ann = factories.staff(session)
    file = tmp_path / "two.csv"
    file.write_text(_csv([_row(n, Stage.FIRST_ACTION, Status.ACTIVE, TODAY) for n in (1, 2)]))
    code, out = hubflow("hubs", "import", str(file), "--staff", ann.email, "--notify")
    assert code == 0 and "their contacts are emailed a link" in out, out
    assert hubflow("process")[0] == 0
    with sessions() as s:
        sent = s.scalars(select(Email).where(Email.kind == "hub_imported")).all()
        assert sorted(e.to_email for e in sent) == [
            "organizer1@example.org",
            "organizer2@example.org",
        ]
        assert all("/hub/" in e.text and "first action stage" in e.text for e in sent)
