"""No personal data at rest by accident: a refused text is nowhere in the database, and a
processed update keeps no payload (polling and webhook share the intake)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import SQLModel

from tests.conftest import COORD, GROUP, OTHER_GROUP, SSC_STAFF, World


def everything_stored(world: World) -> str:
    """Every value of every table, as one string (the database, as an attacker would dump it)."""

    def dump(session) -> str:
        values = []
        for table in SQLModel.metadata.sorted_tables:
            for row in session.execute(select(table)):
                values.extend(repr(value) for value in row)
        return "\n".join(values)

    return world.database.call(dump)


async def test_a_refused_text_is_nowhere_in_the_database(world: World) -> None:
    world.seed()
    for user, chat, text, refusal in (
        (COORD, GROUP, "/accion SSC viernes llamar al 55 1234 5678 de la madre", "teléfono"),
        (SSC_STAFF, SSC_STAFF, "/accion SSC viernes de la madre", "no permite"),  # by role
        (
            COORD,
            GROUP,
            '/incidente tipo=lesiones fecha=ayer lugar="Calle Tecolotes 45"',
            "domicilio",
        ),
    ):
        assert refusal in await world.reply(user, chat, text)
    stored = everything_stored(world)
    for needle in ("1234 5678", "Tecolotes", "de la madre"):
        assert needle not in stored
    assert "viernes" not in stored  # no payload of a processed update is kept


async def test_what_was_saved_stays_and_only_there(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje nocturno")
    stored = everything_stored(world)
    assert stored.count("Patrullaje nocturno") == 1  # the item, not also the update payload


async def test_every_stored_free_text_field_runs_the_guard(world: World) -> None:
    """Item text, notes, incident place and notes (typed, asked for, edited), decisions,
    agency and sector names: each refuses personal data with the kind it saw, and stores
    nothing of it."""
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje nocturno")
    await world.send(COORD, GROUP, '/incidente tipo=lesiones fecha=ayer lugar="Cuadrante 4"')
    await world.send(COORD, GROUP, "/revision inicio")
    attempts = (
        (COORD, GROUP, "/accion SSC viernes ubicar a alias El Chino", "alias o apodo"),
        (
            SSC_STAFF,
            SSC_STAFF,
            "/avance 1 en_curso ver CI-FIZP/IZP-3/UI-1 C/D/01234/11-2024",
            "carpeta de investigación",
        ),
        (SSC_STAFF, SSC_STAFF, "/hecho 1 avisar a juan arroba gmail punto com", "correo"),
        (COORD, GROUP, '/incidente tipo=lesiones fecha=ayer notas="tel 5634 1234"', "teléfono"),
        (COORD, GROUP, '/incidente_editar PLA-2026-001 lugar="Mz 3 Lt 14"', "domicilio"),
        (COORD, GROUP, "/incidente_editar PLA-2026-001 notas=GOMJ-850101-HDFRRN-09", "CURP"),
        (COORD, GROUP, "/decision visitar Periférico Sur 4020", "domicilio"),
        (COORD, COORD, '/dependencia alta SIB Apoyo a "El Güero"', "alias o apodo"),
        (COORD, GROUP, "/configurar Plateros, Cda. de los Pinos 12", "domicilio"),
    )
    for user, chat, text, refusal in attempts:
        assert refusal in await world.reply(user, chat, text), text
    stored = everything_stored(world)
    for needle in ("Chino", "01234", "juan", "5634", "Lt 14", "GOMJ", "4020", "Güero", "Pinos"):
        assert needle not in stored


async def test_a_group_title_with_personal_data_is_not_stored(world: World) -> None:
    from storage.groups import get_group

    world.seed()
    world.api.add_group(OTHER_GROUP, "Familia López 55 1234 5678")
    await world.reply(COORD, OTHER_GROUP, "/configurar Plateros")
    assert world.database.call(get_group, OTHER_GROUP).title == ""
    assert "1234 5678" not in everything_stored(world)


async def test_a_refused_text_leaves_no_bytes_in_the_sqlite_files(world: World) -> None:
    """Not in a dump, and not in the files either: the payload stored before processing was
    zeroed when cleared (``secure_delete``), and housekeeping empties the write-ahead log,
    which kept the page as first written."""
    from pathlib import Path

    import pytest

    from bot.services.housekeeping import housekeeping

    if world.database.engine.dialect.name != "sqlite":
        pytest.skip("about SQLite's files; PostgreSQL's dead rows wait for (auto)vacuum")
    world.seed()
    marker = b"55 1234 5678"
    refusal = await world.reply(COORD, GROUP, "/accion SSC viernes llamar al 55 1234 5678")
    assert "teléfono" in refusal
    db = Path(world.database.engine.url.database or "")
    files = (db, db.with_name(db.name + "-wal"))

    def raw() -> bytes:
        return b"".join(f.read_bytes() for f in files if f.exists())

    assert marker in raw()  # the test sees the files the bot writes
    await housekeeping(world.driver.app)
    assert marker not in raw()
