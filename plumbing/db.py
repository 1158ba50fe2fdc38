"""Engines and sessions, and bringing a database's schema up to date."""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from plumbing.private import make_private
from plumbing.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


# Set when this process commits new domain events: the relay, if it runs here, wakes at
# once instead of at its next poll (events written by other processes wait for the poll).
events_recorded = threading.Event()


@event.listens_for(Session, "do_orm_execute")
def _seen(state: Any) -> None:
    # Events are written with Core inserts (models/services/common.py: emit).
    table = getattr(state.statement, "table", None) if state.is_insert else None
    if table is not None and table.name == "domain_events":
        state.session.info["hubflow_events"] = True


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop("hubflow_events", False):
        events_recorded.set()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop("hubflow_events", None)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for hubflow: on SQLite, WAL, a busy timeout and write-first transactions."""
    # An error's message never carries the statement's values: they are people's names,
    # addresses and phones, and errors travel (logs, Prefect's task states, last_error).
    kwargs = {"hide_parameters": True, **kwargs}
    if "poolclass" not in kwargs:
        # Room for a dispatcher's sending threads plus its recorder and the web app.
        # Few idle connections kept; room for bursts (overflow connections close on return).
        kwargs = {"pool_size": 5, "max_overflow": 35, **kwargs}
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
    database = make_url(url).database
    file = Path(database) if database and database != ":memory:" else None

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, open transactions, so that writers can open them
        # IMMEDIATE: a reader that later writes would otherwise fail under contention.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # What is deleted or overwritten is zeroed, not left in free pages (forget).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            if file:  # people's details: the database and its journal for the owner only
                make_private(file, Path(f"{file}-wal"), Path(f"{file}-shm"))
        cursor.close()

    # SQLite has one writer at a time. Writers in this process queue on a lock here rather
    # than in SQLite's busy handler, which sleeps in steps of milliseconds.
    writer = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the lock up front; readers never block anyone under WAL.
        if not conn.get_execution_options().get("hubflow_write"):
            conn.exec_driver_sql("BEGIN")
            return
        if not writer.acquire(timeout=30):
            raise TimeoutError("no SQLite write lock within 30 s")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writer.release()
            raise
        conn.info["hubflow_writer"] = True

    def _end(conn: Any, finish: str) -> None:
        if conn.info.pop("hubflow_writer", False):
            try:  # finish the transaction before the next writer may begin
                getattr(conn.connection.dbapi_connection, finish)()
            finally:
                writer.release()

    event.listen(engine, "commit", lambda conn: _end(conn, "commit"))
    event.listen(engine, "rollback", lambda conn: _end(conn, "rollback"))

    return engine


def unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database itself is out of reach or locked (not that a row
    or a value was wrong): trying each item of a failed batch again would only wait again."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | TimeoutError)


_engines: dict[str, Engine] = {}


def error_words(exc: BaseException) -> str:
    """What a database error says, without the row it was writing: the statement's values
    are hidden (make_engine), and PostgreSQL's DETAIL, which quotes the failing row or key,
    is dropped. Safe to log, to keep beside an event, and to hand to Prefect."""
    lines = f"{type(exc).__name__}: {exc}".splitlines()
    kept = [line for line in lines if not line.lstrip().startswith(("DETAIL:", "[parameters:"))]
    return "\n".join(kept)


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for `url` (default: the configured database)."""
    url = url or get_settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def reset_engines() -> None:
    """Close every pooled connection and forget the engines (settings changed, tests)."""
    while _engines:
        _engines.popitem()[1].dispose()


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    return sessionmaker(bind=engine or get_engine(), expire_on_commit=False)


def alembic_config(url: str) -> Config:
    from alembic.config import Config  # only `init` and `serve` migrate: imported then

    # Alembic's default stream is whatever sys.stdout was when it was first imported.
    cfg = Config(stdout=sys.stdout)
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None) -> None:
    """Bring the database at `url` to the newest schema, creating it if empty."""
    from alembic import command

    url = url or get_settings().database_url
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url, poolclass=NullPool)  # nothing left open: the file may be copied
    try:
        analyze(engine)
    finally:
        engine.dispose()


def analyze(engine: Engine | None = None) -> None:
    """Give the query planner the tables' statistics (ANALYZE): after migrating, and each
    day's sweep. PostgreSQL's autovacuum also does it; SQLite only does it when asked, and
    without statistics it may read a submission index by state alone (50,000 Hubs: 40 ms
    where the Hub's own index takes 0.2)."""
    from sqlalchemy import text

    with (engine or get_engine()).connect().execution_options(hubflow_write=True) as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def ping() -> None:
    """Raise unless the configured database answers a trivial query."""
    from sqlalchemy import text

    with get_engine().connect() as conn:
        conn.execute(text("SELECT 1"))
