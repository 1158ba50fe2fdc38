"""Forget reaches what Prefect keeps too (SPEC §8): hubflow's events reach Prefect's own
database with ids only, so after `contacts forget` a byte search of it finds nothing of
the person."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from models.audit import DomainEvent
from models.enums import Stage
from models.services.common import Actor
from models.services.status import pause
from tests import factories
from tests.system.helpers import cli, free_port, hubflow_env, start_serve, stop, wait_for

PERSON = {"email": "pria.prefect@example.org", "contact_name": "Pria Prefect"}
PHONE = "(617) 555-0177"


def test_prefect_s_database_holds_nothing_of_a_forgotten_person(
    clean_engine: Engine,
    database_url: str,
    tmp_path: Path,
    prefect_server: tuple[int, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    _, api = prefect_server
    env = hubflow_env(database_url, tmp_path)
    sessions = sessionmaker(clean_engine, expire_on_commit=False)
    with sessions() as session:
        ann = factories.staff(session)
        staff_email = ann.email
        hub = factories.hub_in(session, Stage.FIRST_ACTION, reviewer=ann, phone=PHONE, **PERSON)
        # Words that name her, in an event's payload (hub.paused carries the reason).
        pause(session, hub.id, actor=Actor.staff(ann), reason="Pria Prefect is away until June")
    waiting = select(func.count(DomainEvent.id)).where(DomainEvent.processed_at.is_(None))

    def left() -> int:
        with sessions() as session:
            return int(session.scalar(waiting) or 0)

    serve = start_serve(env, tmp_path, "--port", str(free_port()), "--prefect-api-url", api)
    try:
        wait_for(lambda: left() == 0, 150)  # every event processed, and emitted to Prefect
    except AssertionError:  # say what serve was doing, and what is left
        with sessions() as session:
            rows = session.execute(
                select(DomainEvent.id, DomainEvent.type, DomainEvent.handed_to).where(
                    DomainEvent.processed_at.is_(None)
                )
            ).all()
        raise AssertionError(f"{rows} left after 150 s; serve said:\n" + stop(serve)) from None
    finally:
        output = stop(serve)
    assert serve.returncode == 0, output

    def files() -> list[Path]:
        base = tmp_path_factory.getbasetemp()
        return [f for f in base.glob("prefect-server*/.prefect/prefect.db*") if f.is_file()]

    # The check sees what it looks for: Prefect's server has written hubflow's events down
    # (its event persister flushes every few seconds).
    wait_for(lambda: any(b"hub.paused" in f.read_bytes() for f in files()), 60)
    cli(env, "contacts", "forget", PERSON["email"], "--staff", staff_email, "--yes", cwd=tmp_path)
    needles = [b"pria.prefect@example.org", b"pria prefect", b"555-0177", b"5550177"]
    found = {f.name: _hits(f.read_bytes(), needles) for f in files()}
    assert {f: hits for f, hits in found.items() if hits} == {}


def _hits(data: bytes, needles: list[bytes]) -> list[str]:
    """Each needle found, with the bytes around it: what of Prefect's holds it."""
    lowered = data.lower()
    hits = []
    for needle in needles:
        at = lowered.find(needle)
        if at >= 0:
            around = data[max(0, at - 300) : at + len(needle) + 100]
            hits.append(f"{needle.decode()}: …{around.decode('utf-8', 'replace')}…")
    return hits
