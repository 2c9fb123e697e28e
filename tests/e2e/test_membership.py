"""End-to-end: /start, /help, /setup, /agency, /invite and /join, with their refusals."""

from __future__ import annotations

import re

import pytest

from storage.audit import latest
from storage.groups import get_group, group_sectors
from storage.members import list_members
from tests.conftest import COORD, GROUP, OBSERVER, OTHER_GROUP, SSC_STAFF, STRANGER, World

INVITE_RE = re.compile(r"https://t\.me/alto_al_fuego_bot\?start=([A-Z0-9]{10})")


async def _invite(world: World, args: str) -> str:
    text = await world.reply(COORD, COORD, f"/invitar {args}")
    match = INVITE_RE.search(text)
    assert match, text
    return match.group(1)


async def test_help_depends_on_role(world: World) -> None:
    world.seed()
    stranger = await world.reply(STRANGER, STRANGER, "/start")
    assert "Aún no estás registrado" in stranger
    assert "/accion" not in stranger and "/ayuda" in stranger
    coord = await world.reply(COORD, COORD, "/ayuda")
    assert "coordinación" in coord and "/accion (/action)" in coord and "/invitar" in coord
    staff = await world.reply(SSC_STAFF, SSC_STAFF, "/help")
    assert "(SSC)" in staff and "/avance" in staff and "/accion (" not in staff
    observer = await world.reply(OBSERVER, OBSERVER, "/ayuda")
    assert "solo lectura" in observer and "/avance" not in observer and "/acciones" in observer


@pytest.mark.parametrize("language", ["en"])
async def test_help_in_english(world: World) -> None:
    text = await world.reply(STRANGER, STRANGER, "/help")
    assert "You are not registered yet" in text and "/help (/ayuda)" in text


async def test_setup_registers_group_and_unregistered_groups_are_ignored(world: World) -> None:
    # Before /setup the group is ignored, except /setup and /help.
    assert await world.send(COORD, GROUP, "/acciones") == []
    assert len(await world.send(COORD, GROUP, "/ayuda")) == 1
    text = await world.reply(COORD, GROUP, "/configurar Plateros, Álvaro  Obregón,plateros")
    assert "Grupo registrado" in text and "Plateros, Álvaro Obregón" in text
    group = world.database.call(get_group, GROUP)
    assert world.database.call(group_sectors, group.id) == ["Plateros", "Álvaro Obregón"]
    text = await world.reply(COORD, GROUP, "/configurar Plateros")
    assert "actualizados" in text
    assert world.database.call(group_sectors, group.id) == ["Plateros"]
    assert world.database.call(get_group, OTHER_GROUP) is None
    assert await world.send(COORD, OTHER_GROUP, "/accion SSC hoy x") == []


async def test_setup_refusals(world: World) -> None:
    world.seed()
    assert "Uso: <code>/configurar" in await world.reply(COORD, OTHER_GROUP, "/configurar")
    assert "dentro del grupo" in await world.reply(COORD, COORD, "/configurar Plateros")
    # A non-coordinator in an unregistered group is told why; nothing is registered.
    assert "no permite" in await world.reply(SSC_STAFF, OTHER_GROUP, "/configurar Plateros")
    assert "No estás registrado" in await world.reply(STRANGER, OTHER_GROUP, "/setup X")
    assert world.database.call(get_group, OTHER_GROUP) is None


async def test_agency_add_and_list(world: World) -> None:
    assert "Aún no hay dependencias" in await world.reply(COORD, COORD, "/dependencia")
    text = await world.reply(COORD, COORD, "/dependencia alta sibiso Secretaría de Bienestar")
    assert "<b>SIBISO</b> — Secretaría de Bienestar" in text
    assert "ya existe" in await world.reply(COORD, COORD, "/agency add SIBISO Otra")
    assert "no válido" in await world.reply(COORD, COORD, "/agency add S! Nombre")
    assert "Uso:" in await world.reply(COORD, COORD, "/dependencia alta SOLO")
    assert "Uso:" in await world.reply(COORD, COORD, "/dependencia borrar SSC")
    text = await world.reply(COORD, COORD, "/dependencia lista")
    assert "<b>SIBISO</b>" in text
    assert "No estás registrado" in await world.reply(STRANGER, STRANGER, "/dependencia lista")
    too_long = "x" * 121
    assert "demasiado largo" in await world.reply(COORD, COORD, f"/agency add INJ {too_long}")
    assert "teléfono" in await world.reply(COORD, COORD, "/agency add INJ Tel 55 1234 5678")


async def test_agency_member_cannot_add_agency(world: World) -> None:
    world.seed()
    assert "no permite" in await world.reply(SSC_STAFF, SSC_STAFF, "/dependencia alta X Nueva")
    assert "<b>SSC</b>" in await world.reply(SSC_STAFF, SSC_STAFF, "/dependencia lista")


