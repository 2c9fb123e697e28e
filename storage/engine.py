"""The database engine, and the one way handlers reach it: sync sessions in a worker thread.

We chose synchronous SQLAlchemy sessions run off the event loop (rather than the asyncio
engine) so that repository functions are plain functions that Alembic, tests, the CLI and
pandas can all call directly, and the same SQL runs on SQLite and PostgreSQL. ``Database.run``
is the only bridge from async code; it opens one transaction per call. Code outside
``storage`` names the session type as ``storage.engine.Session`` and only hands it on to
repository functions: it never imports SQLAlchemy itself.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext, make_url
from sqlmodel import Session as Session  # the type repository functions take

T = TypeVar("T")

MIGRATIONS = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    """Map ``postgres://``/``postgresql://`` to the psycopg 3 driver we ship with."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _tune_sqlite(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # One writer at a time: WAL lets readers continue, the busy timeout queues writers.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a commit survives a crash of the bot; only a power cut can lose the
    # last commits (the documented SQLite trade-off). FULL would fsync every command.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    # Deleted or overwritten content (a refused update's payload, anonymised text) is zeroed
    # instead of left in free space; ``truncate_wal`` then drops the old page versions.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


WROTE = "ceasefire.wrote"  # ``Connection.info`` key: a statement of this step changed rows


def _note_write(  # SQLAlchemy's event signature
    conn: Any, _cursor: object, statement: str, _params: object, context: Any, _many: bool
) -> None:
    """Flag the connection when a statement may have written (``storage.intake.run_step``
    stores a step's result only then): DML, or anything that is not a plain query."""
    if (
        context.isinsert
        or context.isupdate
        or context.isdelete
        or statement.lstrip()[:6].upper() != "SELECT"
    ):
        conn.info[WROTE] = True


def _hide_row_values(context: ExceptionContext) -> None:
    """Drop PostgreSQL's DETAIL line from a driver error: it repeats the row's values ("Key
    (text)=(…) already exists", "Failing row contains (…)"), user text that the error
    handlers would log with the traceback. ``hide_parameters`` covers the parameters only."""
    orig = context.original_exception
    detail = getattr(getattr(orig, "diag", None), "message_detail", None)
    if not detail:
        return
    hidden = "[row values hidden]"
    errors = (orig, context.sqlalchemy_exception)
    for error in errors:  # the wrapped error's message and its cause's, both logged
        if error is not None and error.args and isinstance(error.args[0], str):
            error.args = (error.args[0].replace(detail, hidden), *error.args[1:])


def make_engine(url: str) -> Engine:
    """The project's engine. ``hide_parameters``: an error's message never carries the
    statement's parameters (an item's text, a decision), since errors are logged."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _tune_sqlite)
    else:
        engine = create_engine(
            url, pool_pre_ping=True, pool_size=5, max_overflow=5, hide_parameters=True
        )
        event.listen(engine, "handle_error", _hide_row_values)
    event.listen(engine, "after_cursor_execute", _note_write)
    return engine


def truncate_wal(session: Session) -> bool:
    """On SQLite, copy the write-ahead log into the database file and empty it: until then
    the log keeps every page version written, a refused update's payload included, even
    after the row was cleared (``secure_delete`` only zeroes the current pages). False if a
    reader kept it from completing (the next run tries again); True elsewhere (PostgreSQL
    keeps dead row versions until (auto)vacuum, which the server schedules)."""
    if session.get_bind().dialect.name != "sqlite":
        return True
    busy, _log, _done = session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).one()
    return not busy


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


# ``pg_advisory_lock`` key of migrations (the bytes of "ceasefir"): one per database, so
# every schema of a PostgreSQL database shares it and their upgrades take turns.
MIGRATION_LOCK = 0x6365617365666972


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (``ceasefire db upgrade`` and ``run`` call this).

    On PostgreSQL, instances started together would otherwise all find the schema old and
    create the same tables at once (the losers fail with "already exists"): a session-level
    advisory lock, held on its own connection across the upgrade, lets one migrate while the
    others wait and then find nothing left to do. SQLite has one writer and no such lock.
    """
    if engine.dialect.name != "postgresql":
        command.upgrade(alembic_config(engine), revision)
        return
    # Autocommit: the lock belongs to the session, and the connection holding it must not
    # sit idle in a transaction for the whole upgrade.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as lock:
        lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
        try:
            command.upgrade(alembic_config(engine), revision)
        finally:
            lock.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})


def _with_engine(url: str, action: Callable[[Engine], None]) -> None:
    """``action`` on a short-lived engine for ``url`` (command-line tools)."""
    engine = make_engine(url)
    try:
        action(engine)
    finally:
        engine.dispose()


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the latest schema (the CLI's first step)."""
    _with_engine(url, upgrade)


def ping(engine: Engine) -> None:
    """Raise the driver's error unless the database answers ``SELECT 1``."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def check_connection(url: str) -> None:
    """``ping`` a database by URL (``ceasefire check-config``); raises the driver's error."""
    _with_engine(url, ping)


def url_parts(url: str) -> dict[str, Any]:
    """The driver, host, port, user and database name of a URL (for operator messages)."""
    parsed = make_url(url)
    return {
        "driver": parsed.drivername.split("+")[0],
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "database": parsed.database,
    }


def sqlite_backup(url: str, output: str) -> bool:
    """Copy a SQLite database with the online backup API (consistent while the bot runs);
    False, and nothing written, if ``url`` is not a SQLite database."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    source = sqlite3.connect(parsed.database or "")
    target = sqlite3.connect(output)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()
    return True


class Database:
    """Owns the engine and the worker thread(s) that run repository functions."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        # SQLite has one writer: a single worker serialises access instead of
        # letting threads fight over the lock.
        workers = 1 if self.engine.dialect.name == "sqlite" else 4
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="db")

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(session, *args)`` in one transaction, synchronously."""
        with self.session() as session, session.begin():
            return fn(session, *args, **kwargs)

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(session, *args)`` in one transaction on the database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, lambda: self.call(fn, *args, **kwargs))

    def dry_run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(session, *args)`` in a transaction that is rolled back: what it would
        write is visible to ``fn`` and to nobody else (``ceasefire reminders preview``)."""
        with self.session() as session:
            transaction = session.begin()
            try:
                return fn(session, *args, **kwargs)
            finally:
                transaction.rollback()

    def reachable(self) -> bool:
        """Whether the database answers now (the health check)."""
        try:
            ping(self.engine)
        except Exception:  # any driver error means "not reachable"
            return False
        return True

    def upgrade(self) -> None:
        upgrade(self.engine)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.engine.dispose()
