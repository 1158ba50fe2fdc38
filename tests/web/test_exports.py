"""`hubflow export` and the dashboard's downloads: rows in words, contacts as consented,
every contact only for staff and recorded (SPEC §6, §8)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models.audit import DomainEvent
from models.staff import StaffMember
from tests.integration.test_cli import hubflow
from tests.web.test_public import listed


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_hubs_export_in_words_as_csv_and_json(session: Session, staff_member: StaffMember) -> None:
    hub_id = listed(session, staff_member, "Open Hub", consent=True)
    code, out = hubflow("export", "hubs")
    assert code == 0, out
    [row] = _csv(out)
    assert row["external_id"] == f"hubflow-{hub_id}" and row["group_name"] == "Open Hub"
    assert (row["stage"], row["status"], row["district"]) == ("Listed", "Active", "1st Norfolk")
    assert row["kind"] == "Formed for single-payer advocacy" and row["towns"] == "Quincy"
    code, out = hubflow("export", "plans", "--json")
    assert code == 0, out
    plans = json.loads(out)
    assert plans and plans[0]["hub"] == "Open Hub" and plans[0]["role"] == "State Representative"


def test_contacts_honour_consent_and_every_contact_is_recorded(
    session: Session, staff_member: StaffMember, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    listed(session, staff_member, "Open Hub", consent=True)
    listed(session, staff_member, "Private Hub", consent=False)
    code, out = hubflow("export", "contacts")
    assert code == 0, out
    assert {(r["hub"], r["published"]) for r in _csv(out)} == {("Open Hub", "yes")}
    code, out = hubflow("export", "contacts", "--include-private")
    assert code == 2 and "--staff: say who is asking" in out
    target = tmp_path / "all.csv"
    code, out = hubflow(
        "export",
        "contacts",
        "--include-private",
        "--staff",
        staff_member.email,
        "--out",
        str(target),
    )
    assert code == 0 and f"to {target}" in out, out
    everyone = _csv(target.read_text())
    assert {r["hub"] for r in everyone} == {"Open Hub", "Private Hub"}
    with sessions() as s:
        [logged] = s.scalars(select(DomainEvent).where(DomainEvent.type == "contacts.exported"))
        assert logged.payload["actor"] == f"staff:{staff_member.email}"


def test_a_wrong_export_names_each_flag_at_once(session: Session) -> None:
    code, out = hubflow("export", "people", "--json", "--csv", "--include-private")
    assert code == 2
    for words in (
        "KIND: choose one of: hubs, contacts",
        "--json: give --json or --csv",
        "--staff: say who is asking",
    ):
        assert words in out, out


def test_the_dashboard_offers_the_same_csvs_to_staff_only(
    client: TestClient, staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    listed(session, staff_member, "Private Hub", consent=False)
    dashboard = staff_client.get("/staff").text
    assert "<title>GO! Team dashboard · Mass-Care</title>" in dashboard
    assert 'href="/staff/export/contacts.csv?private=1"' in dashboard
    published = staff_client.get("/staff/export/contacts.csv")
    assert published.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="hubflow-contacts-' in published.headers["content-disposition"]
    assert _csv(published.text) == []
    everyone = staff_client.get("/staff/export/contacts.csv?private=1")
    assert {r["hub"] for r in _csv(everyone.text)} == {"Private Hub"}
    assert staff_client.get("/staff/export/people.csv").status_code == 404
    staff_client.cookies.clear()
    anonymous = staff_client.get("/staff/export/hubs.csv", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/staff/login" in anonymous.headers["location"]
