"""Fixtures shared by every tier: a migrated database (SQLite, or PostgreSQL when
HUBFLOW_TEST_DATABASE_URL is set), clean tables per test, and settings pointed at it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from models import Base
from models.enums import reword
from models.services.figure_ledger import LEDGER
from models.services.kept import KEPT
from models.services.legislature import import_legislature
from plumbing import db
from plumbing.openstates import bundled
from plumbing.settings import get_settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
# A fresh random key for this run: no key that appears in the repository works anywhere.
TEST_KEY = secrets.token_urlsafe(48)
REFERENCE = SHARED / "reference"
# Loaded once per run and kept between tests (stance changes are not: they are emptied).
LEGISLATURE_TABLES = (
    "committee_memberships",
    "committees",
    "legislators",
    "districts",
)


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ["COLUMNS"] = "240"  # readable CLI tables on one line each, as on a wide terminal


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("HUBFLOW_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'hubflow-test.db'}"
    return url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = db.make_engine(database_url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    db.upgrade(database_url)
    with sessionmaker(engine, expire_on_commit=False)() as session:
        import_legislature(session, bundled())
    yield engine
    engine.dispose()


@pytest.fixture(autouse=True)
def settings_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[None]:
    """Settings for this test: its own outbox folder, the test database, no real email."""
    monkeypatch.setenv("HUBFLOW_OUTBOX_DIR", str(tmp_path / "outbox"))
    monkeypatch.setenv("HUBFLOW_EMAIL_BACKEND", "outbox")
    monkeypatch.setenv("HUBFLOW_SECRET_KEY", TEST_KEY)
    monkeypatch.setenv("HUBFLOW_BASE_URL", "http://hubflow.test")
    # The default campaign, whatever an earlier test (the demo, in-process) left set.
    monkeypatch.delenv("HUBFLOW_CAMPAIGN_FILE", raising=False)
    if "engine" in request.fixturenames:
        monkeypatch.setenv("HUBFLOW_DATABASE_URL", request.getfixturevalue("database_url"))
    get_settings.cache_clear()
    # Each test its own campaign and settings: nothing kept from the one before.
    KEPT.forget()
    LEDGER.forget()
    db.reset_engines()
    yield
    get_settings.cache_clear()
    db.reset_engines()
    reword({})  # the default campaign's words, whatever campaign the test ran


def _truncate(engine: Engine, *, keep: tuple[str, ...]) -> None:
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in keep]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
            if inspect(conn).has_table("sqlite_sequence"):
                conn.execute(text("DELETE FROM sqlite_sequence"))


@pytest.fixture
def clean_engine(engine: Engine) -> Iterator[Engine]:
    """The engine, with every Hub-side table emptied and stances reset after the test."""
    yield engine
    _truncate(engine, keep=LEGISLATURE_TABLES)
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE legislators SET stance = 'not_cosponsor' WHERE stance <> 'not_cosponsor'")
        )


@pytest.fixture
def sessions(clean_engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(clean_engine, expire_on_commit=False)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    with sessions() as session:
        yield session


@pytest.fixture
def fresh_legislature(engine: Engine) -> Iterator[Engine]:
    """Empty legislature tables for a test that imports; the bundled data is back after it."""
    _truncate(engine, keep=())
    yield engine
    _truncate(engine, keep=())
    with sessionmaker(engine, expire_on_commit=False)() as session:
        import_legislature(session, bundled())


@pytest.fixture
def reference() -> Path:
    """../shared/reference, or skip when it is not beside the checkout."""
    if not REFERENCE.is_dir():
        pytest.skip("../shared/reference is not present")
    return REFERENCE
