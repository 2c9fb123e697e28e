"""End-to-end: members and their removal, the audit log, and refusals."""

from __future__ import annotations

import re

import pytest

from tests.conftest import COORD, FGJ_STAFF, GROUP, OTHER_GROUP, SSC_STAFF, World


async def test_members_and_immediate_removal(world: World) -> None:
    world.seed()
    text = await world.reply(COORD, COORD, "/integrantes")
    assert "Integrantes activos: 4" in text and "Enlace SSC" in text
    number = re.search(r"N\.º (\d+)</b> · Enlace SSC", text).group(1)
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    assert "Avance registrado" in await world.reply(SSC_STAFF, SSC_STAFF, "/avance 1 en_curso")
    text = await world.reply(COORD, COORD, f"/miembro baja {number}")
    assert "Enlace SSC fue dado de baja" in text
    # At once: the next command is refused, and so is a button press.
    assert "No estás registrado" in await world.reply(SSC_STAFF, SSC_STAFF, "/hecho 1")
    assert "Integrantes activos: 3" in await world.reply(COORD, COORD, "/integrantes")
    assert "No hay un integrante activo" in await world.reply(
        COORD, COORD, f"/miembro baja {number}"
    )
    assert "Uso: <code>/miembro baja N" in await world.reply(COORD, COORD, "/miembro quitar")
    assert "no permite" in await world.reply(FGJ_STAFF, FGJ_STAFF, "/integrantes")
    own = re.search(
        r"N\.º (\d+)</b> · Coordinación", await world.reply(COORD, COORD, "/integrantes")
    ).group(1)
    assert "No puedes darte de baja" in await world.reply(COORD, COORD, f"/miembro baja {own}")


async def test_audit_shows_who_did_what(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    await world.send(SSC_STAFF, SSC_STAFF, "/hecho 1 listo")
    text = await world.reply(COORD, COORD, "/auditoria 2")
    assert "Últimos 2 cambios" in text
    lines = text.splitlines()[1:]
    assert "Enlace SSC" in lines[0] and "item.update" in lines[0]
    assert "Coordinación" in lines[1] and "item.create" in lines[1]
    assert "Uso: <code>/auditoria" in await world.reply(COORD, COORD, "/auditoria todo")
    assert "no permite" in await world.reply(SSC_STAFF, SSC_STAFF, "/auditoria")
    assert len((await world.reply(COORD, COORD, "/auditoria 500")).splitlines()) <= 51


@pytest.mark.parametrize("language", ["en"])
async def test_members_in_english(world: World) -> None:
    world.seed()
    assert "Active members: 4" in await world.reply(COORD, COORD, "/members")
    assert "Latest" in await world.reply(COORD, COORD, "/audit")


async def test_bot_leaves_a_group_a_stranger_added_it_to(world: World) -> None:
    world.seed()
    await world.send(COORD, COORD, "/ayuda")  # the coordinator can be told privately
    sent = await world.driver.add_bot(SSC_STAFF, OTHER_GROUP)
    assert OTHER_GROUP in world.api.left
    assert [s.chat_id for s in sent] == [COORD]
    assert "salí de inmediato" in sent[0].text


async def test_unregistered_group_is_left_after_ten_minutes(world: World) -> None:
    from bot.services.housekeeping import housekeeping

    world.seed()
    await world.send(COORD, COORD, "/ayuda")
    sent = await world.driver.add_bot(COORD, OTHER_GROUP)
    assert "10 minutos" in sent[0].text and OTHER_GROUP not in world.api.left
    world.clock.advance(minutes=9)
    await housekeeping(world.driver.app)
    assert OTHER_GROUP not in world.api.left
    world.clock.advance(minutes=2)
    before = len(world.api.sent)
    await housekeeping(world.driver.app)
    assert OTHER_GROUP in world.api.left
    assert "nadie lo registró" in world.api.sent[before].text


async def test_registered_in_time_the_bot_stays(world: World) -> None:
    from bot.services.housekeeping import housekeeping

    world.seed()
    await world.driver.add_bot(COORD, OTHER_GROUP)
    await world.send(COORD, OTHER_GROUP, "/configurar Olivar")
    world.clock.advance(minutes=30)
    await housekeeping(world.driver.app)
    assert OTHER_GROUP not in world.api.left
    # Added again to a group that is registered: nothing to say.
    assert await world.driver.add_bot(SSC_STAFF, GROUP) == []
