"""Several instances starting at once on one fresh PostgreSQL schema: the migrations' advisory
lock lets one migrate while the others wait, so every start succeeds.

Instances are processes, as in production: Alembic's ``context`` and ``op`` are module-level
proxies, so concurrent upgrades in threads of one process would share them and tangle.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.synchronize import Barrier

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlmodel import SQLModel

from storage.engine import alembic_config, make_engine, ping, upgrade
from tests.conftest import PG_URL

INSTANCES = 6


def _start(url: str, barrier: Barrier, errors: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """One instance: connected beforehand, so that every upgrade begins at the same instant."""
    engine = make_engine(url)
    try:
        ping(engine)
        barrier.wait()
        upgrade(engine)
    except Exception as exc:  # reported to the test, which asserts there is none
        errors.put(repr(exc)[:300])
    finally:
        engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only (CEASEFIRE_TEST_POSTGRES_URL)")
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_instances_starting_together_migrate_once(db_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")  # clean children, not forks of this process
    barrier, errors = spawn.Barrier(INSTANCES), spawn.Queue()
    processes = [
        spawn.Process(target=_start, args=(db_url, barrier, errors)) for _ in range(INSTANCES)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        if process.is_alive():  # hung: fail, and leave nothing running
            process.kill()
            process.join()
    failures = []
    while not errors.empty():
        failures.append(errors.get())
    assert failures == []
    assert [p.exitcode for p in processes] == [0] * INSTANCES
    engine = make_engine(db_url)
    try:
        head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            assert [v for (v,) in versions] == [head]
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    finally:
        engine.dispose()
