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
    assert "<b>SSC</b>: 1 abierta" in text and "FGJ" not in text  # its own items only
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
    sent, *codebook = await world.send(user, chat, f"/exportar {kind}")  # the panel's, beside
    assert sent.method == "sendDocument" and len(codebook) == (kind == "panel")
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
    world.clock.advance(days=7)  # a complete week the groups cover: the panel has rows
    panel = await _export(world, COORD, OTHER_GROUP, "panel")
    assert set(panel["sector"]) == {"Tlatelolco"}
    observed = await _export(world, OBSERVER, OBSERVER, "acciones")
    assert len(observed) == 2 and "text" not in observed.columns
    assert "note" not in (await _export(world, OBSERVER, OBSERVER, "avances")).columns


async def test_nothing_the_bot_sends_to_a_group_carries_item_text_or_notes(world: World) -> None:
    """A week in the group: replies, the review's agenda and steps, the minutes, /agenda,
    reminders of a member who never started the bot, escalations. The item texts and the
    notes typed in private appear in none of the group's messages."""
    from tests.conftest import FGJ_STAFF

    await _two_groups(world)
    world.api.started.discard(FGJ_STAFF)  # FGJ's reminders fall back to the group
    await world.send(COORD, GROUP, "/reunion alta coordinacion jueves 17:00")
    await world.send(COORD, COORD, "/accion FGJ mañana Oficio reservado #PLA-2026-001")
    await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 bloqueada detalle sensible")
    await world.send(COORD, GROUP, "/agenda")
    await world.send(COORD, GROUP, "/revision inicio")
    await world.send(COORD, GROUP, "/revision siguiente")
    await world.send(SSC_STAFF, GROUP, "/avance 1 en_curso")
    await world.send(COORD, GROUP, "/revision fin")
    for _ in range(8):
        await world.sweep(hours=24)
    to_group = [s.text for s in world.api.sent if s.chat_id == GROUP]
    assert any("#1" in t for t in to_group) and any("#3" in t for t in to_group)
    for private in (SECRET, "nota reservada", "Oficio reservado", "detalle sensible"):
        assert not [t for t in to_group if private in t], private
    escalated = [s.text for s in world.api.sent if s.chat_id == COORD and "Escalamiento" in s.text]
    assert any("detalle sensible" in t for t in escalated)  # the coordinator's copy has it


async def test_a_group_changes_only_its_own_items(world: World) -> None:
    await _two_groups(world)
    text = await world.reply(COORD, GROUP, "/hecho 2")  # Tlatelolco's item, from Plateros
    assert "no es de este grupo" in text and "Tlatelolco" not in text
    assert "Hecha" not in await world.reply(COORD, COORD, "/historial 2")
    assert "Hecha" in await world.reply(COORD, OTHER_GROUP, "/hecho 2")  # in its own group


async def test_a_button_replayed_under_another_message_of_the_same_chat(world: World) -> None:
    """The data of a button pressed under a message that does not carry it (a forged
    callback, or a copy) changes nothing, even in the chat the data was signed for."""
    await _two_groups(world)
    [card] = await world.send(SSC_STAFF, SSC_STAFF, "/avance 1 en_curso")
    [other] = await world.send(SSC_STAFF, SSC_STAFF, "/acciones")
    before = _text(world, SSC_STAFF, other.message_id)
    await world.driver.press_raw(SSC_STAFF, other, _raw(card, "st:1:done"))
    assert "ya no es válido" in world.answer
    assert _text(world, SSC_STAFF, other.message_id) == before
    assert "Hecha" not in await world.reply(COORD, COORD, "/historial 1")


async def test_observers_get_no_incident_place(world: World) -> None:
    world.seed()
    await world.send(COORD, GROUP, '/incidente tipo=lesiones fecha=ayer lugar="Cuadrante 4"')
    assert "Cuadrante 4" in await world.reply(COORD, COORD, "/incidentes")
    text = await world.reply(OBSERVER, OBSERVER, "/incidentes")
    assert "PLA-2026-001" in text and "Cuadrante 4" not in text
    assert "place" not in (await _export(world, OBSERVER, OBSERVER, "incidentes")).columns
    assert "place" not in (await _export(world, COORD, GROUP, "incidentes")).columns
    assert "place" in (await _export(world, COORD, COORD, "incidentes")).columns


async def test_a_press_under_a_message_telegram_no_longer_shows(world: World) -> None:
    """For old messages Telegram sends only {chat, message_id, date: 0}, no keyboard: the
    signature alone decides, and a real press still counts."""
    world.seed()
    [card] = await world.send(COORD, GROUP, "/accion SSC viernes Patrullaje")
    update = world.api.callback_update(
        SSC_STAFF, GROUP, card.message_id, data=_raw(card, "st:1:progress")
    )
    shown = update["callback_query"]["message"]
    update["callback_query"]["message"] = {
        "chat": shown["chat"],
        "message_id": shown["message_id"],
        "date": 0,
    }
    await world.driver._process(update)
    assert "En curso" in await world.reply(COORD, COORD, "/historial 1")
    world.driver.errors.clear()  # editing an inaccessible message may fail; the press counted


async def test_a_group_links_only_its_own_sectors_incidents(world: World) -> None:
    await _two_groups(world)  # PLA-2026-001 is Plateros' incident
    text = await world.reply(COORD, OTHER_GROUP, "/accion FGJ viernes Revisar #PLA-2026-001")
    assert "No existe el incidente" in text
    created = await world.reply(COORD, GROUP, "/accion FGJ viernes Revisar #PLA-2026-001")
    assert "PLA-2026-001" in created