async def test_invite_deep_link_joins_once(world: World) -> None:
    world.seed()
    code = await _invite(world, "FGJ")
    newcomer = 606
    world.api.add_user(newcomer, "Nuevo enlace FGJ")
    text = await world.reply(newcomer, newcomer, f"/start {code}")
    assert "enlace de dependencia" in text and "Fiscalía General de Justicia" in text
    members = world.database.call(list_members)
    assert any(m.telegram_id == newcomer and a and a.code == "FGJ" for m, a in members)
    # Single use: a second person cannot reuse it, the first cannot rejoin.
    world.api.add_user(707, "Otra persona")
    assert "ya se usó" in await world.reply(707, 707, f"/unirse {code}")
    assert "Ya formas parte" in await world.reply(newcomer, newcomer, f"/start {code}")
    assert "member.join" in [a.action for a in world.database.call(latest, 5)]


async def test_invite_roles_and_expiry(world: World) -> None:
    world.seed()
    observer_code = await _invite(world, "observador")
    world.api.add_user(808, "Evaluadora")
    assert "observación" in await world.reply(808, 808, f"/join {observer_code}")
    assert "no permite" in await world.reply(808, 808, "/accion SSC hoy X")
    coord_code = await _invite(world, "SSC coordinador")
    world.clock.advance(days=7, seconds=1)
    world.api.add_user(909, "Tarde")
    assert "venció" in await world.reply(909, 909, f"/unirse {coord_code}")
    assert "no existe" in await world.reply(909, 909, "/unirse ABCDEFGHJK")
    assert "Uso: <code>/unirse" in await world.reply(909, 909, "/unirse a-b")
    assert "Uso: <code>/unirse" in await world.reply(909, 909, "/unirse")


async def test_invite_refusals(world: World) -> None:
    world.seed()
    assert "No conozco la dependencia <b>XYZ</b>" in await world.reply(COORD, COORD, "/invitar XYZ")
    assert "Uso: <code>/invitar" in await world.reply(COORD, COORD, "/invitar SSC jefe")
    assert "Uso: <code>/invitar" in await world.reply(COORD, COORD, "/invitar")
    assert "chat privado" in await world.reply(COORD, GROUP, "/invitar SSC")
    assert "no permite" in await world.reply(SSC_STAFF, SSC_STAFF, "/invitar SSC")
    # /join with a code in a group is refused (the code would be exposed) and not consumed.
    code = await _invite(world, "SSC")
    assert "chat privado" in await world.reply(STRANGER, GROUP, f"/unirse {code}")
    assert "Listo" in await world.reply(STRANGER, STRANGER, f"/unirse {code}")


async def test_configured_coordinator_is_created_on_first_use(world: World) -> None:
    text = await world.reply(COORD, COORD, "/ayuda")
    assert "coordinación" in text
    members = world.database.call(list_members)
    assert [(m.telegram_id, m.role) for m, _ in members] == [(COORD, "coordinator")]


async def test_members_do_not_see_join_in_help(world: World) -> None:
    world.seed()
    assert "/unirse" not in await world.reply(SSC_STAFF, SSC_STAFF, "/ayuda")
    assert "/unirse" in await world.reply(STRANGER, STRANGER, "/ayuda")


async def test_sector_names_pass_the_privacy_guard(world: World) -> None:
    text = await world.reply(COORD, GROUP, "/configurar Calle Lago Zurich 245")
    assert "domicilio" in text
    assert world.database.call(get_group, GROUP) is None


@pytest.mark.parametrize("language", ["en"])
async def test_membership_in_english(world: World) -> None:
    text = await world.reply(COORD, GROUP, "/setup Plateros")
    assert "Group registered as a coordination group. Sectors: <b>Plateros</b>." in text
    text = await world.reply(COORD, COORD, "/agency add SSC Citizen Security")
    assert "Agency added: <b>SSC</b> — Citizen Security" in text
    assert "<b>SSC</b>" in await world.reply(COORD, COORD, "/agency list")
    assert "already exists" in await world.reply(COORD, COORD, "/agency add SSC Again")
    text = await world.reply(COORD, COORD, "/invite SSC")
    assert "Invite code:" in text and "single use" in text
    code = INVITE_RE.search(text).group(1)
    assert "Use this command in a private chat" in await world.reply(
        SSC_STAFF, GROUP, f"/join {code}"
    )
    text = await world.reply(SSC_STAFF, SSC_STAFF, f"/join {code}")
    assert "you are now on the team as <b>agency focal point</b>" in text
    assert "has already been used" in await world.reply(STRANGER, STRANGER, f"/start {code}")
    assert "Unknown agency <b>XYZ</b>" in await world.reply(COORD, COORD, "/invite XYZ")
    assert "Your role does not allow" in await world.reply(SSC_STAFF, SSC_STAFF, "/invite SSC")


async def test_button_in_unregistered_group_is_answered_silently(world: World) -> None:
    world.seed()
    message = world.api.message_update(COORD, OTHER_GROUP, "hola")["message"]
    from fakegram import Sent

    fake = Sent("sendMessage", OTHER_GROUP, message["message_id"], "hola")
    assert await world.press(COORD, fake, "st:1:done") == []
    assert world.api.callback_answers[-1].keys() == {"callback_query_id"}
