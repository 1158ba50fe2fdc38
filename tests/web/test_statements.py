"""No page runs a query per Hub: each page's SQL statements, counted with 50 Hubs and with
500 (nothing kept from an earlier view), are the same number (a per-row query would add
hundreds)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from models.enums import Stage
from models.legislature import Legislator
from models.services.kept import KEPT
from models.staff import StaffMember
from plumbing.tokens import hub_token
from tests import factories
from tests.seeding import many_hubs


@contextmanager
def counted() -> Iterator[list[str]]:
    """The SQL statements any engine runs inside the block."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def statements_per_page(client: TestClient, paths: list[str]) -> dict[str, int]:
    found = {}
    for path in paths:
        client.get(path)  # warm: settings, the legislature's caches
        KEPT.forget()  # but the page's own work done again: what a change costs
        with counted() as statements:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        found[path] = len(statements)
    return found


def test_no_page_runs_more_statements_with_ten_times_the_hubs(
    staff_client: TestClient, session: Session, staff_member: StaffMember
) -> None:
    hub = factories.hub_in(session, Stage.LISTED, reviewer=staff_member, group_name="Fixed Hub")
    legislator = session.scalars(select(Legislator.id).order_by(Legislator.id)).first()
    paths = [
        "/join",
        "/hubs",
        "/hubs?town=Boston",
        "/hubs?district=1st+Norfolk",
        "/hubs.json",
        "/coverage",
        "/coverage?view=senate",
        "/coverage?view=congress",
        f"/hub/{hub_token(hub.id, hub.token_version)}",
        "/staff",
        "/staff/queue",
        "/staff/hubs",
        "/staff/hubs?stage=listed",
        f"/staff/hubs/{hub.id}",
        "/staff/legislators",
        "/staff/legislators?q=Bristol",
        f"/staff/legislators/{legislator}",
        "/staff/system",
        "/staff/announcements",
        "/get-involved",
        "/hubs.json?page=2",
    ]
    many_hubs(session, 50, listed_share=0.4)
    small = statements_per_page(staff_client, paths)
    many_hubs(session, 450, start=50, listed_share=0.4)
    large = statements_per_page(staff_client, paths)
    grew = {path: (small[path], large[path]) for path in paths if large[path] > small[path]}
    assert grew == {}
