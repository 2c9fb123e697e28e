"""What the engine keeps out of error messages and out of SQLite's files (SQLite, and
PostgreSQL when configured): errors are logged with their traceback, files are copied."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.engine import Database, make_engine, truncate_wal

SECRET = "llamar a la señora 5512345678"


def _everything_said(exc: BaseException) -> str:
    """The error as a log line with ``exc_info`` shows it: message, traceback, causes."""
    return "".join(traceback.format_exception(exc))


def _failing(db_url: str, statement: str) -> DBAPIError:
    engine = make_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text("CREATE TABLE probe (k VARCHAR(60) UNIQUE, v INTEGER NOT NULL)")
            )
            connection.execute(text("INSERT INTO probe VALUES (:k, 1)"), {"k": SECRET})
            with pytest.raises(DBAPIError) as caught:
                connection.execute(text(statement), {"k": SECRET})
            connection.rollback()
        return caught.value
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO probe VALUES (:k, 2)",  # unique: PostgreSQL's DETAIL names the key
        "INSERT INTO probe VALUES (:k, NULL)",  # not null: "Failing row contains (…)"
    ],
)
def test_a_database_error_does_not_repeat_the_values(db_url: str, statement: str) -> None:
    error = _failing(db_url, statement)
    assert isinstance(error, IntegrityError)
    assert "5512345678" not in str(error)
    assert "5512345678" not in _everything_said(error)
    assert "parameters hidden" in str(error)  # still says which statement failed
    assert "probe" in str(error)


def test_sqlite_zeroes_what_it_deletes(database: Database) -> None:
    if database.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite pragma")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA secure_delete")).scalar() == 1


def test_truncate_wal_empties_the_log(database: Database) -> None:
    def write(session) -> None:
        session.execute(text("CREATE TABLE probe (k VARCHAR(60))"))
        session.execute(text("INSERT INTO probe VALUES (:k)"), {"k": SECRET})
        session.execute(text("DELETE FROM probe"))

    database.call(write)
    assert database.call(truncate_wal) is True  # PostgreSQL: nothing to do, nothing refused
    if database.engine.dialect.name != "sqlite":
        return
    db = Path(database.engine.url.database or "")
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert SECRET.encode() not in db.read_bytes()
