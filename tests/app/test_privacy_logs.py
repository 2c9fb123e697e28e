"""What users type stays out of the logs even when the database refuses a statement: the
error handler logs the error with its traceback at ERROR, where log collectors keep it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from storage.models.items import ActionItem
from tests.conftest import COORD, GROUP, World


async def test_a_failed_insert_logs_no_user_text(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    world.seed()

    def refused_by_the_database(session, actor, *, text: str, **kwargs: object) -> None:
        # A row missing its required columns: SQLite names the column; PostgreSQL's DETAIL
        # would repeat the row, text included ("Failing row contains (…)").
        session.execute(insert(ActionItem).values(text=text))

    monkeypatch.setattr("storage.actions.create_item", refused_by_the_database)
    caplog.set_level(logging.ERROR)
    answer = await world.reply(COORD, GROUP, "/accion SSC viernes Recorrido por Xochipilli")
    assert "Algo falló de nuestro lado" in answer
    assert [type(e) for e in world.driver.errors] == [IntegrityError]
    world.driver.errors.clear()
    [record] = [r for r in caplog.records if r.name == "ceasefire.errors"]
    assert record.exc_info is not None
    logged = caplog.text  # message and formatted traceback, causes included
    assert "action_item" in logged and "parameters hidden" in logged
    assert "Xochipilli" not in logged
