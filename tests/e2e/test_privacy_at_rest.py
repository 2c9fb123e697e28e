"""No personal data at rest by accident: a refused text is nowhere in the database, and a
processed update keeps no payload (polling and webhook share the intake)."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import SQLModel

from tests.conftest import COORD, GROUP, SSC_STAFF, World


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
