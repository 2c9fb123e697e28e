"""Need to know, tried as an attacker would: item detail only to coordinators and the owning
agency, only in private; a group sees only its own sectors; buttons work only where the bot
put them; observers and groups get counts, never free text."""

from __future__ import annotations

import io

import pandas as pd

from tests.conftest import COORD, FGJ_STAFF, GROUP, OBSERVER, OTHER_GROUP, SSC_STAFF, World

SECRET = "Visita confidencial"


async def _two_groups(world: World) -> None:
    """Plateros (GROUP) with an SSC item carrying a note; Tlatelolco (OTHER_GROUP) with an
    FGJ item of its own."""
    world.seed()
    await world.send(COORD, COORD, "/ayuda")
    await world.send(COORD, OTHER_GROUP, "/configurar Tlatelolco")
    await world.send(COORD, GROUP, f"/accion SSC viernes {SECRET}")
    await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 en_curso nota reservada")
    await world.send(COORD, OTHER_GROUP, "/accion FGJ viernes Carpeta de Tlatelolco")
    await world.send(COORD, GROUP, "/incidente tipo=lesiones fecha=ayer")


async def test_history_only_in_private_to_who_needs_it(world: World) -> None:
    await _two_groups(world)
    for chat in (GROUP, OTHER_GROUP):  # even the coordinator, even in the item's own group
        text = await world.reply(COORD, chat, "/historial 1")
        assert "chat privado" in text and SECRET not in text and "reservada" not in text
    assert "nota reservada" in await world.reply(COORD, COORD, "/historial 1")
    assert "nota reservada" in await world.reply(SSC_STAFF, SSC_STAFF, "/historial 1")
    assert "tu dependencia" in await world.reply(FGJ_STAFF, FGJ_STAFF, "/historial 1")
    text = await world.reply(OBSERVER, OBSERVER, "/historial 1")
    assert "conteos" in text and SECRET not in text


async def test_lists_in_groups_and_to_observers_are_counts(world: World) -> None:
    await _two_groups(world)
    text = await world.reply(COORD, GROUP, "/acciones")
    assert "<b>SSC</b>: 1 abiertas" in text and "FGJ" not in text  # its own items only
    assert SECRET not in text
    text = await world.reply(OBSERVER, OBSERVER, "/acciones")
    assert "<b>SSC</b>" in text and "<b>FGJ</b>" in text and SECRET not in text
    assert SECRET in await world.reply(COORD, COORD, "/acciones")


def _raw(message, data: str) -> str:
    """The signed data of the button meaning ``data`` under ``message``."""
    pairs = zip(message.buttons, message.raw_buttons, strict=True)
    [raw] = [r for (_, b), (_, r) in pairs if b == data]
    return raw


def _text(world: World, chat: int, message_id: int) -> str:
    return world.api.messages[(chat, message_id)]["text"]


async def test_a_pager_replayed_into_a_group_shows_nothing(world: World) -> None:
    await _two_groups(world)
    for n in range(20):  # two pages in the coordinator's private list
        await world.send(COORD, COORD, f"/accion SSC viernes Tarea {n}")
    [listing] = await world.send(COORD, COORD, "/acciones")
    next_page = _raw(listing, "ls:all:1")
    [in_group] = await world.send(COORD, GROUP, "/acciones")  # the group's own counts
    before = _text(world, GROUP, in_group.message_id)
    assert await world.driver.press_raw(COORD, in_group, next_page) == []
    assert "ya no es válido" in world.answer
    assert _text(world, GROUP, in_group.message_id) == before
    # Pressed where it was issued, it works.
    await world.driver.press_raw(COORD, listing, next_page)
    assert "Tarea 19" in _text(world, COORD, listing.message_id)


async def test_a_status_button_replayed_under_another_chats_message(world: World) -> None:
    await _two_groups(world)
    [card] = await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 en_curso")
    done = _raw(card, "st:1:done")
    [victim] = await world.send(COORD, OTHER_GROUP, "/acciones")
    before = _text(world, OTHER_GROUP, victim.message_id)
    await world.driver.press_raw(COORD, victim, done)
    assert "ya no es válido" in world.answer
    assert _text(world, OTHER_GROUP, victim.message_id) == before  # not rewritten
    assert "Hecha" not in await world.reply(COORD, COORD, "/historial 1")  # nothing recorded
    await world.driver.press_raw(SSC_STAFF, card, done)  # where it was issued: recorded
    assert "Hecha" in await world.reply(COORD, COORD, "/historial 1")


async def _export(world: World, user: int, chat: int, kind: str) -> pd.DataFrame:
    [sent] = await world.send(user, chat, f"/exportar {kind}")
    assert sent.method == "sendDocument"
    return pd.read_csv(io.BytesIO(sent.uploads[0].content), encoding="utf-8-sig")


async def test_exports_follow_the_need_to_know(world: World) -> None:
    await _two_groups(world)
    full = await _export(world, COORD, COORD, "acciones")  # the coordinator, in private
    assert set(full["text"]) == {SECRET, "Carpeta de Tlatelolco"}
    notes = await _export(world, COORD, COORD, "avances")
    assert "nota reservada" in set(notes["note"])
    in_group = await _export(world, COORD, GROUP, "acciones")  # the group's sectors, no text
    assert list(in_group["id"]) == [1] and "text" not in in_group.columns
    assert "note" not in (await _export(world, COORD, GROUP, "avances")).columns
    assert len(await _export(world, COORD, OTHER_GROUP, "incidentes")) == 0
    assert len(await _export(world, COORD, GROUP, "incidentes")) == 1
    panel = await _export(world, COORD, OTHER_GROUP, "panel")
    assert set(panel["sector"]) == {"Tlatelolco"}
    observed = await _export(world, OBSERVER, OBSERVER, "acciones")
    assert len(observed) == 2 and "text" not in observed.columns
    assert "note" not in (await _export(world, OBSERVER, OBSERVER, "avances")).columns
