"""End-to-end: every kind of bad input gets a short message and writes nothing."""

from __future__ import annotations

import pytest

from storage.actions import list_open_items
from storage.audit import latest
from tests.conftest import COORD, GROUP, SSC_STAFF, STRANGER, World


def _nothing_written(world: World, audit_before: int) -> None:
    assert world.database.call(list_open_items, world.clock()) == []
    assert len(world.database.call(latest, 1000)) == audit_before


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/accion", "Uso: <code>/accion DEPENDENCIA FECHA texto</code>"),
        ("/accion SSC", "Uso: <code>/accion"),
        ("/accion SSC viernes", "Uso: <code>/accion"),
        ("/accion XYZ viernes Algo", "No conozco la dependencia <b>XYZ</b>"),
        ("/accion SSC nuncajamas Algo", "No entendí la fecha “nuncajamas”"),
        ("/accion SSC 31/02 Algo", "No entendí la fecha “31/02”"),
        ("/accion SSC ayer Algo", "La fecha “ayer” ya pasó"),
        ("/accion SSC 2020-01-01 Algo", "ya pasó"),
        ("/accion SSC 2030-01-01 Algo", "más de un año"),
        ("/accion SSC viernes " + "x" * 1001, "demasiado largo (máximo 1000"),
        ("/accion SSC viernes Llamar al 55 1234 5678", "número de teléfono"),
        ("/accion SSC viernes Ver a GOMC800101HDFRRR09", "CURP"),
        ("/accion SSC viernes escribir a alguien@correo.mx", "correo electrónico"),
        ("/accion SSC viernes Visitar Calle Lago Zurich 245", "domicilio"),
    ],
)
async def test_bad_action_commands(world: World, command: str, expected: str) -> None:
    world.seed()
    before = len(world.database.call(latest, 1000))
    text = await world.reply(COORD, GROUP, command)
    assert expected in text, text
    _nothing_written(world, before)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/avance", "Uso: <code>/avance N ESTADO"),
        ("/avance 1", "Uso: <code>/avance"),
        ("/avance uno hecha", "Uso: <code>/avance"),
        ("/avance 0 hecha", "Uso: <code>/avance"),
        ("/avance 99 hecha", "No existe la acción #99"),
        ("/avance 1 quizá", "Estado desconocido: “quizá”"),  # "terminada" is a status
        ("/avance 1 hecha " + "n" * 1001, "demasiado largo"),
        ("/avance 1 hecha contacto 5512345678", "teléfono"),
        ("/hecho", "Uso: <code>/hecho N"),
        ("/hecho x", "Uso: <code>/hecho N"),
        ("/hecho 12345678901", "Uso: <code>/hecho N"),
        ("/historial", "Uso: <code>/historial N"),
        ("/historial 99", "No existe la acción #99"),
        ("/acciones a b", "Uso: <code>/acciones"),
        ("/acciones XYZ", "No hay acciones abiertas"),
    ],
)
async def test_bad_update_commands(world: World, command: str, expected: str) -> None:
    world.seed()
    await world.send(COORD, COORD, "/accion SSC viernes Patrullaje")
    before = len(world.database.call(latest, 1000))
    text = await world.reply(COORD, COORD, command)
    assert expected in text, text
    assert len(world.database.call(latest, 1000)) == before
    assert world.database.call(list_open_items, world.clock())[0].status.value == "open"


async def test_mine_without_agency(world: World) -> None:
    world.seed()
    assert "No tienes una dependencia" in await world.reply(COORD, COORD, "/acciones mias")


async def test_unknown_command_in_private_gets_a_hint(world: World) -> None:
    world.seed()
    assert "/ayuda" in await world.reply(SSC_STAFF, SSC_STAFF, "/borrar_todo")
    assert "/ayuda" in await world.reply(STRANGER, STRANGER, "/foo bar")
    assert await world.send(COORD, GROUP, "/otro_bot_cmd") == []


async def test_internal_error_is_reported_not_raised(world: World, monkeypatch) -> None:
    """A bug in storage gives the user an apology; the test harness sees the exception."""
    world.seed()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("storage.actions.open_items_page", broken)
    text = await world.reply(COORD, COORD, "/acciones")
    assert "Algo falló de nuestro lado" in text
    assert [type(e) for e in world.driver.errors] == [RuntimeError]
    world.driver.errors.clear()


@pytest.mark.parametrize("language", ["en"])
async def test_bad_input_in_english(world: World) -> None:
    world.seed()
    assert "Usage: <code>/action AGENCY DUE text</code>" in await world.reply(
        COORD, COORD, "/action"
    )
    assert "I could not read the date “someday”" in await world.reply(
        COORD, COORD, "/action SSC someday Patrol"
    )
    assert "is in the past" in await world.reply(COORD, COORD, "/action SSC yesterday Patrol")
    assert "Action item #7 does not exist" in await world.reply(COORD, COORD, "/done 7")
    assert "Unknown status" in await world.reply(COORD, COORD, "/update 7 finished")
    assert "You are not registered" in await world.reply(STRANGER, STRANGER, "/actions")
    assert "phone number" in await world.reply(COORD, COORD, "/action SSC friday Call 5512345678")
